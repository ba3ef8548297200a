"""The process-tuning settings reach the interpreter, the garbage collector and anyio."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import anyio
import anyio.to_thread
import pytest
from pydantic import ValidationError

from callwarden.config import Settings
from callwarden.tuning import apply_tuning, limit_request_threads, settle_heap


@pytest.fixture
def restored() -> Iterator[None]:
    """Put the test process back as it was: these knobs are process-wide."""
    interval, thresholds = sys.getswitchinterval(), gc.get_threshold()
    yield
    sys.setswitchinterval(interval)
    gc.set_threshold(*thresholds)
    gc.unfreeze()


def test_the_defaults_are_the_measured_values(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.switch_interval_seconds == 0.0005
    assert settings.gc_thresholds == (50_000, 50, 1_000)
    assert settings.gc_freeze and settings.request_threads == 8


def test_apply_tuning_sets_the_switch_interval(tmp_path: Path, restored: None) -> None:
    apply_tuning(Settings(data_dir=tmp_path, switch_interval_seconds=0.002))
    assert sys.getswitchinterval() == pytest.approx(0.002)


def test_settle_heap_freezes_and_sets_the_thresholds(tmp_path: Path, restored: None) -> None:
    settle_heap(Settings(data_dir=tmp_path, gc_thresholds=(1234, 5, 6)))
    assert gc.get_threshold() == (1234, 5, 6)
    assert gc.get_freeze_count() > 0


def test_settle_heap_can_leave_the_heap_unfrozen(tmp_path: Path, restored: None) -> None:
    gc.unfreeze()
    settle_heap(Settings(data_dir=tmp_path, gc_freeze=False))
    assert gc.get_freeze_count() == 0


def test_the_thresholds_are_read_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALLWARDEN_GC_THRESHOLDS", "700,10,10")
    monkeypatch.setenv("CALLWARDEN_SWITCH_INTERVAL_SECONDS", "0.005")
    settings = Settings(data_dir=tmp_path)
    assert settings.gc_thresholds == (700, 10, 10)
    assert settings.switch_interval_seconds == 0.005
    for written in ("[700, 10, 10]", "(700, 10, 10)"):  # JSON, or a tuple printed by Python
        monkeypatch.setenv("CALLWARDEN_GC_THRESHOLDS", written)
        assert Settings(data_dir=tmp_path).gc_thresholds == (700, 10, 10)
    monkeypatch.setenv("CALLWARDEN_GC_THRESHOLDS", "700,10")
    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path)


def test_limit_request_threads_caps_anyio_worker_threads(tmp_path: Path) -> None:
    async def limited() -> float:
        limit_request_threads(Settings(data_dir=tmp_path, request_threads=3))
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    assert anyio.run(limited) == 3
