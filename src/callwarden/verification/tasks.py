"""The background job that checks each newly stored recording's audio."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.jobs import JobContext, claim, periodic
from callwarden.kit.errors import CallwardenError
from callwarden.models import Recording
from callwarden.recordings import integrity
from callwarden.vault.runtime import Vault, vault_for
from callwarden.verification import service

log = logging.getLogger(__name__)
ANALYST = Principal(actor="system:audio-check", role=Role.ADMIN)
BATCH = 20
PENDING = (
    select(Recording)
    .where(
        Recording.analysed_at.is_(None),
        Recording.analysis_error.is_(None),
        Recording.state == "stored",
    )
    .order_by(Recording.created_at)
)


def _failed(
    message: str, damage: CallwardenError | None = None
) -> Callable[[Session, Recording], None]:
    def write(session: Session, row: Recording) -> None:
        if row.state != "stored":  # disposed of while its audio was read: nothing to record
            return
        row.analysis_error = message
        if damage is not None:  # the audio would not open: damage, kept as playback keeps it
            integrity.record_damage(session, ANALYST.actor, row.id, damage, "analysis")

    return write


def _kept(vault: Vault, checked: service.AudioCheckResult) -> Callable[[Session, Recording], None]:
    def write(session: Session, row: Recording) -> None:
        if row.state == "stored":  # not disposed of while its audio was read
            service.keep(session, vault, ANALYST, row, checked)

    return write


@periodic("analyse_recordings", every=lambda settings: settings.jobs_poll_seconds)
def analyse_recordings(context: JobContext) -> int:
    """Check the audio of recordings stored since the last run (notice, consent keys, pauses)."""
    vault = vault_for(context.settings)
    spool = context.settings.data_dir / "spool"
    done = 0
    while done < BATCH and not context.stopping:
        with claim(context.db, PENDING) as claimed:
            if claimed is None:
                break
            recording_id = claimed.row.id
            try:
                with context.db.reading() as session:
                    checked = service.examine(
                        session, vault, recording_id, spool, context.settings.redact_stray_dtmf
                    )
            except (CallwardenError, RuntimeError, ValueError) as error:
                log.warning(
                    "audio check failed", extra={"recording_id": recording_id, "error": str(error)}
                )
                # libsndfile's text names the spooled file; its error_string does not.
                shown = getattr(error, "error_string", None) or getattr(error, "detail", error)
                damage = error if isinstance(error, integrity.INTEGRITY_FAILURES) else None
                claimed.finish(_failed(str(shown)[:1000], damage))
            else:
                claimed.finish(_kept(vault, checked))
            done += 1
    return done
