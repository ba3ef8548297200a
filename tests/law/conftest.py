"""Fixtures for the law knowledge base tests: the shipped data, and a writable copy of it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from callwarden.law import KnowledgeBase, load_knowledge_base
from callwarden.law.loading import DATA_DIR


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped data directory that a test may corrupt."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


WriteRecord = Callable[[str, dict[str, Any]], Path]


@pytest.fixture
def write_jurisdiction(data_copy: Path) -> WriteRecord:
    """Write (or overwrite) `jurisdictions/<name>.yaml` in the copy."""

    def write(name: str, record: dict[str, Any]) -> Path:
        path = data_copy / "jurisdictions" / f"{name}.yaml"
        path.write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def valid_record() -> Callable[..., dict[str, Any]]:
    """Factory for a valid one-party record under US; tests break one field at a time."""
    return _valid_record


def _valid_record(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "code": "US-ZZ",
        "name": "Testland",
        "parent": "US",
        "rule": "one-party",
        "basis": "B",
        "uncertain": False,
        "reviewed": "2026-11-27",
        "citations": [{"title": "Testland recording statute", "cite": "T.C. § 1"}],
    }
    record.update(overrides)
    return record
