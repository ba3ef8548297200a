"""The Disposals pages over HTTP: the sweeps, one sweep, its certificate, and the verifier."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from markupsafe import escape

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.signing import public_key_pem
from tests.support.console import make_person
from tests.web.console_forms import csrf_of, signed_in
from tests.web.disposals_data import HOSTILE_REFERENCE, Disposed, disposed


@pytest.fixture
def made(db: Database, settings: Settings) -> Disposed:
    return disposed(db, settings)


def _as(client: TestClient, db: Database, role: str) -> TestClient:
    name = f"{role.replace('_', '-')}-person"
    make_person(db, role, name)
    return signed_in(client, name)


def test_the_sweeps_and_a_sweep_page(client: TestClient, db: Database, made: Disposed) -> None:
    _as(client, db, "auditor")
    listing = client.get("/disposals")
    assert listing.status_code == 200
    assert f'href="/disposals/{made.sweep_id}"' in listing.text
    digest = hashlib.sha256(made.text.encode()).hexdigest()
    assert f'title="{digest}"' in listing.text
    assert f'href="/disposals/{made.sweep_id}/certificate"' in listing.text
    assert "not issued yet" in listing.text  # the unfinished sweep
    assert HOSTILE_REFERENCE not in listing.text
    assert str(escape(HOSTILE_REFERENCE)) in listing.text
    page = client.get(f"/disposals/{made.sweep_id}")
    assert page.status_code == 200
    for recording in made.recordings:
        assert f'href="/recordings/{recording}"' in page.text
    assert "/audit?up_to=" in page.text  # an auditor reads the trail: positions link to it
    assert digest in page.text and HOSTILE_REFERENCE not in page.text
    download = client.get(f"/disposals/{made.sweep_id}/certificate")
    assert download.status_code == 200 and download.content == made.text.encode()
    assert "attachment" in download.headers["content-disposition"]


def test_legal_sees_positions_without_links_to_the_trail(
    client: TestClient, db: Database, made: Disposed
) -> None:
    _as(client, db, "legal")
    page = client.get(f"/disposals/{made.sweep_id}")
    assert page.status_code == 200 and "/audit?up_to=" not in page.text


def test_a_missing_sweep_reads_as_nothing_there(
    client: TestClient, db: Database, made: Disposed
) -> None:
    _as(client, db, "compliance_officer")
    for path in ("/disposals/sweep_nope", "/disposals/sweep_nope/certificate"):
        answer = client.get(path)
        assert answer.status_code == 404 and "nothing at this address" in answer.text
    unfinished = client.get(f"/disposals/{made.unfinished_id}/certificate")
    assert unfinished.status_code == 404


def test_other_roles_are_refused(client: TestClient, db: Database, made: Disposed) -> None:
    _as(client, db, "supervisor")
    for path in ("/disposals", f"/disposals/{made.sweep_id}", "/disposals/verify"):
        answer = client.get(path)
        assert answer.status_code == 403 and "retention.read" in answer.text


def _verify(
    client: TestClient, files: dict[str, tuple[str, bytes, str]] | None = None, **fields: str
) -> str:
    token = csrf_of(client, "/disposals/verify")
    answer = client.post("/disposals/verify", data={"csrf_token": token, **fields}, files=files)
    assert answer.status_code == 200, answer.text
    text: str = answer.text
    return text


def test_the_verifier_says_verified_or_where(
    client: TestClient, db: Database, made: Disposed
) -> None:
    _as(client, db, "compliance_officer")
    uploaded = _verify(client, files={"upload": ("c.json", made.text.encode(), "application/json")})
    assert "VERIFIED" in uploaded and "NOT VERIFIED" not in uploaded
    assert made.sweep_id in uploaded and hashlib.sha256(made.text.encode()).hexdigest() in uploaded
    assert HOSTILE_REFERENCE not in uploaded
    pasted = _verify(client, text=made.text.replace("\n", "\r\n"))  # as a browser sends it
    assert "VERIFIED" in pasted and "NOT VERIFIED" not in pasted
    edited = made.text.replace('"kind": "erasure"', '"kind": "erasurf"', 1)
    refused = _verify(client, files={"upload": ("c.json", edited.encode(), "application/json")})
    assert "NOT VERIFIED</span> at sweep.kind" in refused
    other = public_key_pem(Ed25519PrivateKey.generate())
    wrong_key = _verify(client, text=made.text, public_key=other)
    assert "NOT VERIFIED</span> at signature.key_id" in wrong_key
    nothing = _verify(client)
    assert "NOT VERIFIED" in nothing and "paste a certificate" in nothing
    bad_key = _verify(client, text=made.text, public_key="not a key")
    assert "not a PEM public key" in bad_key


def test_the_verifier_needs_the_form_token(
    client: TestClient, db: Database, made: Disposed
) -> None:
    _as(client, db, "compliance_officer")
    answer = client.post("/disposals/verify", data={"text": made.text})
    assert answer.status_code == 403
