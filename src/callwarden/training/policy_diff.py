"""Two policy documents compared setting by setting (pure): the raw material of `material`.

The documents are compared as data, not as text: a policy's YAML can be reordered, reindented or
recommented without changing a thing, and a line diff would call that a change. Scope rules are
matched by id (and their order compared on its own, since the first rule that fits decides),
counsel's readings by jurisdiction, lists of plain values as sets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from callwarden.policy.schema import PolicyDocument

Path_ = tuple[str, ...]
ORDER = "scope_order"  # the pseudo-setting for the order of the scope rules (first fit decides)


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting that differs: its path, and its value before and after (JSON values; None
    where the setting, or a whole rule, language or purpose, is absent on that side)."""

    path: Path_
    before: Any
    after: Any

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


def changed_settings(before: PolicyDocument, after: PolicyDocument) -> list[Setting]:
    """Every setting that differs, as leaves: a rule, language or purpose that exists on one
    side only is one setting (the whole of it); lists of plain values are compared as sets."""
    old, new = _tree(before), _tree(after)
    settings = list(_leaves(old, new, ()))
    common = [rule for rule in old["scope"] if rule in new["scope"]]
    reordered = [rule for rule in new["scope"] if rule in old["scope"]]
    if common != reordered:
        settings.append(Setting((ORDER,), common, reordered))
    return settings


def all_settings(document: PolicyDocument) -> list[Path_]:
    """The path of every setting of `document`, as `changed_settings` names them."""
    return list(_paths(_tree(document), ()))


def _tree(document: PolicyDocument) -> dict[str, Any]:
    """The document as nested mappings: scope rules by id, counsel's readings by jurisdiction,
    script texts with white space collapsed."""
    data = document.model_dump(mode="json")
    data["scope"] = {rule["id"]: rule for rule in data["scope"]}
    overrides: dict[str, Any] = {}
    for override in data["law_overrides"]:
        key = override["jurisdiction"]
        while key in overrides:  # the validator refuses repeats; stay total without it
            key += "+"
        overrides[key] = override
    data["law_overrides"] = overrides
    for scripts in data["scripts"].values():
        for script in scripts.values():
            if script is not None:
                script["text"] = re.sub(r"\s+", " ", script["text"]).strip()
    return data


def _leaves(old: Any, new: Any, path: Path_) -> Iterator[Setting]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(key for key in new if key not in old)]:
            if key not in old or key not in new:
                yield Setting((*path, key), old.get(key), new.get(key))
            else:
                yield from _leaves(old[key], new[key], (*path, key))
    elif _comparable(old) != _comparable(new):
        yield Setting(path, old, new)


def _paths(value: Any, path: Path_) -> Iterator[Path_]:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    else:
        yield path


def _comparable(value: Any) -> Any:
    if isinstance(value, list):
        return sorted({json.dumps(item, sort_keys=True) for item in value})
    return value
