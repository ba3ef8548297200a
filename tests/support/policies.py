"""The shipped example policy, and small edits of it for tests."""

from __future__ import annotations

from typing import Any

import yaml

from callwarden.bootstrap import EXAMPLE_POLICY
from callwarden.decisions.compiled import CompiledPolicy
from callwarden.law.knowledge import load_knowledge_base
from callwarden.policy.schema import PolicyDocument

EXAMPLE_TEXT = EXAMPLE_POLICY.read_text(encoding="utf-8")


def example_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE_TEXT)
    return data


def as_text(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def compiled(data: dict[str, Any] | None = None, version: int = 1) -> CompiledPolicy:
    document = PolicyDocument.model_validate(data if data is not None else example_data())
    return CompiledPolicy.build(document, version, load_knowledge_base())
