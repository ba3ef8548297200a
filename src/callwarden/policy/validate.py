"""Checking a well-formed policy against the law knowledge base and against itself.

Each check returns Problems with the document path and a fix, so a compliance officer can act
on the message without reading code. Errors stop a policy from becoming a version; warnings are
shown and kept with the version.
"""

from __future__ import annotations

from collections.abc import Iterator

from callwarden.kit.errors import InvalidInput
from callwarden.law.knowledge import KnowledgeBase
from callwarden.policy.loading import Path_, dotted
from callwarden.policy.problems import Problem, Severity
from callwarden.policy.schema import PolicyDocument


def check(document: PolicyDocument, kb: KnowledgeBase) -> list[Problem]:
    """Every problem found, errors and warnings, in document order."""
    return [
        *_jurisdictions(document, kb),
        *_overrides(document, kb),
        *_purposes(document, kb),
        *_scope(document),
        *_scripts(document, kb),
    ]


def _at(path: Path_, message: str, fix: str, severity: Severity = "error") -> Problem:
    return Problem(dotted(path), message, fix, severity, parts=path)


def _known(kb: KnowledgeBase, code: str, path: Path_) -> Iterator[Problem]:
    try:
        kb.effective_rule(code)
    except InvalidInput as error:
        yield _at(
            path,
            error.detail,
            "use an ISO 3166 code the knowledge base holds (callwarden law list)",
        )


def _jurisdictions(document: PolicyDocument, kb: KnowledgeBase) -> Iterator[Problem]:
    if document.recorder_jurisdiction:
        yield from _known(kb, document.recorder_jurisdiction, ("recorder_jurisdiction",))
    listed: set[str] = set()
    for position, code in enumerate(document.operating_jurisdictions):
        yield from _known(kb, code, ("operating_jurisdictions", position))
        if code.upper() in listed:
            yield _at(
                ("operating_jurisdictions", position),
                f"{code.upper()} is listed twice",
                "list each operating jurisdiction once",
            )
        listed.add(code.upper())
    setting = document.unknown_location
    if setting not in {"strictest", "recorder"}:
        yield from _known(kb, setting, ("unknown_location",))
    if setting == "recorder" and not document.recorder_jurisdiction:
        yield _at(
            ("unknown_location",),
            "`recorder` needs recorder_jurisdiction to be set",
            "set recorder_jurisdiction, or use `strictest`",
        )


def _overrides(document: PolicyDocument, kb: KnowledgeBase) -> Iterator[Problem]:
    seen: set[str] = set()
    for position, override in enumerate(document.law_overrides):
        path: Path_ = ("law_overrides", position)
        yield from _known(kb, override.jurisdiction, (*path, "jurisdiction"))
        if not override.reason:
            yield _at(
                (*path, "reason"),
                "an override of the law needs a reason",
                "say whose reading of the law this is and why (e.g. the counsel memo it rests on)",
            )
        if not override.approved_by:
            yield _at(
                (*path, "approved_by"),
                "an override of the law needs an approver",
                "name the person (usually counsel) who approved this reading",
            )
        if override.jurisdiction in seen:
            yield _at(
                (*path, "jurisdiction"),
                f"{override.jurisdiction} is overridden twice",
                "keep one override per jurisdiction",
            )
        seen.add(override.jurisdiction)


def _purposes(document: PolicyDocument, kb: KnowledgeBase) -> Iterator[Problem]:
    for name, purpose in document.purposes.items():
        path: Path_ = ("purposes", name)
        retention = purpose.retention
        if retention.max is not None and retention.min > retention.max:
            yield _at(
                (*path, "retention"),
                f"minimum {retention.min.words()} is longer than maximum {retention.max.words()}",
                "make min no longer than max",
            )
        for position, sector_id in enumerate(purpose.sector_rules):
            try:
                sector = kb.sector(sector_id)
            except InvalidInput as error:
                yield _at(
                    (*path, "sector_rules", position),
                    error.detail,
                    "use a sector rule id from `callwarden law sectors`",
                )
                continue
            cite = sector.citations[0].cite
            if sector.min_retention is not None and retention.min < sector.min_retention:
                yield _at(
                    (*path, "retention", "min"),
                    f"{sector.name} requires keeping recordings at least "
                    f"{sector.min_retention.words()} ({cite}); this purpose keeps them "
                    f"{retention.min.words()}",
                    f"set retention.min to {sector.min_retention} or longer",
                )
            if (
                sector.extended_retention is not None
                and retention.max is not None
                and retention.max < sector.extended_retention
            ):
                yield _at(
                    (*path, "retention", "max"),
                    f"{sector.name} lets the regulator ask for "
                    f"{sector.extended_retention.words()} ({cite}); this purpose deletes after "
                    f"{retention.max.words()}",
                    f"allow retention.max of at least {sector.extended_retention}",
                    "warning",
                )
            if sector.max_retention is not None and (
                retention.max is None or retention.max > sector.max_retention
            ):
                yield _at(
                    (*path, "retention", "max"),
                    f"{sector.name} allows at most {sector.max_retention.words()} ({cite})",
                    f"set retention.max to {sector.max_retention} or less",
                )
        if retention.max is None:
            yield _at(
                (*path, "retention"),
                "no maximum retention: storage limitation (GDPR Art. 5(1)(e), "
                "CCPA § 1798.100(a)(3)) expects one",
                "set retention.max",
                "warning",
            )


