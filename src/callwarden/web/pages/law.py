"""Law: the knowledge base the decisions cite, for staff to look a rule up.

The pages read the same loaded knowledge base as decisions and `callwarden law` do (the law is
a pure core: no database is touched). The knowledge base is not confidential, so the pages need
`policy.read`, which every staff role holds (the rules are what the policy is checked against).
Every page carries the not-legal-advice notice and says "uncertain" in words where the data does.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, Query, Request
from starlette.responses import Response

from callwarden.identity.principal import Principal
from callwarden.kit.errors import InvalidInput, NotFound
from callwarden.law.knowledge import NOT_LEGAL_ADVICE, EffectiveRule, KnowledgeBase
from callwarden.law.knowledge import load_knowledge_base as knowledge_base
from callwarden.law.schema import CONSENT_FORMS, JurisdictionRule, SectorRule
from callwarden.law.words import BASIS_WORDS, REACH_WORDS, RULE_WORDS, retention_words
from callwarden.web.deps import console_requires
from callwarden.web.nav import RULES, NavEntry
from callwarden.web.routing import page_router
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("Law", "/law", "policy.read", order=60, group=RULES)
READ = "policy.read"


@dataclass(frozen=True, slots=True)
class Listed:
    """One row of the jurisdiction list."""

    record: JurisdictionRule
    effective: EffectiveRule

    @property
    def inherited(self) -> bool:
        return self.effective.rule_from != self.record.code


def _matches(record: JurisdictionRule, wanted: str) -> bool:
    text = wanted.strip().lower()
    return not text or text in record.code.lower() or text in record.name.lower()


def _common(kb: KnowledgeBase) -> dict[str, object]:
    return {"kb": kb, "disclaimer": NOT_LEGAL_ADVICE, "rule_words": RULE_WORDS}


@router.get("/law")
def jurisdictions(
    request: Request,
    q: str = Query("", max_length=100, description="A code or part of a name."),
    who: Principal = Depends(console_requires(READ)),
) -> Response:
    """Every jurisdiction with its consent rule, filtered by code or name."""
    kb = knowledge_base()
    rows = [
        Listed(record, kb.effective_rule(code))
        for code, record in kb.jurisdictions.items()
        if _matches(record, q)
    ]
    context = {**_common(kb), "rows": rows, "q": q, "total": len(kb.jurisdictions)}
    return render(request, "law_jurisdictions.html", context, who=who)


def _jurisdiction(kb: KnowledgeBase, code: str) -> JurisdictionRule:
    """The record for `code`; an unknown code is a missing page, as any unknown address is."""
    try:
        return kb.jurisdiction(code)
    except InvalidInput:
        raise NotFound(f"no jurisdiction {code!r}") from None


@router.get("/law/jurisdictions/{code}")
def jurisdiction(
    request: Request, code: str, who: Principal = Depends(console_requires(READ))
) -> Response:
    """One jurisdiction: its rule (and where it comes from), consent forms, notes, open points,
    citations (its own and inherited), the jurisdictions under it and the sector rules there."""
    kb = knowledge_base()
    record = _jurisdiction(kb, code)
    effective = kb.effective_rule(record.code)
    own = {citation.cite for citation in record.citations}
    context = {
        **_common(kb),
        "record": record,
        "effective": effective,
        "source": kb.jurisdiction(effective.rule_from),
        "forms": [(form, CONSENT_FORMS[form]) for form in effective.consent_forms],
        "reach_words": REACH_WORDS.get(effective.reach or "", ""),
        "basis_words": BASIS_WORDS,
        "citations": [(citation, citation.cite in own) for citation in effective.citations],
        "children": [
            Listed(child, kb.effective_rule(child.code))
            for child in kb.jurisdictions.values()
            if child.parent == record.code
        ],
        "sectors": kb.sectors_for(record.code),
        "retention_words": retention_words,
    }
    return render(request, "law_jurisdiction.html", context, who=who)


@router.get("/law/sectors")
def sectors(request: Request, who: Principal = Depends(console_requires(READ))) -> Response:
    """The sector rules: who must record, how long to keep, with citations."""
    kb = knowledge_base()
    context = {
        **_common(kb),
        "sectors": list(kb.sectors.values()),
        "retention_words": retention_words,
    }
    return render(request, "law_sectors.html", context, who=who)


def _sector(kb: KnowledgeBase, sector_id: str) -> SectorRule:
    try:
        return kb.sector(sector_id)
    except InvalidInput:
        raise NotFound(f"no sector rule {sector_id!r}") from None


@router.get("/law/sectors/{sector_id}")
def sector(
    request: Request, sector_id: str, who: Principal = Depends(console_requires(READ))
) -> Response:
    kb = knowledge_base()
    record = _sector(kb, sector_id)
    context = {**_common(kb), "sector": record, "retention_words": retention_words}
    return render(request, "law_sector.html", context, who=who)
