"""The OpenAPI document says what the server does, where clients look first; the docs work offline.

These walk the whole document, so a route added later is held to the same contract.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit.inputs import MAX_STORED_INT, RequestModel

PROBLEM = "application/problem+json"


@pytest.fixture
def spec(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]


def test_every_operation_documents_its_problems_as_problem_json(spec: dict[str, Any]) -> None:
    for method, path, operation in operations(spec):
        responses = operation["responses"]
        wanted = {"400", "404", "409", "413", "422", "429"}
        if operation.get("security"):
            wanted |= {"401", "403"}
        assert wanted <= set(responses), f"{method} {path} lacks {wanted - set(responses)}"
        for status in wanted:
            assert set(responses[status]["content"]) == {PROBLEM}, (method, path, status)
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_no_json_answer_is_an_untyped_object(spec: dict[str, Any]) -> None:
    untyped = []
    for method, path, operation in operations(spec):
        for status, response in operation["responses"].items():
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if status.startswith("2") and schema is not None:
                shape = schema.get("items", schema)
                if "$ref" not in shape:
                    untyped.append(f"{method} {path} {status}: {schema}")
    assert not untyped, "\n".join(untyped)


def test_uploads_document_their_raw_audio_body_and_required_key(spec: dict[str, Any]) -> None:
    for path in ("/v1/calls/{call_id}/recordings", "/v1/scripts/{script_id}/audio"):
        body = spec["paths"][path]["post"]["requestBody"]
        assert body["required"] is True
        assert "audio/wav" in body["content"]
        assert body["content"]["audio/wav"]["schema"] == {"type": "string", "format": "binary"}
    upload = spec["paths"]["/v1/calls/{call_id}/recordings"]["post"]
    [key] = [p for p in upload["parameters"] if p["name"] == "idempotency_key"]
    assert key["required"] is True
    for path in ("/v1/recordings/{recording_id}/audio", "/v1/recordings/{recording_id}/download"):
        [reason] = [p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == "reason"]
        assert reason["required"] is True and reason["schema"]["minLength"] == 4


def _schemas_in(value: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        found.append(value)
        for child in value.values():
            found.extend(_schemas_in(child))
    elif isinstance(value, list):
        for child in value:
            found.extend(_schemas_in(child))
    return found


def test_integers_in_paths_and_queries_are_bounded_and_times_carry_their_years(
    spec: dict[str, Any],
) -> None:
    for method, path, operation in operations(spec):
        for parameter in operation.get("parameters", []):
            for schema in _schemas_in(parameter["schema"]):
                where = f"{method} {path} {parameter['name']}"
                if schema.get("type") == "integer":
                    assert schema.get("maximum", MAX_STORED_INT + 1) <= MAX_STORED_INT, where
                if schema.get("format") == "date-time":
                    assert "pattern" in schema, where
    bodies = {
        ref.rsplit("/", 1)[-1]
        for _, _, operation in operations(spec)
        for schema in _schemas_in(operation.get("requestBody", {}))
        if isinstance(ref := schema.get("$ref"), str)
    }
    nested = {"CallFactsIn": {"PartyIn"}, "CallCreate": {"PartyIn"}, "EventIn": {"NewParty"}}
    for name in bodies | {part for body in bodies for part in nested.get(body, ())}:
        for schema in _schemas_in(spec["components"]["schemas"][name]):
            if schema.get("format") == "date-time":
                assert "pattern" in schema, name
            if schema.get("type") == "integer":
                assert "maximum" in schema, name


def test_every_json_request_body_is_a_strict_request_model(
    settings: Settings, db: Database
) -> None:
    app = create_app(settings, db)
    loose = []
    for route in app.routes:
        if isinstance(route, APIRoute) and route.body_field is not None:
            model = route.body_field.field_info.annotation
            if not (isinstance(model, type) and issubclass(model, RequestModel)):
                loose.append(f"{route.methods} {route.path}: {model}")
    assert not loose, loose


def test_the_front_door_points_at_the_docs(client: TestClient) -> None:
    index = client.get("/")
    assert index.status_code == 200
    assert index.json()["links"] == {
        "docs": "/docs",
        "redoc": "/redoc",
        "openapi": "/openapi.json",
        "health": "/healthz",
        "console": "/home",
    }
    browser = client.get("/", headers={"Accept": "text/html,*/*"}, follow_redirects=False)
    assert browser.status_code == 303 and browser.headers["location"] == "/home"


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_load_only_assets_this_server_serves(client: TestClient, page: str) -> None:
    html = client.get(page).text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    assert all(asset.startswith("/") for asset in assets), assets
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200 and len(served.content) > 500, asset
