"""verify.py on its own: it imports only the standard library and `cryptography`, and it hashes
an event exactly as the audit chain does, for any content (hypothesis)."""

from __future__ import annotations

import ast
import json
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from callwarden.audit import package_verify
from callwarden.audit.chain import ChainEntry, entry_hash
from callwarden.audit.service import event_dict

SOURCE = Path(package_verify.__file__)


def test_it_imports_only_the_standard_library_and_cryptography() -> None:
    imported: set[str] = set()
    for node in ast.walk(ast.parse(SOURCE.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    outside = {name for name in imported if name not in sys.stdlib_module_names}
    assert outside == {"cryptography"}
    assert "callwarden" not in imported
    assert "the Python standard library has no Ed25519" in SOURCE.read_text(encoding="utf-8")


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(
    seq=st.integers(min_value=1, max_value=2**40),
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    offset=st.integers(min_value=-14 * 60, max_value=14 * 60),
    actor=st.text(max_size=30),
    action=st.text(max_size=30),
    target=st.text(max_size=30),
    reason=st.none() | st.text(max_size=30),
    data=st.dictionaries(st.text(max_size=10), json_values, max_size=5),
    prev=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
)
def test_it_hashes_an_event_exactly_as_the_chain_does(
    seq: int,
    moment: datetime,
    offset: int,
    actor: str,
    action: str,
    target: str,
    reason: str | None,
    data: dict[str, Any],
    prev: str,
) -> None:
    shown = moment.astimezone(timezone(timedelta(minutes=offset)))
    entry = ChainEntry(seq, shown, actor, action, target, reason, data, prev, "")
    expected = entry_hash(entry)
    row = event_dict(entry)  # type: ignore[arg-type]  # as the package writes the line...
    carried = json.loads(json.dumps(row, ensure_ascii=False, sort_keys=True))  # ...and it is read
    assert package_verify.event_hash(carried) == expected
