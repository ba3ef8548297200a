"""The law knowledge base: recording-consent rules per jurisdiction and sector retention rules.

A pure core (no database, no web): data files under `data/`, validated and resolved once per
process, then answered from dicts. See README.md in this folder for the data layout and the
consent vocabulary.
"""

from callwarden.law.durations import Duration, parse_duration
from callwarden.law.knowledge import (
    NOT_LEGAL_ADVICE,
    EffectiveRule,
    KnowledgeBase,
    UnknownJurisdiction,
    UnknownSector,
    load_knowledge_base,
)
from callwarden.law.locate import Location, LocationSource, locate
from callwarden.law.schema import (
    CONSENT_FORMS,
    RULE_KINDS,
    Citation,
    ConsentForm,
    GoverningRule,
    JurisdictionRule,
    RuleKind,
    SectorRule,
)
from callwarden.law.strictness import STRICTNESS, governing, strictest, strictness

__all__ = [
    "CONSENT_FORMS",
    "NOT_LEGAL_ADVICE",
    "RULE_KINDS",
    "STRICTNESS",
    "Citation",
    "ConsentForm",
    "Duration",
    "EffectiveRule",
    "GoverningRule",
    "JurisdictionRule",
    "KnowledgeBase",
    "Location",
    "LocationSource",
    "RuleKind",
    "SectorRule",
    "UnknownJurisdiction",
    "UnknownSector",
    "governing",
    "load_knowledge_base",
    "locate",
    "parse_duration",
    "strictest",
    "strictness",
]