def _scope(document: PolicyDocument) -> Iterator[Problem]:
    ids: set[str] = set()
    for position, rule in enumerate(document.scope):
        path: Path_ = ("scope", position)
        if rule.id in ids:
            yield _at(
                (*path, "id"),
                f"scope rule id {rule.id!r} is used twice",
                "give each rule its own id",
            )
        ids.add(rule.id)
        if rule.outcome == "sample" and (rule.rate is None or not 0 < rule.rate <= 1):
            yield _at(
                (*path, "rate"),
                "a sampling rule needs a rate above 0 and at most 1",
                "set rate, e.g. 0.2 to record one call in five",
            )
        if rule.outcome != "sample" and rule.rate is not None:
            yield _at((*path, "rate"), "rate only applies to `sample` rules", "remove rate")
        if rule.outcome == "do_not_record":
            if not rule.reason:
                yield _at(
                    (*path, "reason"),
                    "a do_not_record rule needs a reason",
                    "say why these calls are never recorded (it is shown in every decision)",
                )
            if rule.purposes:
                yield _at(
                    (*path, "purposes"),
                    "a do_not_record rule keeps nothing, so it has no purposes",
                    "remove purposes",
                )
            continue
        if not rule.purposes:
            yield _at(
                (*path, "purposes"),
                "a rule that records needs at least one purpose",
                "list the purposes these recordings serve (they set retention)",
            )
        for index, purpose in enumerate(rule.purposes):
            if purpose not in document.purposes:
                yield _at(
                    (*path, "purposes", index),
                    f"unknown purpose {purpose!r}",
                    f"use one of: {', '.join(document.purposes)}",
                )
    last = document.scope[-1]
    if any(value is not None for value in last.match.model_dump().values()):
        yield _at(
            ("scope", len(document.scope) - 1),
            "no catch-all rule at the end: calls that match no rule will not be recorded",
            "end with a rule that has an empty match",
            "warning",
        )


def _needs_explicit_consent(document: PolicyDocument, kb: KnowledgeBase) -> list[str]:
    overridden = {override.jurisdiction: override.rule for override in document.law_overrides}
    needing = []
    for code in document.operating_jurisdictions:
        try:
            rule = kb.effective_rule(code)
        except InvalidInput:
            continue
        governing = overridden.get(code, rule.governing)
        if governing == "all-party" and "notice_and_continue" not in rule.consent_forms:
            needing.append(code)
        if governing == "all-party" and code not in overridden and rule.rule == "unclear":
            needing.append(code)
    if document.consent.minimum == "explicit":
        needing.append("(policy minimum: explicit)")
    return needing


def _scripts(document: PolicyDocument, kb: KnowledgeBase) -> Iterator[Problem]:
    if document.default_language not in document.scripts:
        yield _at(
            ("default_language",),
            f"no scripts for the default language {document.default_language!r}",
            "add scripts for it, or change default_language",
        )
    explicit = _needs_explicit_consent(document, kb)
    records = any(rule.outcome != "do_not_record" for rule in document.scope)
    for language, scripts in document.scripts.items():
        path: Path_ = ("scripts", language)
        if scripts.notice is None:
            yield _at(
                (*path, "notice"),
                f"language {language!r} has no notice script",
                "add a notice: the words callers hear before recording starts",
            )
        elif not scripts.notice.text:
            yield _at((*path, "notice", "text"), "the notice text is empty", "write the notice")
        if scripts.consent is None and explicit and records:
            yield _at(
                (*path, "consent"),
                f"language {language!r} has a notice but no consent script, and explicit consent "
                f"is needed for {', '.join(explicit)}",
                "add a consent script (the prompt and the keys to accept or decline)",
            )
        if scripts.consent and scripts.consent.decline_digit == scripts.consent.accept_digit:
            yield _at(
                (*path, "consent", "decline_digit"),
                "accept and decline use the same key",
                "use different keys",
            )
