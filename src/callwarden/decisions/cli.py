"""`callwarden decide`: take a decision from the command line, readable or as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from pydantic import ValidationError

from callwarden.cli_support import console, new_table, print_json, unit_of_work
from callwarden.decisions import service
from callwarden.decisions.compiled import CompiledPolicy
from callwarden.decisions.engine import decide as decide_call
from callwarden.decisions.facts import CallFactsIn
from callwarden.decisions.outcome import Decision
from callwarden.identity.principal import cli_principal
from callwarden.kit.errors import InvalidInput
from callwarden.law.knowledge import load_knowledge_base
from callwarden.policy.service import validate_text

RECORD_LABEL = {"yes": "RECORD", "no": "DO NOT RECORD", "after_consent": "RECORD AFTER CONSENT"}


def read_facts(path: Path | None) -> CallFactsIn:
    """Facts from a file or stdin, refused with one clear line when malformed."""
    try:
        text = path.read_text(encoding="utf-8") if path else sys.stdin.read()
        return CallFactsIn.model_validate(json.loads(text))
    except OSError as error:
        raise InvalidInput(f"cannot read facts: {error.strerror}: {path}") from None
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"facts are not valid JSON: {error.msg} at line {error.lineno}"
        ) from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "facts"
        raise InvalidInput(f"invalid facts: {where}: {first['msg']}") from None


def decide(
    facts_file: Path | None = typer.Option(None, "--facts", help="JSON call facts; default stdin."),
    as_json: bool = typer.Option(False, "--json", help="Print the decision as JSON."),
    explain: bool = typer.Option(False, "--explain", help="Show how the decision was reached."),
    draft: Path | None = typer.Option(
        None, "--policy", help="Try a draft policy file (nothing stored)."
    ),
) -> None:
    """Decide whether and how to record a call (stored and audited unless --policy is given)."""
    facts = read_facts(facts_file)
    if draft is not None:
        validated = validate_text(draft.read_text(encoding="utf-8"), str(draft))
        policy = CompiledPolicy.build(validated.document, 0, load_knowledge_base())
        decision = decide_call(facts.to_facts(), policy, explain=explain)
    else:
        with unit_of_work() as session:
            decision = service.make_decision(session, cli_principal(), facts, explain)
    if as_json:
        print_json(decision.as_dict(include_trace=explain))
    else:
        show(decision)


def show(decision: Decision) -> None:
    """A readable explanation a supervisor can follow."""
    console.print(
        f"[bold]{RECORD_LABEL[decision.record]}[/]  decision {decision.decision_id}  "
        f"(policy v{decision.policy_version}, law {decision.law_version})",
        highlight=False,
    )
    console.print(
        f"governing rule: [bold]{decision.governing_rule}[/]   "
        f"consent: [bold]{decision.consent}[/]   scope rule: {decision.scope_rule}",
        highlight=False,
    )
    if decision.notice.required and decision.notice.text:
        console.print(
            f"notice ({decision.notice.language}, {decision.notice.script_id}): "
            f'"{decision.notice.text}"',
            highlight=False,
        )
    if decision.consent_prompt:
        prompt = decision.consent_prompt
        console.print(
            f"consent prompt ({prompt.script_id}, {prompt.method}: accept {prompt.accept_digit}): "
            f'"{prompt.text}"',
            highlight=False,
        )
    if decision.purposes:
        console.print(
            f"purposes: {', '.join(decision.purposes)}   "
            f"retention class: {decision.retention_class}"
        )
    table = new_table(
        "party", "jurisdiction", "rule", "located", "uncertain", "citations", keep_whole=("party",)
    )
    for finding in decision.jurisdictions:
        table.add_row(
            finding.party,
            f"{finding.code} {finding.name}",
            finding.rule,
            finding.source,
            "yes" if finding.uncertain else "",
            "; ".join(finding.citations[:2]),
        )
    console.print(table)
    console.print("[bold]Why[/]")
    for reason in decision.reasons:
        console.print(f"  • {reason}", highlight=False)
    if decision.trace:
        console.print("[bold]Trace[/]")
        for step in decision.trace:
            console.print(f"  {step}", highlight=False)
    console.print(f"[dim]{decision.disclaimer}[/]")
