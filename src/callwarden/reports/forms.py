"""The forms a report is written in, by name: what `--format` and `?format=` choose from.

Each form is a function of the finished report to the bytes of a file, and its media type: the
JSON tree, the standalone HTML file (CSS and charts inside) and the A4 PDF. The command, the
route and the console's downloads take whatever this table lists.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from callwarden.kit.errors import InvalidInput
from callwarden.reports import rendering, wording
from callwarden.reports.json_form import as_json
from callwarden.reports.model import ComplianceReport


@dataclass(frozen=True)
class Form:
    render: Callable[[ComplianceReport], bytes]
    media_type: str
    suffix: str


def _json(report: ComplianceReport) -> bytes:
    return (json.dumps(as_json(report), indent=2, ensure_ascii=False) + "\n").encode()


def _html(report: ComplianceReport) -> bytes:
    return rendering.html_document(report).encode()


FORMS: dict[str, Form] = {
    "json": Form(_json, "application/json", ".json"),
    "html": Form(_html, "text/html; charset=utf-8", ".html"),
    "pdf": Form(rendering.pdf, "application/pdf", ".pdf"),
}


def form(name: str) -> Form:
    """The form called `name`, or InvalidInput naming the ones there are."""
    found = FORMS.get(name)
    if found is None:
        raise InvalidInput(f"no report format {name!r}; use one of: {', '.join(FORMS)}")
    return found


def download_name(report: ComplianceReport, chosen: Form) -> str:
    """The file's name for a download: "compliance-2026-07-01-to-2026-09-30.pdf" (the days
    inclusive, as they were asked for)."""
    first, last = wording.days(report)
    return f"compliance-{first.isoformat()}-to-{last.isoformat()}{chosen.suffix}"


def attachment(report: ComplianceReport, chosen: Form) -> dict[str, str]:
    """The headers of the report as a file to save (and not to keep in a shared cache)."""
    return {
        "Content-Disposition": f'attachment; filename="{download_name(report, chosen)}"',
        "Cache-Control": "no-store",
    }
