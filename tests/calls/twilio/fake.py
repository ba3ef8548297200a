"""Standing in for Twilio in tests: requests signed with the real `RequestValidator`.

Twilio reaches callwarden at PUBLIC (as through a proxy); the test client talks to the app
directly, so every signature is computed over the public URL, exactly as Twilio would.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from callwarden.db import Database
from callwarden.models import AuditEvent, CallEvent, ProviderRecording

TOKEN = "test-auth-token-not-secret"
ACCOUNT = "AC" + "a1" * 16
PUBLIC = "https://callwarden.example.com"
BUSINESS_TX = "+15125550199"
HR_LINE = "+15125550100"
_numbers = itertools.count(1)


def sid(prefix: str) -> str:
    return f"{prefix}{next(_numbers):032x}"


@dataclass
class Answer:
    """A webhook's response, with its TwiML parsed when there is some."""

    response: httpx.Response

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def xml(self) -> ET.Element:
        assert self.status == 200, self.response.text
        assert self.response.headers["content-type"].startswith("application/xml")
        return ET.fromstring(self.response.text)

    def verbs(self) -> list[str]:
        return [child.tag for child in self.xml]

    def find(self, path: str) -> ET.Element:
        found = self.xml.find(path)
        assert found is not None, f"no {path} in {self.response.text}"
        return found

    def gather_action(self) -> str:
        return self.find("Gather").attrib["action"]

    def problem(self) -> dict[str, Any]:
        assert self.response.headers["content-type"] == "application/problem+json"
        body: dict[str, Any] = self.response.json()
        return body


class FakeTwilio:
    def __init__(self, client: TestClient, token: str = TOKEN, public: str = PUBLIC) -> None:
        self.client = client
        self.validator = RequestValidator(token)
        self.public = public

    def post(
        self,
        url: str,
        params: dict[str, str],
        *,
        signed_url: str | None = None,
        headers: dict[str, str] | None = None,
        sign: bool = True,
    ) -> Answer:
        """POST like Twilio: to a public URL, signed over `signed_url` (default: that URL)."""
        parts = urlsplit(url)
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        sent = dict(headers or {})
        if sign:
            sent["X-Twilio-Signature"] = self.validator.compute_signature(signed_url or url, params)
        return Answer(self.client.post(local, data=params, headers=sent))

    def voice(
        self, caller: str, called: str, *, direction: str = "inbound", query: str = "", **extra: str
    ) -> tuple[str, Answer]:
        call_sid = extra.pop("CallSid", None) or sid("CA")
        params = {
            "AccountSid": ACCOUNT,
            "CallSid": call_sid,
            "From": caller,
            "To": called,
            "Caller": caller,
            "Called": called,
            "Direction": direction,
            "CallStatus": "ringing",
            "ApiVersion": "2010-04-01",
            **extra,
        }
        url = f"{self.public}/v1/adapters/twilio/voice" + (f"?{query}" if query else "")
        return call_sid, self.post(url, params)

    def press(self, action: str, call_sid: str, digits: str) -> Answer:
        """The caller's keypress, posted to the Gather's action URL as Twilio does."""
        params = {"AccountSid": ACCOUNT, "CallSid": call_sid, "Digits": digits}
        if not digits:
            params.pop("Digits")
        return self.post(action, params)

    def recording_status(
        self, call_sid: str, recording_sid: str, status: str, **extra: str
    ) -> Answer:
        params = {
            "AccountSid": ACCOUNT,
            "CallSid": call_sid,
            "RecordingSid": recording_sid,
            "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/{recording_sid}",
            "RecordingStatus": status,
            "RecordingDuration": "42" if status == "completed" else "-1",
            "RecordingChannels": "2",
            "RecordingSource": "StartCallRecordingAPI",
            "RecordingTrack": "both",
            "RecordingStartTime": "Tue, 03 Nov 2026 10:00:00 +0000",
            **extra,
        }
        return self.post(f"{self.public}/v1/adapters/twilio/recording-status", params)


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


@dataclass(frozen=True)
class Counts:
    audit: int
    events: int
    recordings: int


def counts(db: Database) -> Counts:
    with db.reading() as session:
        return Counts(
            session.scalar(select(func.count()).select_from(AuditEvent)) or 0,
            session.scalar(select(func.count()).select_from(CallEvent)) or 0,
            session.scalar(select(func.count()).select_from(ProviderRecording)) or 0,
        )


def audit_actions(db: Database, after_seq: int = 0) -> list[str]:
    with db.reading() as session:
        query = select(AuditEvent.action).where(AuditEvent.seq > after_seq).order_by(AuditEvent.seq)
        return list(session.scalars(query))


def last_audit(db: Database, action: str) -> AuditEvent:
    with db.reading() as session:
        query = (
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq.desc())
        )
        event = session.scalars(query).first()
        assert event is not None, f"no audit event {action}"
        session.expunge_all()  # keep the loaded values readable after the read ends
        return event


def head_seq(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.max(AuditEvent.seq))) or 0


class Ledger:
    """Reads a Twilio call back through the public API, as an auditor would."""

    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers

    def call_id(self, call_sid: str) -> str:
        calls = self.client.get("/v1/calls", headers=self.headers).json()["items"]
        matches = [c["call_id"] for c in calls if c["external_id"] == call_sid]
        assert len(matches) == 1, calls
        return str(matches[0])

    def detail(self, call_sid: str) -> dict[str, Any]:
        response = self.client.get(f"/v1/calls/{self.call_id(call_sid)}", headers=self.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def consent(self, call_sid: str) -> dict[str, Any]:
        url = f"/v1/calls/{self.call_id(call_sid)}/consent"
        response = self.client.get(url, headers=self.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def kinds(self, call_sid: str) -> list[str]:
        return [e["kind"] for e in self.detail(call_sid)["events"] if e["accepted"]]
