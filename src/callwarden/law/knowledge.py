"""The loaded law knowledge base: validated records, inheritance resolved, versioned.

Everything that needs the whole data set happens once, at load: parents exist, no cycles,
children of a `floor` jurisdiction are not laxer than it, consent forms fit the rule, and every
jurisdiction's effective rule is precomputed. After that every lookup is one dict access, which
is what lets the decision engine run tens of thousands of decisions a second.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict

from callwarden.kit.errors import InvalidInput
from callwarden.law.loading import DATA_DIR, RawData, data_error, read_data
from callwarden.law.schema import (
    Citation,
    ConsentForm,
    GoverningRule,
    JurisdictionRule,
    Reach,
    RuleKind,
    SectorRule,
)
from callwarden.law.strictness import governing, strictness

NOT_LEGAL_ADVICE = (
    "This is not legal advice: these rules are research notes encoded as data. Have your "
    "counsel confirm them, and record any different reading as a law override in your policy."
)


class UnknownJurisdiction(InvalidInput):
    """A jurisdiction code the knowledge base does not hold (the message suggests close ones)."""

    code = "unknown_jurisdiction"
    title = "Unknown jurisdiction"


class UnknownSector(InvalidInput):
    code = "unknown_sector"
    title = "Unknown sector rule"


class EffectiveRule(BaseModel):
    """A jurisdiction's rule as a decision should apply it, parents already folded in.

    `rule` is what the data says (may be `unclear`); `governing` is what to act on. `rule_from`
    names the jurisdiction that supplied the rule, `citations` runs from the most specific
    jurisdiction up to the broadest (a German call cites StGB § 201 and then the GDPR).
    `uncertain` is true when this record, or the record its rule came from, is uncertain.
    `languages` (the nearest record's that states them) pick scripts for a party of unknown
    language.
    """

    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    rule: RuleKind
    governing: GoverningRule
    rule_from: str
    consent_forms: tuple[ConsentForm, ...]
    in_person_rule: RuleKind | None
    reach: Reach | None
    uncertain: bool
    citations: tuple[Citation, ...]
    lineage: tuple[str, ...]
    languages: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class KnowledgeBase:
    """All jurisdictions and sector rules, with a version every decision records."""

    version: str
    declared_version: str
    content_hash: str
    jurisdictions: Mapping[str, JurisdictionRule]
    sectors: Mapping[str, SectorRule]
    _effective: Mapping[str, EffectiveRule] = field(repr=False)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(sorted(self.jurisdictions))

    def jurisdiction(self, code: str) -> JurisdictionRule:
        """The record as written in its file; unknown codes raise UnknownJurisdiction."""
        record = self.jurisdictions.get(code)
        return record if record is not None else self.jurisdictions[self.canonical_code(code)]

    def effective_rule(self, code: str) -> EffectiveRule:
        """The rule to apply for `code`: its own, or the nearest parent's."""
        resolved = self._effective.get(code)
        return resolved if resolved is not None else self._effective[self.canonical_code(code)]

    def canonical_code(self, code: str) -> str:
        """Normalise case and spacing (`us-ca` → `US-CA`), or explain what might have been meant."""
        candidate = code.strip().upper() if isinstance(code, str) else ""
        if candidate in self.jurisdictions:
            return candidate
        raise UnknownJurisdiction(self._unknown_message(code), suggestions=self.suggest(code))

    def suggest(self, text: str, limit: int = 5) -> list[str]:
        """Codes close to `text`: an exact name match first, then similar codes, then names."""
        wanted = str(text).strip()
        by_name = {record.name.lower(): code for code, record in self.jurisdictions.items()}
        if wanted.lower() in by_name:
            return [by_name[wanted.lower()]]
        country, _, subdivision = wanted.upper().partition("-")
        if subdivision:
            close = [code for code in self.codes if code.startswith(f"{country}-{subdivision[0]}")]
        else:  # a mistyped country: other countries with the same first letter
            close = [code for code in self.codes if "-" not in code and code[0] == country[:1]]
        for code in difflib.get_close_matches(wanted.upper(), self.codes, n=limit, cutoff=0.6):
            if code not in close:
                close.append(code)
        names = difflib.get_close_matches(wanted.lower(), list(by_name), n=limit, cutoff=0.6)
        for name in names:
            if by_name[name] not in close:
                close.append(by_name[name])
        return close[:limit]

    def _unknown_message(self, code: object) -> str:
        hint = self.suggest(str(code))
        did_you_mean = f" Did you mean {', '.join(hint)}?" if hint else ""
        return (
            f"Unknown jurisdiction code {code!r}.{did_you_mean} Codes are ISO 3166 "
            "(e.g. 'DE', 'US-CA', 'AU-NSW'); 'callwarden law list' shows all of them."
        )

    def sector(self, sector_id: str) -> SectorRule:
        """One sector rule by id (e.g. `mifid-ii`)."""
        record = self.sectors.get(sector_id)
        if record is None:
            close = difflib.get_close_matches(sector_id, list(self.sectors), n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise UnknownSector(
                f"Unknown sector rule {sector_id!r}.{hint} 'callwarden law sectors' lists them."
            )
        return record

    def sectors_for(self, code: str) -> tuple[SectorRule, ...]:
        """Sector rules that apply in `code`, its parents (a MiFID rule in EU reaches DE), or
        everywhere (`*`)."""
        lineage = {*self.effective_rule(code).lineage, "*"}
        return tuple(
            sector for sector in self.sectors.values() if lineage & set(sector.jurisdictions)
        )


def load_knowledge_base(path: Path | str | None = None) -> KnowledgeBase:
    """Load, validate and resolve the knowledge base.

    The shipped data set is loaded once per process and shared (it is immutable); pass `path`
    to load another directory with the same layout (tests, or counsel's reviewed fork).
    Invalid data raises ConfigurationError naming the file and the problem.
    """
    if path is None:
        return _shipped()
    return build_knowledge_base(read_data(Path(path)))


@lru_cache(maxsize=1)
def _shipped() -> KnowledgeBase:
    return build_knowledge_base(read_data(DATA_DIR))


def build_knowledge_base(raw: RawData) -> KnowledgeBase:
    """Cross-check the validated records and precompute every effective rule."""
    jurisdictions = raw.jurisdictions
    effective: dict[str, EffectiveRule] = {}
    for code in sorted(jurisdictions):
        effective[code] = _resolve(code, jurisdictions)
    for sector in raw.sectors.values():
        unknown = [code for code in sector.jurisdictions if code not in {*jurisdictions, "*"}]
        if unknown:
            raise data_error(f"sectors/{sector.id}.yaml", f"unknown jurisdictions {unknown}")
    return KnowledgeBase(
        version=f"{raw.manifest.version}+sha256:{raw.content_hash}",
        declared_version=raw.manifest.version,
        content_hash=raw.content_hash,
        jurisdictions=MappingProxyType(dict(sorted(jurisdictions.items()))),
        sectors=MappingProxyType(dict(sorted(raw.sectors.items()))),
        _effective=MappingProxyType(effective),
    )


def _resolve(code: str, records: Mapping[str, JurisdictionRule]) -> EffectiveRule:
    where = f"jurisdictions/{code}.yaml"
    lineage: list[JurisdictionRule] = [records[code]]
    while lineage[-1].parent is not None:
        parent = lineage[-1].parent
        if parent not in records:
            raise data_error(where, f"{lineage[-1].code} names unknown parent {parent!r}")
        if any(item.code == parent for item in lineage):
            raise data_error(where, f"parent chain loops: {' → '.join(r.code for r in lineage)}")
        lineage.append(records[parent])
    source = next(item for item in lineage if item.rule is not None)
    assert source.rule is not None
    for ancestor in lineage[1:]:
        if ancestor.floor and ancestor.rule and strictness(source.rule) < strictness(ancestor.rule):
            raise data_error(where, f"rule '{source.rule}' is laxer than {ancestor.code}'s floor")
    forms = next((item.consent_forms for item in lineage if item.consent_forms), None)
    if forms is None:
        raise data_error(where, f"{code} has no consent_forms and inherits none")
    if (source.rule == "one-party") != ("participant" in forms):
        raise data_error(
            where,
            f"consent_forms {list(forms)} do not fit rule '{source.rule}': 'participant' "
            "belongs with one-party rules and only there",
        )
    citations: dict[str, Citation] = {}
    for item in lineage:
        for citation in item.citations:
            citations.setdefault(citation.cite, citation)
    own = lineage[0]
    return EffectiveRule(
        code=code,
        name=own.name,
        rule=source.rule,
        governing=governing(source.rule),
        rule_from=source.code,
        consent_forms=forms,
        in_person_rule=source.in_person_rule,
        reach=source.reach,
        uncertain=own.uncertain or source.uncertain,
        citations=tuple(citations.values()),
        lineage=tuple(item.code for item in lineage),
        languages=next((item.languages for item in lineage if item.languages), ()),
    )
