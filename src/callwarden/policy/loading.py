"""Reading a policy document from YAML: safely, and with line numbers for every problem.

Hostile or broken input is refused before it is interpreted: documents over a size limit, YAML
anchors and aliases (the "billion laughs" expansion), tags that build Python objects, syntax
errors and duplicate keys (which YAML would let the last one win silently) all become a
PolicyInvalid naming the line.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError
from yaml.constructor import SafeConstructor

from callwarden.policy.problems import PolicyInvalid, Problem
from callwarden.policy.schema import PolicyDocument

MAX_POLICY_BYTES = 512 * 1024
# A real policy nests a handful of levels; hundreds only exhaust the parser's recursion.
MAX_NESTING = 32
Path_ = tuple[str | int, ...]


def parse_policy(text: str, source: str = "policy") -> PolicyDocument:
    """The document in `text`, or PolicyInvalid listing every structural problem with its line."""
    return read_policy(text, source)[0]


def read_policy(text: str, source: str = "policy") -> tuple[PolicyDocument, dict[Path_, int]]:
    """The document and the line of every path in it (for placing later validation problems)."""
    raw, lines = read_yaml(text, source, "start from examples/policy.yaml")
    try:
        return PolicyDocument.model_validate(raw), lines
    except ValidationError as error:
        raise PolicyInvalid(validation_problems(error, lines), source) from None


def read_yaml(
    text: str, source: str, example: str = "start from an example"
) -> tuple[dict[str, Any], dict[Path_, int]]:
    """A YAML mapping read safely (size, depth, aliases, tags, duplicate keys), with the line of
    every path in it; any YAML document a person writes for us (a policy, a QA scorecard) is
    read through here, so each is refused the same way, at its line."""
    if len(text.encode()) > MAX_POLICY_BYTES:
        raise PolicyInvalid(
            [
                Problem(
                    "",
                    f"the document is larger than {MAX_POLICY_BYTES} bytes",
                    "split out long scripts or remove unused content",
                )
            ],
            source,
        )
    _refuse_deep_nesting(text, source)
    node = _compose(text, source)
    lines = line_index(node)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PolicyInvalid(
            [Problem("", f"YAML error: {error}", "use plain YAML values only (no !!python tags)")],
            source,
        ) from None
    if not isinstance(raw, dict):
        raise PolicyInvalid(
            [Problem("", "the document must be a YAML mapping of settings", example, line=1)],
            source,
        )
    return raw, lines


def validation_problems(
    error: ValidationError, lines: dict[Path_, int], fixes: dict[str, str] | None = None
) -> list[Problem]:
    """Each pydantic error as a Problem at the line of its path (`fixes` by error type)."""
    return [_problem(item, lines, fixes or {}) for item in error.errors()]


def _refuse_deep_nesting(text: str, source: str) -> None:
    """Refuse nesting deeper than MAX_NESTING, and any alias, before anything recursive reads
    the document.

    The event stream is read without recursion, so depth is counted before composing; an alias
    is refused at its own line, the line a person must rewrite (the composed node would only
    give the anchor's).
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark else None
                raise PolicyInvalid([_alias_problem(line)], source)
            if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    raise PolicyInvalid(
                        [
                            Problem(
                                "",
                                f"the document nests deeper than {MAX_NESTING} levels",
                                "flatten the structure; a policy needs only a few levels",
                                line=event.start_mark.line + 1 if event.start_mark else None,
                            )
                        ],
                        source,
                    )
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # composing reports the syntax error with its line


def _compose(text: str, source: str) -> yaml.Node | None:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark else None
        raise PolicyInvalid(
            [
                Problem(
                    "",
                    f"YAML syntax error: {error.problem}",
                    "fix the YAML syntax at that line (indentation, quotes, colons)",
                    line=line,
                )
            ],
            source,
        ) from None
    except yaml.YAMLError as error:
        raise PolicyInvalid(
            [Problem("", f"YAML error: {error}", "fix the YAML syntax")], source
        ) from None
    _refuse_aliases(node, source)
    _refuse_duplicate_keys(node, source)
    return node


def _alias_problem(line: int | None) -> Problem:
    return Problem(
        "",
        "YAML anchors and aliases are not allowed in a policy",
        "write each value out in full",
        line=line,
    )


def _refuse_aliases(node: yaml.Node | None, source: str) -> None:
    seen: set[int] = set()
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if id(current) in seen:
            raise PolicyInvalid([_alias_problem(current.start_mark.line + 1)], source)
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _key_value(key: yaml.Node) -> object:
    """A mapping key as YAML reads it: `yes` and `true` collide in the loaded mapping too."""
    if isinstance(key, yaml.ScalarNode):
        try:
            return SafeConstructor().construct_object(key)
        except yaml.YAMLError:
            return (key.tag, key.value)
    return key  # a complex key only ever equals itself


def _refuse_duplicate_keys(node: yaml.Node | None, source: str) -> None:
    """Every key twice in one mapping, at any depth, with its line (walked without recursion)."""
    problems: list[Problem] = []
    stack: list[tuple[yaml.Node, Path_]] = [(node, ())] if node is not None else []
    while stack:
        current, path = stack.pop()
        if isinstance(current, yaml.MappingNode):
            first_lines: dict[object, int] = {}
            for key, value in current.value:
                child = (*path, str(key.value))
                line = key.start_mark.line + 1
                identity = _key_value(key)
                seen = first_lines.get(identity)
                if seen is None:
                    first_lines[identity] = line
                else:
                    problems.append(
                        Problem(
                            dotted(child),
                            f"duplicate key {str(key.value)!r} (first given at line {seen})",
                            "keep one of the two settings: YAML would silently use the last",
                            line=line,
                        )
                    )
                stack.append((value, child))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, (*path, position)) for position, item in enumerate(current.value))
    if problems:
        raise PolicyInvalid(sorted(problems, key=lambda problem: problem.line or 0), source)


def line_index(node: yaml.Node | None) -> dict[Path_, int]:
    """Map each path in the document (`("scope", 2, "rate")`) to its 1-based line."""
    index: dict[Path_, int] = {}

    def visit(current: yaml.Node, path: Path_) -> None:
        index[path] = current.start_mark.line + 1
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                child = (*path, str(key.value))
                index[child] = key.start_mark.line + 1
                visit(value, child)
                index[child] = key.start_mark.line + 1
        elif isinstance(current, yaml.SequenceNode):
            for position, item in enumerate(current.value):
                visit(item, (*path, position))

    if node is not None:
        visit(node, ())
    return index


def nearest_line(lines: dict[Path_, int], path: Path_) -> int | None:
    """The line of `path`, or of its closest ancestor present in the document."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def dotted(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_FIXES = {
    "extra_forbidden": "remove this key or correct its spelling (see examples/policy.yaml)",
    "missing": "add this setting",
    "literal_error": "use one of the allowed values",
    "string_pattern_mismatch": "use lower-case letters, digits, '-', '_' or '.'",
}


def _problem(item: Any, lines: dict[Path_, int], fixes: dict[str, str]) -> Problem:
    path: Path_ = tuple(
        part for part in item["loc"] if not isinstance(part, str) or part != "function-after"
    )
    fix = fixes.get(item["type"]) or _FIXES.get(item["type"], "correct the value")
    return Problem(dotted(path), item["msg"], fix, line=nearest_line(lines, path))
