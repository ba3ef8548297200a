"""What the two ways of working findings from the shell share: `callwarden findings
ack|resolve|accept` (audio findings) and `callwarden checks acknowledge|resolve|accept-risk`
(the periodic checks' findings) act as the same compliance officer, read an id and an expiry
the same way, make the move through their domain's `transition` (one lifecycle,
`verification.lifecycle`) in one transaction, and answer with the same line.

A bad id, a missing reason or a past expiry is refused by the service or here as an
`InvalidInput`/`NotFound`, which the CLI prints as one plain line with exit status 1.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import typer
from sqlalchemy.orm import Session

from callwarden.cli_support import unit_of_work
from callwarden.identity.principal import Principal, cli_principal
from callwarden.identity.roles import Role
from callwarden.kit.clock import as_utc
from callwarden.kit.errors import InvalidInput, NotFound

Transition = Callable[..., Any]  # (session, principal, id, move, reason, expires) -> row
Describe = Callable[[Any], dict[str, Any]]
MAX_ID = 2**63 - 1


def officer() -> Principal:
    """The shell's user, acting as a compliance officer: working findings is their move."""
    return Principal(actor=cli_principal().actor, role=Role.COMPLIANCE_OFFICER)


def finding_id(value: str) -> int:
    """An id as typed; anything but a positive integer is a finding that does not exist."""
    if not value.strip().isdigit() or not 0 < int(value) <= MAX_ID:
        raise NotFound(f"no finding {value!r}: a finding's id is a number (see the list)")
    return int(value)


def expiry(value: str | None) -> datetime | None:
    """`--expires`: a day (YYYY-MM-DD, the risk is accepted until its start, UTC) or an ISO
    time; whether it lies ahead is the lifecycle's rule (`lifecycle.validate`)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        return as_utc(datetime.fromisoformat(text))
    except ValueError:
        raise InvalidInput(f"--expires {value!r} is not a date such as 2027-03-31") from None


def work(
    transition: Transition,
    describe: Describe,
    identifier: str | int,
    move: str,
    reason: str | None,
    expires: datetime | None = None,
) -> dict[str, Any]:
    """Make the move in one committed transaction and print where the finding now stands."""
    number = identifier if isinstance(identifier, int) else finding_id(identifier)
    session: Session
    with unit_of_work() as session:
        row = describe(transition(session, officer(), number, move, reason or "", expires))
    typer.echo(  # one unwrapped line, whatever the terminal's width
        f"finding {row['finding_id']} is now {row['status']}: {row['status_reason']}"
        + (f" (until {row['risk_expires_at']})" if row.get("risk_expires_at") else "")
    )
    return row
