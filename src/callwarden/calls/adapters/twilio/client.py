"""Pausing and resuming a live call's recording through Twilio's Recordings API (secure pause).

Uses the official `twilio.rest.Client`. `Twilio.CURRENT` names the call's recording in progress,
so callwarden needs no RecordingSid to pause for a card payment. The API origin comes from
`CALLWARDEN_TWILIO_API_BASE_URL` and is set on the client's `api` domain, the one documented
attribute that decides where requests go (`edge`/`region` can only pick another twilio.com host,
so they are cleared here: a `TWILIO_EDGE` in the environment must not rewrite our base URL).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from requests import RequestException
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from callwarden.calls.adapters.twilio.webhook import AdapterNotConfigured
from callwarden.config import Settings
from callwarden.kit.errors import CallwardenError

CURRENT = "Twilio.CURRENT"
PauseBehavior = Literal["skip", "silence"]


class TwilioRequestFailed(CallwardenError):
    status, code, title = 502, "twilio_request_failed", "Twilio request failed"


@dataclass(frozen=True, slots=True)
class RecordingState:
    """What Twilio says the recording is now."""

    call_sid: str
    recording_sid: str | None
    status: str | None


class TwilioRecordings:
    """Pause and resume the recording of one call at a time; one instance per process."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        api_base_url: str = "https://api.twilio.com",
        timeout_s: float = 10.0,
    ) -> None:
        self._client = Client(
            account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout_s)
        )
        self._client.edge = None
        self._client.region = None
        self._client.api.base_url = api_base_url.rstrip("/")

    @classmethod
    def from_settings(cls, settings: Settings) -> TwilioRecordings:
        """The client for the configured account, or a clear 503 saying what to set."""
        if not settings.twilio_account_sid or not settings.twilio_auth_token:
            raise AdapterNotConfigured(
                "the Twilio Recordings API needs CALLWARDEN_TWILIO_ACCOUNT_SID and "
                "CALLWARDEN_TWILIO_AUTH_TOKEN"
            )
        return cls(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            settings.twilio_api_base_url,
        )

    def pause(self, call_sid: str, behavior: PauseBehavior = "silence") -> RecordingState:
        """Pause. With `silence` (the default, as at Twilio) the paused stretch is kept as
        silence, so offsets in the recording match the call's clock and the ledger's pause
        intervals line up with the audio; `skip` leaves it out, which shifts every later offset."""
        return self._update(call_sid, status="paused", pause_behavior=behavior)

    def resume(self, call_sid: str) -> RecordingState:
        return self._update(call_sid, status="in-progress")

    def _update(self, call_sid: str, **changes: str) -> RecordingState:
        try:
            recording = self._client.calls(call_sid).recordings(CURRENT).update(**changes)
        except TwilioRestException as error:
            raise TwilioRequestFailed(
                f"Twilio refused to set the recording of {call_sid} to {changes['status']}: "
                f"HTTP {error.status}, Twilio error {error.code}: {error.msg}",
                twilio_status=error.status,
                twilio_code=error.code,
            ) from None
        except RequestException as error:
            raise TwilioRequestFailed(
                f"could not reach Twilio to set the recording of {call_sid} to "
                f"{changes['status']}: {type(error).__name__}"
            ) from None
        sid = getattr(recording, "sid", None)
        status = getattr(recording, "status", None)
        return RecordingState(call_sid, str(sid) if sid else None, str(status) if status else None)
