"""The query parameters every paged list takes: `cursor` (from the previous page) and `limit`.

The shapes and the checks are `kit.pagination`'s; this module only says them in FastAPI's terms,
so each list route declares `cursor: Cursor = None` and `limit: Limit = DEFAULT_LIMIT`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from callwarden.kit.pagination import CURSOR_PATTERN, MAX_CURSOR_LENGTH, MAX_LIMIT

Cursor = Annotated[
    str | None,
    Query(
        max_length=MAX_CURSOR_LENGTH,
        pattern=CURSOR_PATTERN,
        description="The `next_cursor` of the previous page; omit it for the first page.",
    ),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items on a page, at most.")]
