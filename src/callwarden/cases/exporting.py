"""A case exported for the file: its PDF, for the people who keep the record.

The case's handlers and the oversight roles (`cases.read`) export it; the reporter and the
people it names read it in the console instead, as `views.py` shows it to them. Only a handler's
export names who reported it (the oversight roles never learn the reporter). Every export is
audited, since the PDF carries the case's internal notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.cases import export, reading, repository, wording
from callwarden.cases.views import Reader
from callwarden.identity.principal import Principal
from callwarden.kit.errors import Forbidden


@dataclass(frozen=True, slots=True)
class Exported:
    filename: str
    pdf: bytes


def export_pdf(session: Session, principal: Principal, ref: str) -> Exported:
    """The case (by id or `CASE-0001`) as a PDF, audited as `case.exported`."""
    case, reader = reading.readable(session, principal, ref)
    if reader not in (Reader.HANDLER, Reader.OVERSIGHT):
        raise Forbidden(
            "a case is exported by its handlers and the oversight roles; you can read it in "
            "the console"
        )
    entries = repository.entries(session, case.id)
    pdf = export.render_pdf(
        case,
        entries,
        reading.names_of(session, case, entries),
        include_reporter=reader is Reader.HANDLER,
        restrictions=repository.restrictions(session, case.id),
        hold=repository.hold_of(session, case),
    )
    audit.record(
        session,
        actor=principal.actor,
        action="case.exported",
        target=f"case:{case.id}",
        data={"reporter_named": reader is Reader.HANDLER},
    )
    return Exported(f"{wording.number(case.number)}.pdf", pdf)
