"""The decision engine, a pure function: call facts + compiled policy (+ its law) → Decision.

How a decision is reached:
1. Locate every party (explicit jurisdiction, else presumed from the number, else unknown) and
   add the recorder's own jurisdiction.
2. Apply the policy's law overrides; the governing rule is the strictest of all of them
   (`all-party` > `notice` > `one-party`, `unclear` counting as `all-party`).
3. Consent is explicit when any jurisdiction needing consent does not accept a notice followed
   by staying on the line; implied when notice suffices; none for one-party calls.
4. The first scope rule that matches decides record / do not record / sample.
5. Scripts come from the customer's language, else their jurisdiction's languages, falling back
   to the policy's default (decisions/language.py).
6. A party outside the policy's `operating_jurisdictions` is named in the reasons.
"""

from __future__ import annotations

from callwarden.decisions.compiled import CompiledPolicy, CompiledScope, sampled_in
from callwarden.decisions.facts import CallFacts, Party
from callwarden.decisions.language import choose as choose_language
from callwarden.decisions.outcome import (
    ConsentLevel,
    ConsentPrompt,
    Decision,
    JurisdictionFinding,
    Notice,
    RecordOutcome,
)
from callwarden.decisions.reasons import (
    consent_reason,
    governing_reason,
    location_reasons,
    outside_reason,
)
from callwarden.kit.errors import InvalidInput
from callwarden.kit.ids import new_id
from callwarden.law.locate import Location, locate
from callwarden.law.schema import GoverningRule
from callwarden.law.strictness import strictness

FINDING_CACHE_LIMIT = 100_000
_RANKED: tuple[GoverningRule, ...] = ("one-party", "notice", "all-party")


def decide(
    facts: CallFacts,
    policy: CompiledPolicy,
    *,
    decision_id: str | None = None,
    explain: bool = False,
) -> Decision:
    if not facts.parties:
        raise InvalidInput("a call needs at least one party")
    trace: list[str] | None = [] if explain else None
    findings = [_finding(party, policy, trace) for party in facts.parties]
    recorder = facts.recorder_jurisdiction or policy.document.recorder_jurisdiction
    if recorder:
        findings.append(
            _located(
                Location(recorder, "explicit", "the recorder's own jurisdiction"),
                "recorder",
                policy,
                trace,
                source="policy",
            )
        )
    governing: GoverningRule = _RANKED[max(strictness(finding.rule) for finding in findings)]
    consent = _consent(findings, policy)
    reasons = [governing_reason(governing, findings)]
    reasons.extend(location_reasons(findings))
    if outside := policy.outside_operating(findings[: len(facts.parties)]):
        reasons.append(outside_reason(outside))

    scope_rule, mismatch_trace = _scope(facts, policy)
    if trace is not None:
        trace.extend(mismatch_trace)
    rule = scope_rule.rule
    decision_id = decision_id or new_id("dec")
    record: RecordOutcome
    if rule.outcome == "do_not_record":
        record = "no"
        reasons.append(f"Scope rule '{rule.id}' says do not record: {rule.reason}")
    elif rule.outcome == "sample" and not sampled_in(
        facts.call_id or decision_id, rule.rate or 0.0
    ):
        record = "no"
        reasons.append(
            f"Scope rule '{rule.id}' samples {rule.rate:.0%} of calls; this call was not "
            "selected, so it is not recorded."
        )
    else:
        record = "after_consent" if consent == "explicit" else "yes"
        sampled = f" (sampled in at {rule.rate:.0%})" if rule.outcome == "sample" else ""
        reasons.append(
            f"Scope rule '{rule.id}' matched{sampled}: record for {', '.join(rule.purposes)}."
        )
    reasons.append(consent_reason(consent, record))

    recording = record != "no"
    language, language_reason = choose_language(facts, findings, policy)
    notice = _notice(policy, language, governing, consent, findings) if recording else Notice(False)
    prompt = _prompt(policy, language) if recording and consent == "explicit" else None
    if recording and notice.language and language_reason:
        reasons.append(language_reason)
    if rule.secure_pause and recording:
        reasons.append(
            "Payment card data may be taken on this call: pause recording for it (PCI DSS)."
        )
    uncertain = any(finding.uncertain and not finding.overridden for finding in findings)
    if uncertain:
        doubtful = sorted({f.code for f in findings if f.uncertain and not f.overridden})
        reasons.append(
            f"The rule for {', '.join(doubtful)} is marked uncertain in the knowledge "
            "base; treat this decision as needing counsel's confirmation."
        )
    purposes = tuple(rule.purposes) if recording else ()
    return Decision(
        decision_id=decision_id,
        record=record,
        governing_rule=governing,
        consent=consent,
        notice=notice,
        consent_prompt=prompt,
        jurisdictions=tuple(findings),
        purposes=purposes,
        retention_class=policy.retention_class(purposes),
        scope_rule=rule.id,
        secure_pause=rule.secure_pause and recording,
        uncertain=uncertain,
        reasons=tuple(reasons),
        policy_version=policy.version,
        law_version=policy.kb.version,
        trace=tuple(trace or ()),
    )


