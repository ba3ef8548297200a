"""Shapes for retention sweeps: a request to run one, a run's summary, a sweep as stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from callwarden.kit.inputs import RequestModel, Timestamp
from callwarden.models import RetentionSweep
from callwarden.retention.sweeping import Summary


class SweepIn(RequestModel):
    dry_run: bool = Field(default=False, description="Count only: what is due, what holds keep.")
    as_of: Timestamp | None = Field(default=None, description="Due by then (default: now).")


class SweepRun(BaseModel):
    as_of: datetime
    dry_run: bool
    due: int = Field(description="Due and kept by no hold when the run began.")
    held: int = Field(description="Due but kept by an active legal hold.")
    disposed: int
    objects_deleted: int
    sweep_id: str | None = Field(description="None when nothing was due (no certificate).")
    sweep_ids: list[str] = Field(description="Every sweep the run made (one per 100,000).")
    finished: list[str] = Field(description="Earlier sweeps, left by a stopped run, finished.")


class SweepOut(BaseModel):
    sweep_id: str
    kind: str
    reference: str | None
    as_of: datetime
    started_by: str
    started_at: datetime
    finished_at: datetime | None
    disposed_count: int
    certificate_sha256: str | None
    certificate: str | None = Field(default=None, description="The signed JSON (one sweep).")


def describe_run(summary: Summary) -> dict[str, Any]:
    return {
        "as_of": summary.as_of.isoformat(),
        "dry_run": summary.dry_run,
        "due": summary.due,
        "held": summary.held,
        "disposed": summary.disposed,
        "objects_deleted": summary.objects_deleted,
        "sweep_id": summary.sweep_id,
        "sweep_ids": summary.sweep_ids,
        "finished": summary.finished,
    }


def describe_sweep(sweep: RetentionSweep, with_certificate: bool = False) -> dict[str, Any]:
    return {
        "sweep_id": sweep.id,
        "kind": sweep.kind,
        "reference": sweep.reference,
        "as_of": sweep.as_of.isoformat(),
        "started_by": sweep.started_by,
        "started_at": sweep.started_at.isoformat(),
        "finished_at": sweep.finished_at.isoformat() if sweep.finished_at else None,
        "disposed_count": sweep.disposed_count,
        "certificate_sha256": sweep.certificate_sha256,
        "certificate": sweep.certificate if with_certificate else None,
    }
