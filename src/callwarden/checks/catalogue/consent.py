"""Consent: the ledger shows, for every recording, the notice and consent the decision asked for.

What the data allows checking, per recorded call of the period (its parties as the decision
last named them, and the consent ledger's timestamps):

- in an all-party call, each party the decision said needs consent gave it (`given`, or
  `implied` where the policy accepts that) no later than the recording began, or than the party
  joined if it joined later (the policy's `calls.clock_tolerance_s` allowed);
- each party that needed a notice got one within the policy's `notice_window_s` of the
  recording beginning (or of joining);
- after a transfer that brought in a party under a stricter rule than any before it, every party
  still on the call that needs a notice was given one again after the transfer (ledger
  `notice_played` events for that party or for everyone).

Not checkable from the data: whether a party's rule was right (that is the decision engine's,
and its reasons are kept on the decision); consent given by someone other than the party; what
was heard (the audio check's `notice_missing`, reported by `notice_audio`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, exists, func, select
from sqlalchemy.orm import Session

from callwarden.checks.catalogue._law import law
from callwarden.checks.registry import Context, Evidence, Found, Period, check
from callwarden.checks.sql import later_than
from callwarden.kit.errors import NotFound
from callwarden.models import Call, CallEvent, CallParty, Recording
from callwarden.policy import service as policies
from callwarden.policy.schema import CallHandling, PolicyDocument

STRICTNESS = {"one-party": 0, "one_party": 0, "notice": 1, "unclear": 2, "all-party": 2}
CONSENTED = {"given", "implied"}
# One party as the first pass reads it: the columns `consent` selects, by name.
Party = Row[Any]


def timing(session: Session) -> tuple[int, int]:
    """The policy's notice window and clock tolerance, in seconds (the compliance report's
    consent indicator judges with the same tolerance)."""
    try:
        document = policies.active_compiled(session).document
    except NotFound:
        return PolicyDocument.model_fields[
            "notice_window_s"
        ].default, CallHandling().clock_tolerance_s
    return document.notice_window_s, document.calls.clock_tolerance_s


@check(
    "consent",
    "Consent and notice before recording",
    "For each recorded call of the period: in all-party calls, consent from every party the "
    "decision named, by the time the recording began (or the party joined); each needed notice "
    "within the policy's notice window; and a new notice to everyone still on the call after a "
    "transfer that brought in a stricter jurisdiction.",
)
def consent(session: Session, period: Period, context: Context) -> Iterator[Found]:
    window_s, tolerance_s = timing(session)
    tolerance = timedelta(seconds=tolerance_s)
    window = timedelta(seconds=window_s)
    in_period = (Recording.started_at >= period.start) & (Recording.started_at < period.end)
    began = (
        select(Recording.call_id, func.min(Recording.started_at).label("began"))
        .where(in_period)
        .group_by(Recording.call_id)
        .subquery()
    )
    # The recorded calls of the period with a transfer: only their notices and parties are
    # needed again after the first pass (a million calls' parties are not held in memory).
    transferred = select(CallEvent.call_id).where(
        CallEvent.kind == "transferred",
        CallEvent.accepted.is_(True),
        exists().where(Recording.call_id == CallEvent.call_id, in_period),
    )
    # Plain columns, not ORM objects, and only the parties a finding can be about (a notice or
    # a consent that may be missing or late) or whose call was transferred (every party
    # counts there).
    rows = session.execute(
        select(
            Call.id.label("call_id"),
            Call.governing_rule,
            began.c.began,
            CallParty.key,
            CallParty.jurisdiction,
            CallParty.rule,
            CallParty.needs_notice,
            CallParty.needs_consent,
            CallParty.notice_at,
            CallParty.consent_status,
            CallParty.consent_at,
            CallParty.joined_at,
            CallParty.left_at,
        )
        .join(began, began.c.call_id == Call.id)
        .join(CallParty, CallParty.call_id == Call.id)
        .where(
            Call.id.in_(transferred)
            | _may_lack_consent(session, began.c.began, tolerance_s)
            | _may_lack_notice(session, began.c.began, window_s)
        )
        .order_by(Call.id, CallParty.position)
        .execution_options(yield_per=10_000)
    )
    with_transfer = set(session.execute(transferred.distinct()).scalars())
    parties: dict[str, list[Party]] = defaultdict(list)
    started: dict[str, datetime] = {}
    withdrawn: list[tuple[str, Party, datetime]] = []
    for party in rows:
        call_id, recording_began = party.call_id, party.began
        if call_id in with_transfer:
            started[call_id] = recording_began
            parties[call_id].append(party)
        due = max(recording_began, party.joined_at)
        all_party = party.governing_rule.replace("_", "-") == "all-party"
        if all_party and party.needs_consent:
            if party.consent_status == "withdrawn":
                withdrawn.append((call_id, party, due))
            elif party.consent_status not in CONSENTED or not _in_time(
                party.consent_at, due, tolerance
            ):
                yield _unconsented(call_id, party, due, party.consent_at)
        if party.needs_notice and (party.notice_at is None or party.notice_at > due + window):
            when = f"at {party.notice_at:%H:%M:%S}" if party.notice_at else "never"
            yield Found(
                key=f"notice:{call_id}:{party.key}",
                severity="high",
                summary=f"call {call_id}: party {party.key} needed a notice within {window_s} s "
                f"of {due:%H:%M:%S} and got it {when}",
                evidence=Evidence(
                    calls=(call_id,), figures={"party": party.key, "window_s": window_s}
                ),
                rule=law(party.jurisdiction, "parties are told of the recording at the start"),
            )
    yield from _withdrawn(session, withdrawn, tolerance)
    yield from _renotices(session, transferred, parties, started)


def _may_lack_consent(
    session: Session, began: ColumnElement[datetime], tolerance_s: int
) -> ColumnElement[bool]:
    """The parties of all-party calls that may have consented late or not at all (the loop
    decides): no consent, or one later than the recording began and than they joined."""
    late = later_than(session, CallParty.consent_at, began, tolerance_s) & later_than(
        session, CallParty.consent_at, CallParty.joined_at, tolerance_s
    )
    return (
        CallParty.needs_consent.is_(True)
        & Call.governing_rule.in_(("all-party", "all_party"))
        & (
            CallParty.consent_status.not_in(sorted(CONSENTED))
            | CallParty.consent_at.is_(None)
            | late
        )
    )


def _may_lack_notice(
    session: Session, began: ColumnElement[datetime], window_s: int
) -> ColumnElement[bool]:
    """The parties that needed a notice and may have got it late or not at all."""
    late = later_than(session, CallParty.notice_at, began, window_s) & later_than(
        session, CallParty.notice_at, CallParty.joined_at, window_s
    )
    return CallParty.needs_notice.is_(True) & (CallParty.notice_at.is_(None) | late)


def _in_time(consented: datetime | None, due: datetime, tolerance: timedelta) -> bool:
    return consented is not None and consented <= due + tolerance


def _unconsented(call_id: str, party: Party, due: datetime, at: datetime | None) -> Found:
    when = f"at {at:%H:%M:%S}" if at else "never"
    return Found(
        key=f"consent:{call_id}:{party.key}",
        severity="critical",
        summary=f"call {call_id}: party {party.key} ({party.jurisdiction or 'unknown'}"
        f") was recorded from {due:%H:%M:%S} but consented {when}",
        evidence=Evidence(
            calls=(call_id,), figures={"party": party.key, "status": party.consent_status}
        ),
        rule=law(party.jurisdiction, "all parties consent before being recorded"),
    )


def _withdrawn(
    session: Session, withdrawn: list[tuple[str, Party, datetime]], tolerance: timedelta
) -> Iterator[Found]:
    """A party who withdrew had consented first: the ledger's first accepted `consent_given`
    says when (the party's row now holds the withdrawal's moment), or, with no such event, the
    notice that implied it."""
    if not withdrawn:
        return
    first_given: dict[tuple[str, str | None], datetime] = {}
    calls = sorted({call_id for call_id, _, _ in withdrawn})
    for chunk in range(0, len(calls), 500):
        rows = session.execute(
            select(CallEvent.call_id, CallEvent.party_key, func.min(CallEvent.occurred_at))
            .where(
                CallEvent.call_id.in_(calls[chunk : chunk + 500]),
                CallEvent.kind == "consent_given",
                CallEvent.accepted.is_(True),
            )
            .group_by(CallEvent.call_id, CallEvent.party_key)
        )
        first_given.update(((call_id, key), at) for call_id, key, at in rows)
    for call_id, party, due in withdrawn:
        consented = first_given.get((call_id, party.key), party.notice_at)
        if not _in_time(consented, due, tolerance):
            yield _unconsented(call_id, party, due, consented)


def _renotices(
    session: Session,
    transferred: Select[str],
    parties: dict[str, list[Party]],
    started: dict[str, datetime],
) -> Iterator[Found]:
    if not parties:
        return
    events = session.execute(
        select(CallEvent.call_id, CallEvent.kind, CallEvent.occurred_at, CallEvent.party_key)
        .where(
            CallEvent.call_id.in_(transferred),
            CallEvent.kind.in_(("transferred", "notice_played")),
            CallEvent.accepted.is_(True),
        )
        .order_by(CallEvent.occurred_at, CallEvent.id)
    )
    notices: dict[str, list[tuple[datetime, str | None]]] = defaultdict(list)
    transfers: dict[str, list[datetime]] = defaultdict(list)
    for call_id, kind, at, party_key in events:
        if kind == "transferred":
            transfers[call_id].append(at)
        else:
            notices[call_id].append((at, party_key))
    for call_id, moments in transfers.items():
        for at in moments:
            before = [p for p in parties[call_id] if p.joined_at < at]
            joined = [p for p in parties[call_id] if p.joined_at >= at]
            old = max((STRICTNESS.get(p.rule, 0) for p in before), default=0)
            stricter = [p for p in joined if STRICTNESS.get(p.rule, 0) > old]
            if not stricter or at < started[call_id]:
                continue
            staying = [
                p for p in before if p.needs_notice and (p.left_at is None or p.left_at > at)
            ]
            for party in staying:
                told = any(t >= at and k in (None, party.key) for t, k in notices[call_id])
                if told:
                    continue
                strict = stricter[0]
                yield Found(
                    key=f"renotice:{call_id}:{party.key}:{at:%Y%m%dT%H%M%S}",
                    severity="high",
                    summary=f"call {call_id}: after the transfer at {at:%H:%M:%S} brought in "
                    f"{strict.key} ({strict.jurisdiction or 'unknown'}, {strict.rule}), party "
                    f"{party.key} was not given the notice again",
                    evidence=Evidence(calls=(call_id,), figures={"party": party.key}),
                    rule=law(
                        strict.jurisdiction,
                        "a notice is given again when a transfer "
                        "brings the call under a stricter rule",
                    ),
                )
