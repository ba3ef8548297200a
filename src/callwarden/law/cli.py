"""`callwarden law ...`: read the knowledge base the way counsel and supervisors need to.

People check a decision by looking up the rule it cited, so `show` prints everything a record
holds (notes, open points, every citation, the inherited ones too) and always the not-legal-
advice line. `--json` gives the same facts to scripts. Only Typer and rich are imported here,
so the law commands work without a database.
"""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console

from callwarden.cli_support import new_table
from callwarden.kit.errors import InvalidInput
from callwarden.law.knowledge import NOT_LEGAL_ADVICE, KnowledgeBase, load_knowledge_base
from callwarden.law.schema import CONSENT_FORMS, SectorRule
from callwarden.law.words import BASIS_WORDS, REACH_WORDS, retention_words

app = typer.Typer(
    help="The law knowledge base: recording-consent rules and sector retention rules.",
    no_args_is_help=True,
    add_completion=False,
)

JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of text.")


def _emit_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False))


def _fail(error: InvalidInput) -> typer.Exit:
    typer.echo(error.detail, err=True)
    return typer.Exit(code=1)


@app.command("list")
def list_jurisdictions(as_json: bool = JSON_OPTION) -> None:
    """List every jurisdiction with its rule (inherited rules show where they come from)."""
    kb = load_knowledge_base()
    rows = []
    for code, record in kb.jurisdictions.items():
        effective = kb.effective_rule(code)
        rows.append(
            {
                "code": code,
                "name": record.name,
                "parent": record.parent,
                "rule": effective.rule,
                "rule_from": effective.rule_from,
                "uncertain": effective.uncertain,
                "reviewed": record.reviewed.isoformat(),
            }
        )
    if as_json:
        _emit_json({"version": kb.version, "jurisdictions": rows})
        return
    table = new_table(
        "code",
        "name",
        "rule",
        "uncertain",
        "reviewed",
        keep_whole=("code",),
        title=f"Law knowledge base {kb.version}",
    )
    table.caption = NOT_LEGAL_ADVICE
    for row in rows:
        rule = str(row["rule"])
        if row["rule_from"] != row["code"]:
            rule += f" (from {row['rule_from']})"
        uncertain = "[yellow]uncertain[/]" if row["uncertain"] else "no"
        table.add_row(str(row["code"]), str(row["name"]), rule, uncertain, str(row["reviewed"]))
    Console().print(table)


@app.command("show")
def show(
    code: str = typer.Argument(..., help="ISO 3166 code, e.g. US-CA, DE, AU-NSW."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Everything the knowledge base says about one jurisdiction, with citations."""
    kb = load_knowledge_base()
    try:
        record = kb.jurisdiction(code)
    except InvalidInput as error:
        raise _fail(error) from None
    effective = kb.effective_rule(record.code)
    if as_json:
        _emit_json(
            {
                "version": kb.version,
                "jurisdiction": record.model_dump(mode="json"),
                "effective": effective.model_dump(mode="json"),
                "disclaimer": NOT_LEGAL_ADVICE,
            }
        )
        return
    for line in describe_jurisdiction(kb, record.code):
        typer.echo(line)


def describe_jurisdiction(kb: KnowledgeBase, code: str) -> list[str]:
    """The human-readable text of `law show` (also reusable by the console)."""
    record, effective = kb.jurisdiction(code), kb.effective_rule(code)
    parent = f"  (part of {record.parent})" if record.parent else ""
    inherited = "" if effective.rule_from == code else f", inherited from {effective.rule_from}"
    lines = [f"{code}  {record.name}{parent}", ""]
    lines.append(f"Rule (phone calls): {effective.rule}{inherited}")
    if effective.rule != effective.governing:
        lines.append(f"Decisions apply: {effective.governing} (an unclear rule is read strictly)")
    if effective.in_person_rule:
        lines.append(f"In person: {effective.in_person_rule}")
    lines.append("Consent that counts:")
    lines += [f"  - {form}: {CONSENT_FORMS[form]}" for form in effective.consent_forms]
    if effective.reach:
        lines.append(f"Reach: {effective.reach} ({REACH_WORDS[effective.reach]})")
    source = kb.jurisdiction(effective.rule_from)
    if source.basis:
        lines.append(f"Basis: {source.basis} ({BASIS_WORDS[source.basis[0]]})")
    lines.append(f"Uncertain: {'YES, see open points' if effective.uncertain else 'no'}")
    lines.append(f"Reviewed: {record.reviewed.isoformat()}")
    for title, items in (("Notes", record.notes), ("Open points", record.open_points)):
        if items:
            lines += ["", f"{title}:"] + [f"  - {item}" for item in items]
    own = {citation.cite for citation in record.citations}
    lines += ["", "Citations:"]
    for citation in effective.citations:
        mark = "" if citation.cite in own else "(inherited) "
        url = f" <{citation.url}>" if citation.url else ""
        lines.append(f"  - {mark}{citation.cite}: {citation.title}{url}")
    lines += ["", f"Knowledge base {kb.version}", NOT_LEGAL_ADVICE]
    return lines


@app.command("sectors")
def sectors(
    sector_id: str | None = typer.Argument(None, help="Show one sector rule, e.g. mifid-ii."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List sector retention and recording rules, or show one in full."""
    kb = load_knowledge_base()
    try:
        chosen = [kb.sector(sector_id)] if sector_id else list(kb.sectors.values())
    except InvalidInput as error:
        raise _fail(error) from None
    if as_json:
        records = [sector.model_dump(mode="json") for sector in chosen]
        _emit_json({"version": kb.version, "sectors": records, "disclaimer": NOT_LEGAL_ADVICE})
        return
    if sector_id:
        for line in describe_sector(chosen[0]):
            typer.echo(line)
        typer.echo(NOT_LEGAL_ADVICE)
        return
    table = new_table(
        *("id", "where", "must record", "retention", "uncertain"),
        keep_whole=("id", "where"),
        title=f"Sector rules {kb.version}",
    )
    table.caption = NOT_LEGAL_ADVICE
    for sector in chosen:
        table.add_row(
            sector.id,
            ", ".join(sector.jurisdictions),
            "yes" if sector.recording_required else "no",
            retention_words(sector),
            "[yellow]uncertain[/]" if sector.uncertain else "no",
        )
    Console().print(table)


def describe_sector(sector: SectorRule) -> list[str]:
    """The human-readable text of `law sectors ID`."""
    lines = [f"{sector.id}  {sector.name}", f"Where: {', '.join(sector.jurisdictions)}"]
    lines.append(f"Applies to: {sector.applies_to}")
    lines.append(f"Must record: {'yes' if sector.recording_required else 'no'}")
    for label, period in (
        ("Minimum retention", sector.min_retention),
        ("Extended retention (on request)", sector.extended_retention),
        ("Maximum retention", sector.max_retention),
    ):
        if period is not None:
            lines.append(f"{label}: {period.words()}")
    if sector.retention_of:
        lines.append(f"Retention counts: {sector.retention_of}")
    lines += ["Requires:"] + [f"  - {item}" for item in sector.requirements]
    for title, items in (("Notes", sector.notes), ("Open points", sector.open_points)):
        if items:
            lines += [f"{title}:"] + [f"  - {item}" for item in items]
    lines.append(f"Uncertain: {'YES' if sector.uncertain else 'no'}")
    lines += ["Citations:"] + [
        f"  - {c.cite}: {c.title}" + (f" <{c.url}>" if c.url else "") for c in sector.citations
    ]
    return lines
