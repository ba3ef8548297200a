"""Driving whole calls through the API in tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

_ids = itertools.count(1)


class CallDriver:
    """One call, with a clock that moves forward a second per event."""

    def __init__(self, client: TestClient, headers: dict[str, str], facts: dict[str, Any]) -> None:
        self.client = client
        self.headers = headers
        self.clock = datetime.now(UTC) - timedelta(hours=1)
        started = {"started_at": self.clock.isoformat()}
        response = client.post("/v1/calls", json={**started, **facts}, headers=headers)
        assert response.status_code == 201, response.text
        self.created = response.json()
        self.call_id: str = self.created["call_id"]
        self.plan: dict[str, Any] = self.created["plan"]

    def actions(self) -> list[str]:
        return [step["action"] for step in self.plan["steps"]]

    def send(
        self, kind: str, *, seconds: float = 1.0, event_id: str | None = None, **fields: Any
    ) -> Any:
        self.clock += timedelta(seconds=seconds)
        body = {
            "event_id": event_id or f"e{next(_ids)}",
            "kind": kind,
            "occurred_at": self.clock.isoformat(),
            **fields,
        }
        response = self.client.post(
            f"/v1/calls/{self.call_id}/events", json=body, headers=self.headers
        )
        if response.status_code in (200, 201):
            self.plan = response.json()["plan"]
        return response

    def ok(self, kind: str, **fields: Any) -> dict[str, Any]:
        response = self.send(kind, **fields)
        assert response.status_code in (200, 201), response.text
        body: dict[str, Any] = response.json()
        return body

    def refused(self, kind: str, fragment: str, **fields: Any) -> dict[str, Any]:
        response = self.send(kind, **fields)
        assert response.status_code == 409, response.text
        body: dict[str, Any] = response.json()
        assert fragment in body["detail"], body["detail"]
        return body

    def detail(self) -> dict[str, Any]:
        body: dict[str, Any] = self.client.get(
            f"/v1/calls/{self.call_id}", headers=self.headers
        ).json()
        return body

    def consent(self) -> dict[str, Any]:
        body: dict[str, Any] = self.client.get(
            f"/v1/calls/{self.call_id}/consent", headers=self.headers
        ).json()
        return body
