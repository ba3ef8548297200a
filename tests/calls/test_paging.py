"""`GET /v1/calls` pages: every call once, newest first, however many there are, and a call
that arrives while someone pages neither repeats nor hides another."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from callwarden.kit.pagination import CursorKey

CALL = {
    "direction": "inbound",
    "parties": [{"role": "customer", "number": "+14155550123"}, {"role": "agent"}],
}


def _create(client: TestClient, pbx: dict[str, str], started: datetime) -> str:
    response = client.post(
        "/v1/calls", json={**CALL, "started_at": started.isoformat()}, headers=pbx
    )
    assert response.status_code == 201, response.text
    call_id: str = response.json()["call_id"]
    return call_id


def test_250_calls_come_in_three_pages_of_at_most_100(
    client: TestClient, pbx: dict[str, str]
) -> None:
    start = datetime.now(UTC) - timedelta(minutes=50)
    # Two calls start in each second, so the id orders calls that started together.
    made = [_create(client, pbx, start + timedelta(seconds=n // 2)) for n in range(250)]
    pages: list[list[dict[str, str]]] = []
    cursor: str | None = None
    while True:
        params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        response = client.get("/v1/calls", params=params, headers=pbx)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if len(pages) == 1:  # a call arrives between the first page and the second
            newest = _create(client, pbx, datetime.now(UTC))
        if cursor is None:
            break
    assert [len(page) for page in pages] == [100, 100, 50]
    listed = [row["call_id"] for page in pages for row in page]
    assert len(set(listed)) == 250 and set(listed) == set(made) and newest not in listed
    times = [(row["started_at"], row["call_id"]) for page in pages for row in page]
    assert times == sorted(times, reverse=True)
    first = client.get("/v1/calls", params={"limit": 100}, headers=pbx).json()["items"]
    assert first[0]["call_id"] == newest


def test_a_forged_cursor_is_a_problem_not_a_failure(
    client: TestClient, pbx: dict[str, str]
) -> None:
    others = CursorKey("audit_events", (int,)).encode((5,))
    for cursor in ("bm90LWpzb24", "WyJjYWxscyIsIjIwMjYiLCIxIl0", others, "A" * 512):
        response = client.get("/v1/calls", params={"cursor": cursor}, headers=pbx)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert "cursor" in response.json()["detail"]
