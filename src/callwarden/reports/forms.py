"""The forms a report is written in, by name: what `--format` and `?format=` choose from.

Each form is a function of the finished report to the bytes of a file, and its media type. The
HTML and PDF forms join this table; the command and the route take whatever it lists.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from callwarden.kit.errors import InvalidInput
from callwarden.reports.json_form import as_json
from callwarden.reports.model import ComplianceReport


@dataclass(frozen=True)
class Form:
    render: Callable[[ComplianceReport], bytes]
    media_type: str
    suffix: str


def _json(report: ComplianceReport) -> bytes:
    return (json.dumps(as_json(report), indent=2, ensure_ascii=False) + "\n").encode()


FORMS: dict[str, Form] = {
    "json": Form(_json, "application/json", ".json"),
}


def form(name: str) -> Form:
    """The form called `name`, or InvalidInput naming the ones there are."""
    found = FORMS.get(name)
    if found is None:
        raise InvalidInput(f"no report format {name!r}; use one of: {', '.join(FORMS)}")
    return found
