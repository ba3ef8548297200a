"""Fetching the recordings Twilio holds for us, one HTTP attempt at a time.

A Twilio recording-status callback leaves a `ProviderRecording` row. The scan
`twilio.fetch_recordings` (registered in `recordings.tasks`) defers one `twilio.fetch_recording`
per row that is due (`due_rows`); that job leases the row in a short transaction
(`fetch_claimed_until`, so no other worker takes it and no row lock is held), streams the audio
with the account's credentials through recordings intake, so the consent ledger decides as for
an upload, and writes the attempt in another short transaction (`fetch_recording`).
One HTTP attempt per run, counted in `fetch_attempts`: transport errors, 5xx, 429 and auth
failures raise `RetryLater`, and the job backend tries again after the exponential backoff (a
lost in-memory retry is found again by the scan once `received_at` plus the waits has passed).
A 404, a refusal or audio intake rejects is final: `fetch_error` starts with `final:` and the row
is not tried again.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.calls import service as calls
from callwarden.calls.adapters.twilio import repository
from callwarden.calls.snapshot import CallSnapshot
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.kit.errors import CallwardenError
from callwarden.models import ProviderRecording
from callwarden.recordings import intake
from callwarden.recordings.upload import IntakeRequest
from callwarden.vault.runtime import vault_for

log = logging.getLogger(__name__)
FETCHER = Principal(actor="job:twilio-fetch", role=Role.INTEGRATION)
FINAL = repository.FINAL
LEASE = timedelta(minutes=15)  # a crashed worker's row is free again after this
RETRYABLE_STATUS = frozenset({401, 403, 408, 425, 429})  # 401/403: fixed by configuration
FetchPlan = tuple[IntakeRequest, httpx.URL]  # what to ask intake for, and where the audio is


class Retryable(Exception): ...  # another attempt may succeed


class Final(Exception): ...  # no retry can fix it


def backoff(settings: Settings, attempts: int) -> float:
    """Wait after the `attempts`-th failed attempt: base, 2×base, 4×base…, capped."""
    delay = settings.fetch_backoff_seconds * 2 ** max(0, attempts - 1)
    return float(min(delay, settings.fetch_backoff_max_seconds))


@dataclass(frozen=True)
class FetchAttempt:
    """How one try at fetching a row went, and what to write on the row for it."""

    attempts: int
    recording_id: str | None = None
    error: str | None = None
    final: bool = False
    retry_in: float | None = None  # seconds until the next attempt, when there is one

    def write(self, session: Session, row: ProviderRecording) -> None:
        """Release the lease and keep the result (a final failure other than a refusal is
        audited: a refusal was audited by intake already)."""
        row.fetch_claimed_until = None
        row.fetch_attempts += self.attempts
        row.fetched_recording_id = self.recording_id
        row.fetch_error = None if self.error is None else (FINAL * self.final + self.error)[:1000]
        if self.final and self.error and not self.error.startswith("refused"):
            audit.record(
                session,
                actor=FETCHER.actor,
                action="twilio.recording_fetch_failed",
                target=f"call:{row.call_id}",
                reason=self.error[:500],
                data={"recording_sid": row.recording_sid, "attempts": row.fetch_attempts},
            )


def due_rows(settings: Settings, db: Database) -> list[int]:
    """The rows to fetch now: still to be fetched, and past their backoff; none until the
    account is configured (the rows wait)."""
    if not settings.twilio_account_sid or not settings.twilio_auth_token:
        return []
    with db.reading() as session:
        rows = repository.fetchable(session, settings.fetch_max_attempts)
    now = clock.now()
    return [row_id for row_id, received, tries in rows if due_at(settings, received, tries) <= now]


def due_at(settings: Settings, received_at: datetime, attempts: int) -> datetime:
    """When a row may be tried again: `received_at` plus the waits for the attempts made."""
    waited = sum(backoff(settings, n) for n in range(1, attempts + 1))
    return clock.as_utc(received_at) + timedelta(seconds=waited)


def fetch_recording(settings: Settings, db: Database, row_id: int) -> FetchAttempt | None:
    """Lease the row, make one attempt and write it; None when another worker has the row or
    it was finished meanwhile. Needs the account configured (the caller checks)."""
    with db.unit_of_work() as session:
        row = repository.lease(session, row_id, settings.fetch_max_attempts, clock.now() + LEASE)
    if row is None:
        return None
    attempt = fetch_one(settings, db, row)
    with db.unit_of_work() as session:
        current = repository.provider_recording(session, row_id)
        if current is not None:
            attempt.write(session, current)
    return attempt


def fetch_one(settings: Settings, db: Database, row: ProviderRecording) -> FetchAttempt:
    """One attempt at bringing a provider recording into the vault; no database lock is held."""
    plan = _plan(settings, db, row)
    if isinstance(plan, FetchAttempt):
        return plan
    request, url = plan
    spool, vault = settings.data_dir / "spool", vault_for(settings)
    auth = (settings.twilio_account_sid or "", settings.twilio_auth_token or "")
    timeout = httpx.Timeout(settings.fetch_timeout_seconds)
    try:
        with (
            httpx.Client(auth=auth, timeout=timeout, follow_redirects=True) as client,
            client.stream("GET", url) as response,
        ):
            _check(response)
            result = intake.ingest(db, vault, FETCHER, request, response.iter_bytes(), spool)
        return FetchAttempt(1, recording_id=result.recording["recording_id"])
    except Final as failure:
        return FetchAttempt(1, error=str(failure), final=True)
    except CallwardenError as error:  # refused, bad audio, too large: the same next time
        if error.status < 500:
            why = "refused" if isinstance(error, intake.RecordingRefused) else "intake refused it"
            return FetchAttempt(1, error=f"{why}: {error.detail}", final=True)
        failure_text = error.detail
    except Exception as failure:  # transport, 5xx/429, store or database: try again
        if not isinstance(failure, Retryable | httpx.TransportError):
            log.warning("fetching %s failed", row.recording_sid, exc_info=True)
        failure_text = f"{type(failure).__name__}: {failure}".rstrip(": ")
    total = row.fetch_attempts + 1
    if total >= settings.fetch_max_attempts:
        return FetchAttempt(1, error=f"gave up after {total} attempts: {failure_text}", final=True)
    return FetchAttempt(1, error=failure_text, retry_in=backoff(settings, total))


def _plan(settings: Settings, db: Database, row: ProviderRecording) -> FetchPlan | FetchAttempt:
    """The intake request and media URL, or an outcome reached without downloading."""
    key = f"twilio:{row.recording_sid}"
    with db.reading() as session:
        existing = intake.stored_under(session, row.call_id, key)
        if existing is not None:  # stored by an earlier attempt whose bookkeeping was lost
            return FetchAttempt(0, recording_id=existing)
        ledger = calls.admit_recording(session, row.call_id, None)
        if ledger is None:
            return FetchAttempt(0, error=f"no call {row.call_id!r}", final=True)
        call = ledger.call
        mapped, started = channel_map(call, row.channels), _started_at(row)
        request = IntakeRequest(call.id, key, "twilio", mapped, started)
    if not ledger.admission.allowed:  # refused through intake (audited there), nothing downloaded
        try:
            spool = settings.data_dir / "spool"
            intake.ingest(db, vault_for(settings), FETCHER, request, (), spool)
        except intake.RecordingRefused as refusal:
            return FetchAttempt(0, error=f"refused: {refusal.detail}", final=True)
        except CallwardenError:
            pass  # the ledger changed in between and now admits it: download after all
    try:
        return request, media_url(settings, row)
    except Final as failure:
        return FetchAttempt(0, error=str(failure), final=True)


def _check(response: httpx.Response) -> None:
    status = response.status_code
    if status == 200:
        return
    where = f"HTTP {status} from {response.url.host}"
    if status in RETRYABLE_STATUS or status >= 500:
        hint = " (check CALLWARDEN_TWILIO_ACCOUNT_SID/AUTH_TOKEN)" if status in (401, 403) else ""
        raise Retryable(where + hint)
    raise Final(f"{where}: the recording is gone" if status in (404, 410) else where)


def media_url(settings: Settings, row: ProviderRecording) -> httpx.URL:
    """Twilio's media URL as WAV (it serves WAV for `.wav`), both channels when there are two.
    Credentials go only to Twilio: https on twilio.com, or the configured API origin (tests)."""
    if not row.media_url:
        raise Final("the callback carried no RecordingUrl")
    url, configured = httpx.URL(row.media_url), httpx.URL(settings.twilio_api_base_url)
    twilio = url.scheme == "https" and f".{url.host}".endswith(".twilio.com")
    same_origin = url.join("/") == configured.join("/")
    if not (twilio or same_origin):
        raise Final(f"refusing to send the Twilio credentials to {url.host!r}")
    path = url.path.removesuffix(".mp3")
    url = url.copy_with(path=path if path.endswith(".wav") else path + ".wav")
    return url.copy_merge_params({"RequestedChannels": "2"}) if row.channels == 2 else url


def channel_map(call: CallSnapshot, channels: int | None) -> tuple[str, ...]:
    """Twilio puts the caller (the From side) on channel 1: the customer when the call came in,
    the business side when it went out. Anything but a plain two-party call stays unmapped."""
    if channels == 1:
        return ("mixed",)
    roles = {party.role: party.key for party in call.parties}
    if channels != 2 or len(call.parties) != 2 or set(roles) != {"customer", "agent"}:
        return ()
    if call.direction == "inbound":
        return roles["customer"], roles["agent"]
    return roles["agent"], roles["customer"]


def _started_at(row: ProviderRecording) -> datetime | None:
    """Twilio's RecordingStartTime, so that offsets in the audio line up with the ledger."""
    with contextlib.suppress(TypeError, ValueError):
        moment = parsedate_to_datetime(str((row.raw or {}).get("RecordingStartTime", "")))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None
