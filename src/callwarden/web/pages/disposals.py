"""Disposals in the console: the sweeps, what each destroyed, its certificate, and a verifier.

The lists call the same `retention.certificate` functions as the API and the CLI, under the same
action (`retention.read`). The verifier is the offline one (`certificate.verify`): it holds a
pasted or uploaded certificate to this installation's public key (or one pasted beside it) and
says where a copy was edited. It changes nothing, but a file upload needs a POST, so it carries
the form token like every other POST.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi import Depends, File, Form, Request, UploadFile
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.config import Settings
from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.kit.errors import CallwardenError, InvalidInput
from callwarden.retention import certificate
from callwarden.retention.certificate_check import refuse_oversized
from callwarden.server.deps import read_session, settings
from callwarden.server.paging import Cursor
from callwarden.signing import key_id, load_signing_key, public_key_from_text
from callwarden.web.deps import console_requires, csrf_checked
from callwarden.web.nav import OVERSIGHT, NavEntry
from callwarden.web.routing import page_router
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("Disposals", "/disposals", "retention.read", order=40, group=OVERSIGHT)
PAGE_SIZE = 50
# The largest certificate the form takes (`app.body_limit` gives this path that limit); larger
# ones are verified with `callwarden retention certificate verify`.
FORM_PATH = "/disposals/verify"
FORM_BYTES = 16 * 1024 * 1024


@router.get("/disposals")
def sweep_list(
    request: Request,
    cursor: Cursor = None,
    who: Principal = Depends(console_requires("retention.read")),
    session: Session = Depends(read_session),
) -> Response:
    """Every sweep, newest first, with its count and certificate."""
    found = certificate.list_sweeps(session, who, cursor, PAGE_SIZE)
    context = {"sweeps": found.rows, "next_cursor": found.next_cursor, "title": "Disposals"}
    return render(request, "disposals_list.html", context, who=who)


@router.get(FORM_PATH)
def verify_form(
    request: Request, who: Principal = Depends(console_requires("retention.read"))
) -> Response:
    context = {"title": "Verify a certificate", "result": None, "limit": FORM_BYTES}
    return render(request, "disposals_verify.html", context, who=who)


def _public_key(pasted: str, current: Settings) -> Ed25519PublicKey:
    if pasted.strip():
        return public_key_from_text(pasted, "the pasted public key")
    return load_signing_key(current).public_key()


async def _certificate_bytes(pasted: str, upload: UploadFile | None) -> bytes:
    if upload is not None and upload.filename:
        if upload.size is not None:
            refuse_oversized(upload.size)
        return await upload.read(FORM_BYTES + 1)
    if not pasted.strip():
        raise InvalidInput("paste a certificate or choose its file")
    # A browser sends a text area's line ends as CRLF whatever was pasted; a certificate has
    # none (its strings escape control characters), so they are read back as the LF it has.
    return pasted.replace("\r\n", "\n").encode("utf-8")


@router.post(FORM_PATH, dependencies=[Depends(csrf_checked)])
async def verify_submitted(
    request: Request,
    text: str = Form(default=""),
    public_key: str = Form(default="", max_length=2000),
    upload: UploadFile | None = File(default=None),
    who: Principal = Depends(console_requires("retention.read")),
    current: Settings = Depends(settings),
) -> Response:
    """Hold the certificate to the key and say what it states, or where it fails."""
    result: dict[str, Any]
    key: Ed25519PublicKey | None = None
    try:
        key = _public_key(public_key, current)
        raw = await _certificate_bytes(text, upload)
        verified = certificate.verify(raw, key)
        result = {
            "ok": True,
            "certificate": verified,
            "sha256": certificate.text_sha256(raw.decode("utf-8")),
        }
    except certificate.CertificateRejected as rejected:
        result = {"ok": False, "where": rejected.where, "detail": rejected.reason}
    except CallwardenError as error:  # no key here, an unreadable key, nothing sent
        result = {"ok": False, "where": None, "detail": error.detail}
    context = {
        "title": "Verify a certificate",
        "result": result,
        "limit": FORM_BYTES,
        "public_key": public_key,
        "key_used": key_id(key) if key is not None else None,
    }
    return render(request, "disposals_verify.html", context, who=who)


@router.get("/disposals/{sweep_id}")
def sweep_page(
    request: Request,
    sweep_id: str,
    cursor: Cursor = None,
    who: Principal = Depends(console_requires("retention.read")),
    session: Session = Depends(read_session),
) -> Response:
    """One sweep: when, why, how many, its certificate, and a page of what it destroyed."""
    sweep = certificate.get_sweep(session, who, sweep_id)
    found = certificate.sweep_disposals(session, who, sweep_id, cursor, PAGE_SIZE)
    context = {
        "sweep": sweep,
        "disposals": found.rows,
        "next_cursor": found.next_cursor,
        "audit_links": bool(may(who, "audit.read")),
        "title": f"Sweep {sweep.id}",
    }
    return render(request, "disposals_sweep.html", context, who=who)


@router.get("/disposals/{sweep_id}/certificate")
def download(
    sweep_id: str,
    who: Principal = Depends(console_requires("retention.read")),
    session: Session = Depends(read_session),
) -> Response:
    """The certificate exactly as stored, as the API gives it."""
    text = certificate.certificate_of(session, who, sweep_id)
    return Response(
        content=text.encode("utf-8"),
        media_type="application/json",
        headers=certificate.download_headers(sweep_id, text),
    )
