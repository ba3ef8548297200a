"""The Recordings API client, against a local server standing in for api.twilio.com."""

from __future__ import annotations

import base64
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from callwarden.calls.adapters.twilio.client import TwilioRecordings, TwilioRequestFailed
from callwarden.calls.adapters.twilio.webhook import AdapterNotConfigured
from callwarden.config import Settings
from tests.calls.twilio.fake import ACCOUNT, TOKEN

CALL_SID = "CA" + "5c" * 16
RECORDING_SID = "RE" + "7d" * 16
RECORDING_PATH = f"/2010-04-01/Accounts/{ACCOUNT}/Calls/{CALL_SID}/Recordings/Twilio.CURRENT.json"


@dataclass
class Received:
    method: str
    path: str
    form: dict[str, str]
    headers: dict[str, str]


@dataclass
class FakeApi:
    """Answers like Twilio's Recordings API and remembers every request it got."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    reply_status: int = 200


def _handler(api: FakeApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            form = {key: values[0] for key, values in parse_qs(body).items()}
            api.received.append(Received("POST", self.path, form, dict(self.headers)))
            if api.reply_status == 200:
                payload: dict[str, Any] = {
                    "account_sid": ACCOUNT,
                    "call_sid": CALL_SID,
                    "sid": RECORDING_SID,
                    "status": form.get("Status"),
                    "channels": 2,
                    "source": "StartCallRecordingAPI",
                }
            else:
                payload = {
                    "code": 20404,
                    "message": "The requested resource was not found",
                    "status": api.reply_status,
                }
            data = json.dumps(payload).encode()
            self.send_response(api.reply_status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@pytest.fixture
def api() -> Iterator[FakeApi]:
    fake = FakeApi()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
    thread.join()


def basic_auth() -> str:
    return "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()


def test_pause_keeps_the_paused_stretch_as_silence(api: FakeApi) -> None:
    state = TwilioRecordings(ACCOUNT, TOKEN, api.url).pause(CALL_SID)
    assert (state.call_sid, state.recording_sid, state.status) == (
        CALL_SID,
        RECORDING_SID,
        "paused",
    )
    [request] = api.received
    assert (request.method, request.path) == ("POST", RECORDING_PATH)
    assert request.form == {"Status": "paused", "PauseBehavior": "silence"}
    assert request.headers["Authorization"] == basic_auth()
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_pause_can_skip_the_stretch_instead(api: FakeApi) -> None:
    TwilioRecordings(ACCOUNT, TOKEN, api.url).pause(CALL_SID, behavior="skip")
    assert api.received[0].form == {"Status": "paused", "PauseBehavior": "skip"}


def test_resume(api: FakeApi) -> None:
    state = TwilioRecordings(ACCOUNT, TOKEN, api.url + "/").resume(CALL_SID)
    assert state.status == "in-progress"
    [request] = api.received
    assert (request.path, request.form) == (RECORDING_PATH, {"Status": "in-progress"})
    assert request.headers["Authorization"] == basic_auth()


def test_the_configured_base_url_wins_over_twilio_edge_settings(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_EDGE", "dublin")
    monkeypatch.setenv("TWILIO_REGION", "ie1")
    TwilioRecordings(ACCOUNT, TOKEN, api.url).pause(CALL_SID)
    assert [r.path for r in api.received] == [RECORDING_PATH]


def test_from_settings(api: FakeApi, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        twilio_account_sid=ACCOUNT,
        twilio_auth_token=TOKEN,
        twilio_api_base_url=api.url,
    )
    TwilioRecordings.from_settings(settings).resume(CALL_SID)
    assert len(api.received) == 1


def test_missing_settings_say_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(AdapterNotConfigured, match="CALLWARDEN_TWILIO_ACCOUNT_SID"):
        TwilioRecordings.from_settings(Settings(data_dir=tmp_path, twilio_auth_token=TOKEN))


def test_a_refusal_from_twilio_becomes_a_clear_error(api: FakeApi) -> None:
    api.reply_status = 404
    with pytest.raises(TwilioRequestFailed) as raised:
        TwilioRecordings(ACCOUNT, TOKEN, api.url).pause(CALL_SID)
    error = raised.value
    assert error.status == 502
    assert "HTTP 404, Twilio error 20404" in error.detail
    assert error.extra == {"twilio_status": 404, "twilio_code": 20404}


def test_an_unreachable_api_becomes_a_clear_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recordings = TwilioRecordings(ACCOUNT, TOKEN, f"http://127.0.0.1:{port}", timeout_s=2)
    with pytest.raises(TwilioRequestFailed, match="could not reach Twilio"):
        recordings.resume(CALL_SID)
