"""The policy as a readable document for employees to read and acknowledge (Markdown or HTML)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from callwarden.law.knowledge import NOT_LEGAL_ADVICE
from callwarden.policy.schema import PolicyDocument

OUTCOME_WORDS = {"record": "Recorded", "do_not_record": "Never recorded", "sample": "Sampled"}
DECLINE_WORDS = {
    "continue_unrecorded": "the call continues without recording",
    "end_call": "the call is ended politely",
}
WITHDRAWAL_WORDS = {
    "stop_keep_prior": "recording stops; what was recorded before is kept",
    "stop_discard_all": "recording stops and the whole recording is discarded",
}
MISSING_NOTICE_WORDS = {
    "refuse": "the recording is refused and the refusal is audited",
    "keep_with_violation": "the recording is kept, with a violation on the call and a high "
    "finding for compliance to work (cleared if the audio check hears the notice)",
}

DISPOSE_AT_WORDS = {
    "earliest": "as soon as the longest duty to keep has run out, so nothing is kept longer "
    "than needed",
    "latest": "at the latest moment the shortest limit allows, so everything allowed is kept",
}


def scope_entries(document: PolicyDocument) -> list[dict[str, Any]]:
    """Each scope rule in words (which calls, what happens, why), in the document's order: the
    staff document and the employees' "about recording" page say it the same way."""
    scope = []
    for rule in document.scope:
        conditions = [
            f"{name.replace('_', ' ')} is {' or '.join(values)}"
            for name, values in rule.match.model_dump().items()
            if values
        ]
        scope.append(
            {
                "id": rule.id,
                "description": rule.description or rule.id,
                "when": "; ".join(conditions) or "any other call",
                "outcome": OUTCOME_WORDS[rule.outcome]
                + (f" ({rule.rate:.0%} of calls)" if rule.rate else ""),
                "purposes": ", ".join(rule.purposes),
                "reason": rule.reason,
                "secure_pause": rule.secure_pause,
            }
        )
    return scope


def purpose_entries(document: PolicyDocument) -> list[dict[str, Any]]:
    """Each purpose with what it is for and how long its recordings are kept, in words."""
    return [
        {
            "name": name,
            "description": purpose.description,
            "min": purpose.retention.min.words(),
            "max": purpose.retention.max.words() if purpose.retention.max else "no limit set",
            "sector_rules": ", ".join(purpose.sector_rules),
        }
        for name, purpose in document.purposes.items()
    ]


def _context(
    document: PolicyDocument, version: int | None, effective: str | None
) -> dict[str, Any]:
    scope = scope_entries(document)
    purposes = purpose_entries(document)
    return {
        "doc": document,
        "version": version,
        "effective": effective,
        "scope": scope,
        "purposes": purposes,
        "decline": DECLINE_WORDS[document.consent.on_decline],
        "withdrawal": WITHDRAWAL_WORDS[document.consent.on_withdrawal],
        "missing_notice": MISSING_NOTICE_WORDS[document.consent.missing_notice],
        "dispose_at": DISPOSE_AT_WORDS[document.retention.dispose_at],
        "disclaimer": NOT_LEGAL_ADVICE,
    }


_TEMPLATES = Path(__file__).parent / "templates"
_html = Environment(
    loader=FileSystemLoader(_TEMPLATES), autoescape=True, keep_trailing_newline=True
)
# Markdown is plain text for people to read; escaping HTML entities would corrupt it.
_markdown = Environment(
    loader=FileSystemLoader(_TEMPLATES),
    autoescape=False,  # noqa: S701
    keep_trailing_newline=True,
)


def render(
    document: PolicyDocument, fmt: str, version: int | None = None, effective: str | None = None
) -> str:
    """The whole document: a standalone HTML page, or Markdown."""
    context = _context(document, version, effective)
    if fmt == "html":
        return _html.get_template("policy.html.j2").render(context)
    return _markdown.get_template("policy.md.j2").render(context)


def render_fragment(
    document: PolicyDocument, version: int | None = None, effective: str | None = None
) -> Markup:
    """The HTML document's body alone, for a page that has its own frame (the console).

    It comes from the autoescaped environment, so every text of the policy in it is escaped.
    """
    body = _html.get_template("policy_body.html.j2").render(_context(document, version, effective))
    return Markup(body)  # noqa: S704 - the template escaped every value it printed
