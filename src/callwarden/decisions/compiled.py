"""A policy version prepared for fast decisions.

Compiling turns lists into sets, overrides into a dict and purpose retention into a ranking once
per policy version, so each decision is a handful of dict and set lookups.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from callwarden.decisions.facts import CallFacts
from callwarden.decisions.outcome import JurisdictionFinding
from callwarden.kit.errors import InvalidInput
from callwarden.law.knowledge import EffectiveRule, KnowledgeBase
from callwarden.law.schema import GoverningRule
from callwarden.policy.schema import LawOverride, PolicyDocument, ScopeRule

IMPLIED_FORMS = frozenset({"notice_and_continue", "recorded_notice"})


@dataclass(frozen=True, slots=True)
class CompiledScope:
    rule: ScopeRule
    conditions: tuple[tuple[str, frozenset[str]], ...]

    @classmethod
    def of(cls, rule: ScopeRule) -> CompiledScope:
        conditions = tuple(
            (name, frozenset(values))
            for name, values in rule.match.model_dump().items()
            if values is not None
        )
        return cls(rule, conditions)

    def mismatch(self, facts: CallFacts) -> str | None:
        """None when the call matches; otherwise the first condition it fails."""
        for name, allowed in self.conditions:
            value = getattr(facts, _FACT_FOR[name])
            if value not in allowed:
                return f"{name} {value or '(none)'} not in {sorted(allowed)}"
        return None


_FACT_FOR = {
    "direction": "direction",
    "queue": "queue",
    "line": "line",
    "dialled": "dialled",
    "calling": "calling",
    "agent_team": "agent_team",
}


@dataclass(frozen=True, slots=True)
class RuleView:
    """One jurisdiction's rule as this policy applies it (after any override)."""

    effective: EffectiveRule
    governing: GoverningRule
    override: LawOverride | None
    implied_ok: bool
    notice_must_be_recorded: bool
    citations: tuple[str, ...]


@dataclass
class CompiledPolicy:
    version: int
    document: PolicyDocument
    kb: KnowledgeBase
    scope: tuple[CompiledScope, ...] = ()
    overrides: dict[str, LawOverride] = field(default_factory=dict)
    _views: dict[str, RuleView] = field(default_factory=dict)
    _classes: dict[tuple[str, ...], str] = field(default_factory=dict)
    findings: dict[tuple[object, ...], JurisdictionFinding] = field(default_factory=dict)
    operating: frozenset[str] = frozenset()

    @classmethod
    def build(cls, document: PolicyDocument, version: int, kb: KnowledgeBase) -> CompiledPolicy:
        return cls(
            version=version,
            document=document,
            kb=kb,
            scope=tuple(CompiledScope.of(rule) for rule in document.scope),
            overrides={override.jurisdiction: override for override in document.law_overrides},
            operating=frozenset(code.upper() for code in document.operating_jurisdictions),
        )

    def outside_operating(
        self, findings: Sequence[JurisdictionFinding]
    ) -> tuple[JurisdictionFinding, ...]:
        """The located parties in no jurisdiction the policy operates in, one per code.

        A listed country covers its subdivisions (`CA` covers `CA-ON`); a policy that lists no
        operating jurisdictions makes no such claim.
        """
        if not self.operating:
            return ()
        outside: dict[str, JurisdictionFinding] = {}
        for finding in findings:
            if finding.code == "??" or finding.code in outside:
                continue
            if not self.operating.intersection(self.view(finding.code).effective.lineage):
                outside[finding.code] = finding
        return tuple(outside.values())

    def view(self, code: str) -> RuleView:
        """The rule for `code` under this policy; cached, since most calls repeat a few codes."""
        cached = self._views.get(code)
        if cached is not None:
            return cached
        effective = self.kb.effective_rule(code)
        override = self.overrides.get(effective.code)
        governing = override.rule if override else effective.governing
        forms = set(effective.consent_forms)
        view = RuleView(
            effective=effective,
            governing=governing,
            override=override,
            implied_ok=governing == "one-party" or bool(forms & IMPLIED_FORMS),
            notice_must_be_recorded="recorded_notice" in forms
            and "notice_and_continue" not in forms,
            citations=tuple(citation.cite for citation in effective.citations),
        )
        self._views[code] = view
        self._views[effective.code] = view
        return view

    def retention_class(self, purposes: tuple[str, ...]) -> str | None:
        """The purpose whose minimum retention is longest: it sets how long the recording lives."""
        if not purposes:
            return None
        cached = self._classes.get(purposes)
        if cached is None:
            known = [name for name in purposes if name in self.document.purposes]
            if not known:
                raise InvalidInput(f"unknown purposes {purposes}")
            cached = max(known, key=lambda name: self.document.purposes[name].retention.min)
            self._classes[purposes] = cached
        return cached


def sampled_in(key: str, rate: float) -> bool:
    """Deterministic sampling: the same call id always gets the same answer."""
    bucket = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") / 2**64
    return bucket < rate
