"""Errors no route expected: a 500 problem that keeps the connection, a 422 for late validation."""

from __future__ import annotations

import http.client

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from tests.support.server import serving


def _failing_app(settings: Settings, db: Database) -> FastAPI:
    app = create_app(settings, db)

    @app.get("/test/unhandled")
    def unhandled() -> None:
        raise RuntimeError("a defect the tests put here on purpose")

    return app


def test_an_unhandled_error_does_not_break_the_connection(settings: Settings, db: Database) -> None:
    with serving(_failing_app(settings, db)) as base_url:
        connection = http.client.HTTPConnection(base_url.removeprefix("http://"), timeout=10)
        connection.request("GET", "/test/unhandled")
        failed = connection.getresponse()
        body = failed.read()
        assert failed.status == 500
        assert failed.getheader("content-type") == "application/problem+json"
        assert b"internal_error" in body and b"on purpose" not in body
        socket_before = connection.sock
        connection.request("GET", "/healthz")  # same socket: http.client reconnects only if closed
        healthy = connection.getresponse()
        assert healthy.status == 200, healthy.read()
        healthy.read()
        assert connection.sock is socket_before
        connection.close()


def test_a_validation_error_raised_inside_a_handler_is_a_422_problem(
    settings: Settings, db: Database
) -> None:
    app = create_app(settings, db)

    @app.get("/test/revalidated")
    def revalidated() -> None:
        PositiveCount.model_validate({"count": -1})

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/test/revalidated")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["location"] == "count"


class PositiveCount(BaseModel):
    count: int = Field(ge=0)
