"""The shape of a vCon document as draft-ietf-vcon-vcon-core states it (the unsigned JSON form),
written out here for the tests to hold our documents to: the top-level members and their types,
a party's identifiers, a dialog's type (one of the draft's five), start and party indices, an
attachment's required start, party and dialog, an analysis's required type and vendor, and the
inline encodings the draft allows. Parameters outside the core are allowed, as in the draft
(named in `extensions`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import jsonschema

# jsonschema checks "date-time" only with an optional package; RFC 3339 is checked here.
FORMATS = jsonschema.FormatChecker(["uuid"])


@FORMATS.checks("date-time", raises=ValueError)
def _rfc3339(value: object) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.tzinfo is not None


_TIME = {"type": "string", "format": "date-time"}
_INDEX = {"type": "integer", "minimum": 0}
_INDICES = {"anyOf": [_INDEX, {"type": "array", "items": _INDEX}]}
_HASH = {"anyOf": [{"type": "string", "pattern": "^[a-z0-9]+-[A-Za-z0-9_-]+$"}, {"type": "array"}]}
_ENCODING = {"enum": ["base64url", "json", "none"]}

VCON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["uuid", "created_at"],
    "properties": {
        "vcon": {"const": "0.4.0"},
        "uuid": {"type": "string", "format": "uuid"},
        "created_at": _TIME,
        "updated_at": _TIME,
        "subject": {"type": "string"},
        "extensions": {"type": "array", "items": {"type": "string"}},
        "critical": {"type": "array", "items": {"type": "string"}},
        "parties": {"type": "array", "items": {"$ref": "#/$defs/party"}},
        "dialog": {"type": "array", "items": {"$ref": "#/$defs/dialog"}},
        "attachments": {"type": "array", "items": {"$ref": "#/$defs/attachment"}},
        "analysis": {"type": "array", "items": {"$ref": "#/$defs/analysis"}},
    },
    "$defs": {
        "party": {
            "type": "object",
            "properties": {
                "tel": {"type": "string", "pattern": r"^\+[1-9][0-9]{1,14}$"},
                "name": {"type": "string"},
                "uuid": {"type": "string"},
                "mailto": {"type": "string"},
                "civicaddress": {
                    "type": "object",
                    "properties": {"country": {"type": "string"}, "a1": {"type": "string"}},
                },
            },
        },
        "dialog": {
            "type": "object",
            "required": ["type", "start"],
            "properties": {
                "type": {"enum": ["recording", "text", "transfer", "incomplete", "recording-set"]},
                "start": _TIME,
                "duration": {"type": "number", "minimum": 0},
                "parties": _INDICES,
                "mediatype": {"type": "string"},
                "filename": {"type": "string"},
                "content_hash": _HASH,
                "encoding": _ENCODING,
                "disposition": {
                    "enum": [
                        "no-answer",
                        "congestion",
                        "failed",
                        "busy",
                        "hung-up",
                        "voicemail-no-message",
                    ]
                },
            },
            "if": {"properties": {"type": {"const": "incomplete"}}},
            "then": {"required": ["disposition"]},
        },
        "attachment": {
            "type": "object",
            "required": ["start", "party", "dialog"],
            "properties": {
                "purpose": {"type": "string"},
                "start": _TIME,
                "party": _INDEX,
                "dialog": _INDEX,
                "mediatype": {"type": "string"},
                "encoding": _ENCODING,
            },
        },
        "analysis": {
            "type": "object",
            "required": ["type", "vendor"],
            "properties": {
                "type": {"type": "string"},
                "dialog": _INDICES,
                "vendor": {"type": "string"},
                "product": {"type": "string"},
                "schema": {"type": "string"},
                "encoding": _ENCODING,
            },
        },
    },
}


def check_vcon(document: dict[str, Any]) -> None:
    """Raise unless the document has the draft's shape, its indices point at what exists, and
    every inline `json` body is an object."""
    validator = jsonschema.Draft202012Validator(VCON_SCHEMA, format_checker=FORMATS)
    validator.validate(document)
    parties, dialogs = len(document.get("parties", [])), len(document.get("dialog", []))
    for dialog in document.get("dialog", []):
        for index in dialog.get("parties", []):
            assert 0 <= index < parties, dialog
    for item in document.get("attachments", []) + document.get("analysis", []):
        if "dialog" in item:
            assert 0 <= item["dialog"] < dialogs, item
        if item.get("encoding") == "json":
            assert isinstance(item["body"], dict), item