def _finding(party: Party, policy: CompiledPolicy, trace: list[str] | None) -> JurisdictionFinding:
    location = locate(
        party.number,
        party.jurisdiction,
        kb=policy.kb,
        from_provider=party.jurisdiction_source == "provider",
    )
    if location.code is not None:
        return _located(location, party.role, policy, trace)
    setting = policy.document.unknown_location
    if setting == "strictest":
        detail = "location unknown; the policy treats unknown locations as the strictest rule"
        if trace is not None:
            trace.append(f"{party.role}: {detail}")
        return JurisdictionFinding(
            "??",
            "Unknown location",
            "all-party",
            "unknown",
            False,
            (),
            party.role,
            detail,
            "all-party",
        )
    code = policy.document.recorder_jurisdiction if setting == "recorder" else setting
    assumed = Location(code, "unknown", f"location unknown; the policy assumes {code}")
    return _located(assumed, party.role, policy, trace)


def _located(
    location: Location,
    party: str,
    policy: CompiledPolicy,
    trace: list[str] | None,
    source: str | None = None,
) -> JurisdictionFinding:
    key = (location, party, source)
    cached = policy.findings.get(key)
    if cached is not None and trace is None:
        return cached
    assert location.code is not None
    view = policy.view(location.code)
    effective = view.effective
    if trace is not None:
        trace.append(
            f"{party}: {effective.code} ({effective.name}) — {location.detail}; "
            f"law says {effective.rule}" + (" (uncertain)" if effective.uncertain else "")
        )
        if view.override:
            trace.append(
                f"  override: {effective.code} treated as {view.override.rule} — "
                f"{view.override.reason} (approved by {view.override.approved_by})"
            )
    finding = JurisdictionFinding(
        code=effective.code,
        name=effective.name,
        rule=view.governing,
        source=source or location.source,  # type: ignore[arg-type]
        uncertain=effective.uncertain,
        citations=view.citations,
        party=party,
        detail=location.detail,
        law_rule=effective.rule,
        overridden=view.override is not None,
    )
    if len(policy.findings) < FINDING_CACHE_LIMIT:
        policy.findings[key] = finding
    return finding


def _consent(findings: list[JurisdictionFinding], policy: CompiledPolicy) -> ConsentLevel:
    level: ConsentLevel = "none"
    for finding in findings:
        if finding.rule == "one-party":
            continue
        if finding.code == "??" or not policy.view(finding.code).implied_ok:
            level = "explicit"
            break
        level = "implied"
    minimum = policy.document.consent.minimum
    if minimum == "explicit" or (minimum == "implied" and level == "none"):
        return minimum
    return level


def _scope(facts: CallFacts, policy: CompiledPolicy) -> tuple[CompiledScope, list[str]]:
    skipped: list[str] = []
    for scope in policy.scope:
        miss = scope.mismatch(facts)
        if miss is None:
            skipped.append(f"scope rule '{scope.rule.id}' matched")
            return scope, skipped
        skipped.append(f"scope rule '{scope.rule.id}' skipped: {miss}")
    raise InvalidInput(
        "no scope rule matches this call and the policy has no catch-all rule; "
        "add a final rule with an empty match"
    )


def _notice(
    policy: CompiledPolicy,
    language: str,
    governing: str,
    consent: str,
    findings: list[JurisdictionFinding],
) -> Notice:
    required = governing != "one-party" or consent != "none" or policy.document.always_announce
    script = (
        policy.document.scripts[language].notice if language in policy.document.scripts else None
    )
    if not required or script is None:
        return Notice(required)
    recorded = any(f.code != "??" and policy.view(f.code).notice_must_be_recorded for f in findings)
    return Notice(True, script.text, language, script.id, must_be_recorded=recorded)


def _prompt(policy: CompiledPolicy, language: str) -> ConsentPrompt | None:
    scripts = policy.document.scripts.get(language)
    script = scripts.consent if scripts else None
    if script is None:
        return None
    return ConsentPrompt(
        script.id,
        script.text,
        language,
        script.method,
        script.accept_digit,
        script.decline_digit,
        script.timeout_s,
    )
