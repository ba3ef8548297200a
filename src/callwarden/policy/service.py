"""Policy versions: validate, apply, look up the active one, compare two.

An invalid policy never becomes a version: `apply` validates first and raises PolicyInvalid with
every problem. Applying the same text as the active version changes nothing and says so.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.decisions.compiled import CompiledPolicy
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import NotFound
from callwarden.kit.pagination import DEFAULT_LIMIT, Slice
from callwarden.law.knowledge import KnowledgeBase, load_knowledge_base
from callwarden.models import PolicyVersion
from callwarden.policy import in_force, repository
from callwarden.policy.loading import nearest_line, read_policy
from callwarden.policy.problems import PolicyInvalid, Problem
from callwarden.policy.schema import PolicyDocument
from callwarden.policy.validate import check
from callwarden.retention import rescheduling
from callwarden.retention.schedule import terms
from callwarden.training import assigning as training


@dataclass(frozen=True, slots=True)
class Validated:
    document: PolicyDocument
    warnings: list[Problem]


def validate_text(text: str, source: str = "policy", kb: KnowledgeBase | None = None) -> Validated:
    """Parse and check a policy; raise PolicyInvalid with every problem if any is an error."""
    document, lines = read_policy(text, source)
    problems = [
        replace(problem, line=nearest_line(lines, problem.parts))
        for problem in check(document, kb or load_knowledge_base())
    ]
    if any(problem.severity == "error" for problem in problems):
        raise PolicyInvalid(problems, source)
    return Validated(document, problems)


@dataclass(frozen=True, slots=True)
class Applied:
    version: PolicyVersion
    created: bool
    warnings: list[Problem]


def apply(
    session: Session,
    principal: Principal,
    text: str,
    source: str = "policy",
    effective_from: datetime | None = None,
) -> Applied:
    """Store a new policy version (validated first), or report that it is already active."""
    require(principal, "policy.apply")
    kb = load_knowledge_base()
    validated = validate_text(text, source, kb)
    content_hash = hashlib.sha256(text.encode()).hexdigest()
    now = clock.now()
    current = repository.active_at(session, now)
    if current is not None and current.content_hash == content_hash and effective_from is None:
        return Applied(current, False, validated.warnings)
    row = PolicyVersion(
        version=repository.latest_number(session) + 1,
        content_hash=content_hash,
        source_name=source[:200],
        document=text,
        parsed=validated.document.model_dump(mode="json"),
        warnings=[problem.as_dict() for problem in validated.warnings],
        law_version=kb.version,
        applied_by=principal.actor,
        applied_at=now,
        effective_from=effective_from or now,
    )
    repository.add(session, row)
    # Forget the version in force now, and again when this transaction ends either way: a read
    # inside it may remember this version, which must not outlive a rollback.
    in_force.forget()
    for ending in ("after_commit", "after_rollback"):
        event.listen(session, ending, lambda _session: in_force.forget(), once=True)
    # Everyone acknowledges a first or materially changed version (training/assigning.py).
    previous = repository.by_number(session, row.version - 1)
    acknowledgements = training.on_policy_applied(session, row, previous)
    audit.record(
        session,
        actor=principal.actor,
        action="policy.applied",
        target=f"policy:{row.version}",
        data={
            "content_hash": content_hash,
            "source": row.source_name,
            "effective_from": row.effective_from.isoformat(),
            "law_version": kb.version,
            "warnings": len(validated.warnings),
            "acknowledgements": acknowledgements.as_data(),
        },
    )
    if row.effective_from <= now:
        _reschedule(session, principal.actor, row, current, kb)
    return Applied(row, True, validated.warnings)


def _reschedule(
    session: Session,
    actor: str,
    row: PolicyVersion,
    previous: PolicyVersion | None,
    kb: KnowledgeBase,
) -> None:
    """Re-schedule the stored recordings under `row`, now in force, if its retention differs.

    In the transaction that applies it: no moment shows recordings scheduled by a policy that
    is no longer in force. Equal retention terms leave every schedule as it is.
    """
    policy = CompiledPolicy.build(PolicyDocument.model_validate(row.parsed), row.version, kb)
    # No version before this one: no recording was ever stored, so none to re-schedule.
    if previous is not None and terms(compiled(previous)) != terms(policy):
        rescheduling.reschedule(session, policy, actor)
    row.rescheduled_at = clock.now()


def reschedule_pending(session: Session, actor: str) -> int | None:
    """Re-schedule under the version in force if it took effect since it was applied.

    A version applied with a later `effective_from` is not in force when it is applied; the
    periodic job calls this once it is. Versions that took effect and were superseded before the
    job ran are marked done without work: the one in force now is what counts. Returns the
    version re-scheduled under, or None.
    """
    now = clock.now()
    current = repository.active_at(session, now)
    pending = repository.not_rescheduled_by(session, now)
    if current is None or not pending:
        return None
    for row in pending:
        if row.version != current.version:
            row.rescheduled_at = now
    if current.rescheduled_at is not None:
        return None
    policy = compiled(current)
    rescheduling.reschedule(session, policy, actor)
    current.rescheduled_at = now
    return current.version


def get_version(session: Session, version: int | None = None) -> PolicyVersion:
    """A stored version by number, or the one in force now."""
    row = (
        repository.active_at(session, clock.now())
        if version is None
        else repository.by_number(session, version)
    )
    if row is None:
        if version is None:
            raise NotFound("no policy is in force; apply one with `callwarden policy apply FILE`")
        raise NotFound(f"no policy version {version}")
    return row


def list_versions(
    session: Session, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> Slice[PolicyVersion]:
    return repository.versions(session, cursor, limit)


_compiled: dict[tuple[int, str, str], CompiledPolicy] = {}


def compiled(row: PolicyVersion) -> CompiledPolicy:
    """The compiled form of a stored version, built once per process."""
    kb = load_knowledge_base()
    key = (row.version, row.content_hash, kb.version)
    found = _compiled.get(key)
    if found is None:
        document = PolicyDocument.model_validate(row.parsed)
        found = _compiled[key] = CompiledPolicy.build(document, row.version, kb)
    return found


def compiled_version(session: Session, version: int) -> CompiledPolicy:
    """A stored version, compiled; only its hash is read when cached (versions never change)."""
    content_hash = repository.hash_of(session, version)
    if content_hash is None:
        raise NotFound(f"no policy version {version}")
    found = _compiled.get((version, content_hash, load_knowledge_base().version))
    return found if found is not None else compiled(get_version(session, version))


def active_compiled(session: Session) -> CompiledPolicy:
    """The policy in force now, compiled; usually without reading the database (see in_force)."""
    current = in_force.key_in_force(session, clock.now())
    if current is None:
        raise NotFound("no policy is in force; apply one with `callwarden policy apply FILE`")
    found = _compiled.get((*current, load_knowledge_base().version))
    return found if found is not None else compiled(get_version(session, current[0]))


def diff(session: Session, first: int, second: int) -> str:
    """A unified diff of two versions' texts."""
    before, after = get_version(session, first), get_version(session, second)
    lines = difflib.unified_diff(
        before.document.splitlines(keepends=True),
        after.document.splitlines(keepends=True),
        fromfile=f"version {first}",
        tofile=f"version {second}",
    )
    return "".join(lines)
