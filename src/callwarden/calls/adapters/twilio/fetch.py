"""The vault's background jobs: fetch recordings providers hold for us, and sweep orphans.

Fetching: a Twilio recording-status callback leaves a `ProviderRecording` row. The scan
`twilio.fetch_recordings` defers one `twilio.fetch_recording` per row that is due; that job leases
the row in a short transaction (`fetch_claimed_until`, so no other worker takes it and no row lock
is held), streams the audio with the account's credentials through `intake.ingest`, so the
consent ledger decides as for an upload, and writes the outcome in another short transaction.
One HTTP attempt per run, counted in `fetch_attempts`: transport errors, 5xx, 429 and auth
failures raise `RetryLater`, and the job backend tries again after the exponential backoff (a
lost in-memory retry is found again by the scan once `received_at` plus the waits has passed).
A 404, a refusal or audio intake rejects is final: `fetch_error` starts with `final:` and the row
is not tried again.

Sweeping: objects whose row never committed (a crash between store and commit) and stale
unfinished writes go once older than the grace period; each batch removed is audited.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx
from sqlalchemy import ColumnElement, CursorResult, or_, select, update
from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.calls import repository as calls
from callwarden.calls.snapshot import CallSnapshot
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.jobs import JobContext, Retry, RetryLater, periodic, task
from callwarden.kit import clock
from callwarden.kit.errors import CallwardenError
from callwarden.models import ProviderRecording, Recording
from callwarden.vault import indexing, intake
from callwarden.vault.admission import LEDGER_KINDS, admit, recording_start_time
from callwarden.vault.runtime import vault_for
from callwarden.vault.stores import sweep_orphans

log = logging.getLogger(__name__)
FETCHER = Principal(actor="job:twilio-fetch", role=Role.INTEGRATION)
SWEEPER_ACTOR = "job:vault-sweeper"
FINAL = "final: "
FETCH_ONE = "twilio.fetch_recording"
LEASE = timedelta(minutes=15)  # a crashed worker's row is free again after this
RETRYABLE_STATUS = frozenset({401, 403, 408, 425, 429})  # 401/403: fixed by configuration
OBJECT_PREFIX = "recordings/"
AUDIT_BATCH = 500
Prepared = tuple[intake.IntakeRequest, httpx.URL]


class Retryable(Exception): ...  # another attempt may succeed


class Final(Exception): ...  # no retry can fix it


def backoff(settings: Settings, attempts: int) -> float:
    """Wait after the `attempts`-th failed attempt: base, 2×base, 4×base…, capped."""
    delay = settings.fetch_backoff_seconds * 2 ** max(0, attempts - 1)
    return float(min(delay, settings.fetch_backoff_max_seconds))


def claimable(settings: Settings) -> list[ColumnElement[bool]]:
    """The fetch queue: completed recordings not fetched, not given up, attempts left."""
    row = ProviderRecording
    return [
        row.provider == "twilio",
        row.status == "completed",
        row.fetched_recording_id.is_(None),
        row.fetch_attempts < settings.fetch_max_attempts,
        or_(row.fetch_error.is_(None), ~row.fetch_error.startswith(FINAL)),
        or_(row.fetch_claimed_until.is_(None), row.fetch_claimed_until < clock.now()),
    ]


@dataclass(frozen=True)
class Outcome:
    attempts: int
    recording_id: str | None = None
    error: str | None = None
    final: bool = False
    retry_in: float | None = None  # seconds until the next attempt, when there is one

    def write(self, session: Session, row: ProviderRecording) -> None:
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


@periodic("twilio.fetch_recordings", every=lambda settings: settings.jobs_poll_seconds)
def fetch_recordings(context: JobContext) -> int:
    """Queue a download of each completed Twilio recording that is due (one job per row)."""
    settings = context.settings
    if not settings.twilio_account_sid or not settings.twilio_auth_token:
        return 0  # nothing can be fetched until the account is configured; rows wait
    due = _due(context.db, settings)
    return sum(
        context.defer(FETCH_ONE, key=f"{FETCH_ONE}:{row_id}", row_id=row_id) for row_id in due
    )


@task(FETCH_ONE, retry=Retry(attempts=lambda settings: settings.fetch_max_attempts))
def fetch_recording(context: JobContext, row_id: int) -> str:
    """Download one completed Twilio recording into the vault, through intake."""
    settings, db = context.settings, context.db
    if not settings.twilio_account_sid or not settings.twilio_auth_token:
        return "not configured"
    row = _lease(db, settings, row_id)
    if row is None:
        return "taken"  # another worker has it, or it was finished meanwhile
    outcome = fetch_one(settings, db, row)
    with db.unit_of_work() as session:
        current = session.get(ProviderRecording, row_id)
        if current is not None:
            outcome.write(session, current)
    if outcome.retry_in is not None:
        raise RetryLater(outcome.error or "retry", after_s=outcome.retry_in)
    return outcome.recording_id or (outcome.error or "")


def _lease(db: Database, settings: Settings, row_id: int) -> ProviderRecording | None:
    """Take the row for one attempt in a short transaction, if it is still to be fetched."""
    take = (
        update(ProviderRecording)
        .where(ProviderRecording.id == row_id, *claimable(settings))
        .values(fetch_claimed_until=clock.now() + LEASE)
    )
    with db.unit_of_work() as session:
        taken: CursorResult[tuple[()]] = session.execute(take)  # type: ignore[assignment]
        if taken.rowcount != 1:
            return None
        return session.get(ProviderRecording, row_id)


def _due(db: Database, settings: Settings, limit: int = 200) -> list[int]:
    """Rows whose backoff has run out: `received_at` plus the waits for the attempts made."""

    def due_at(received_at: datetime, attempts: int) -> datetime:
        waited = sum(backoff(settings, n) for n in range(1, attempts + 1))
        return clock.as_utc(received_at) + timedelta(seconds=waited)

    now = clock.now()
    query = select(
        ProviderRecording.id, ProviderRecording.received_at, ProviderRecording.fetch_attempts
    ).where(*claimable(settings))
    with db.reading() as session:
        rows = session.execute(query.order_by(ProviderRecording.id).limit(limit)).all()
    return [row.id for row in rows if due_at(row.received_at, row.fetch_attempts) <= now]


def fetch_one(settings: Settings, db: Database, row: ProviderRecording) -> Outcome:
    """One attempt at bringing a provider recording into the vault; no database lock is held."""
    prepared = _prepare(settings, db, row)
    if isinstance(prepared, Outcome):
        return prepared
    request, url = prepared
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
        return Outcome(1, recording_id=result.recording["recording_id"])
    except Final as failure:
        return Outcome(1, error=str(failure), final=True)
    except CallwardenError as error:  # refused, bad audio, too large: the same next time
        if error.status < 500:
            why = "refused" if isinstance(error, intake.RecordingRefused) else "intake refused it"
            return Outcome(1, error=f"{why}: {error.detail}", final=True)
        failure_text = error.detail
    except Exception as failure:  # transport, 5xx/429, store or database: try again
        if not isinstance(failure, Retryable | httpx.TransportError):
            log.warning("fetching %s failed", row.recording_sid, exc_info=True)
        failure_text = f"{type(failure).__name__}: {failure}".rstrip(": ")
    total = row.fetch_attempts + 1
    if total >= settings.fetch_max_attempts:
        return Outcome(1, error=f"gave up after {total} attempts: {failure_text}", final=True)
    return Outcome(1, error=failure_text, retry_in=backoff(settings, total))


def _prepare(settings: Settings, db: Database, row: ProviderRecording) -> Prepared | Outcome:
    """The intake request and media URL, or an outcome reached without downloading."""
    key = f"twilio:{row.recording_sid}"
    with db.reading() as session:
        existing = indexing.by_idempotency_key(session, row.call_id, key)
        if existing is not None:  # stored by an earlier attempt whose bookkeeping was lost
            return Outcome(0, recording_id=existing.id)
        call = calls.snapshot(session, row.call_id)
        if call is None:
            return Outcome(0, error=f"no call {row.call_id!r}", final=True)
        events = calls.accepted_events(session, call.id, LEDGER_KINDS)
        admission = admit(call, events, recording_start_time(events, None, call.started_at))
        mapped, started = channel_map(call, row.channels), _started_at(row)
        request = intake.IntakeRequest(call.id, key, "twilio", mapped, started)
    if not admission.allowed:  # refused through intake (audited there), nothing downloaded
        try:
            spool = settings.data_dir / "spool"
            intake.ingest(db, vault_for(settings), FETCHER, request, (), spool)
        except intake.RecordingRefused as refusal:
            return Outcome(0, error=f"refused: {refusal.detail}", final=True)
        except CallwardenError:
            pass  # the ledger changed in between and now admits it: download after all
    try:
        return request, media_url(settings, row)
    except Final as failure:
        return Outcome(0, error=str(failure), final=True)


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


@periodic("vault.sweep_orphans", every=lambda settings: settings.sweep_every_minutes * 60)
def sweep_orphans_job(context: JobContext) -> int:
    """Remove vault objects whose recording row never committed, after the grace period."""
    settings = context.settings
    return len(sweep(settings, context.db, timedelta(minutes=settings.orphan_grace_minutes)))


def sweep(
    settings: Settings, db: Database, grace: timedelta, actor: str = SWEEPER_ACTOR
) -> list[str]:
    """Sweep orphans and stale writes older than `grace`; audit what went. Returns the keys."""

    def committed(key: str) -> bool:  # a fresh read per key: never an old snapshot
        with db.reading() as session:
            found = session.execute(select(Recording.id).where(Recording.object_key == key))
            return found.first() is not None

    store = vault_for(settings).store
    deleted = sweep_orphans(store, committed, older_than=grace, prefix=OBJECT_PREFIX)
    spooled = _sweep_spool(settings.data_dir / "spool", grace)
    for start in range(0, len(deleted), AUDIT_BATCH):
        batch = deleted[start : start + AUDIT_BATCH]
        with db.unit_of_work() as session:
            audit.record(
                session,
                actor=actor,
                action="vault.orphans_swept",
                target=f"vault:{settings.vault_store}",
                reason=f"no committed recording refers to them after {grace} (crashed intake)",
                data={"keys": batch, "count": len(batch), "spool_dirs_removed": spooled},
            )
    return deleted


def _sweep_spool(spool: Path, grace: timedelta) -> int:
    """Working directories of trimmed intakes whose process died (untouched for `grace`)."""
    cutoff, removed = (clock.now() - grace).timestamp(), 0
    for work in spool.glob(".intake-*") if spool.is_dir() else ():
        try:
            touched = max(path.stat().st_mtime for path in [work, *work.iterdir()])
        except OSError:  # its intake just finished and removed it
            continue
        if touched < cutoff:
            shutil.rmtree(work, ignore_errors=True)
            removed += 1
    return removed
