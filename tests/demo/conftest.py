"""One demo month for every demo test of the session (see `tests.support.demo_month`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.demo_month import Demo, make_demo


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    made = make_demo(tmp_path_factory.mktemp("demo") / "var")
    yield made
    made.db.dispose()
