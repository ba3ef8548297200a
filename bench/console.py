"""Console benchmark: the calls list and a call page against the JSON API, 100,000 calls.

1. Fill: a fresh data directory (`callwarden init`'s steps, SQLite), 40 calls made for real
   through `POST /v1/calls` with events (a notice, consent, a payment pause, a refused event kept
   as a violation) from the decision benchmark's mix of facts, then cloned by bulk insert to
   `--calls` calls, each with its own decision row, its parties and, for one call in five, its
   events: the rows the services read, spread over the last 30 days. (Bulk rows carry no audit
   events; nothing measured here reads them.)
2. Serve: `callwarden serve` on a loopback port (a real uvicorn in its own process).
3. Measure, in one run and interleaved so the three share the machine's state: the console's
   `GET /calls` (signed in as a compliance officer), `GET /calls/{id}` over a rotating sample of
   calls with events, and the API's `GET /v1/calls` and `GET /v1/calls/{id}` with that person's
   bearer token. One request at a time over a keep-alive connection; the time is from sending
   the request to having read the whole response. Prints p50 and p99 of each and the ratio
   page / API.

Also measured, with no API twin: the compliance officer's home page (calls with violations,
open findings), which should stay within the same p99.
Target: each page within 2x the API's time for the same data, p99 <= 100 ms.

Run: .venv/bin/python bench/console.py [--calls 100000] [--requests 200]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Table, select

from callwarden.app import create_app
from callwarden.bootstrap import initialise
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity import passwords
from callwarden.identity import service as identity
from callwarden.identity.principal import SYSTEM, Principal
from callwarden.identity.roles import Role
from callwarden.kit.ids import new_id
from callwarden.models import Base
from decisions import call_mix, free_port

TEMPLATES = 40
CHUNK = 5_000
SPREAD = timedelta(days=30)
PASSWORD = "bench password, not a secret"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def _person(db: Database, role: str, username: str) -> Principal:
    """A person who has chosen their password (so they can sign in) and holds a bearer token."""
    with db.unit_of_work() as session:
        created = identity.create_user(
            session, SYSTEM, username=username, role=role, password=f"temporary {PASSWORD}"
        )
        me = Principal(
            actor=f"user:{username}", role=Role(role), user_id=created.user.id, username=username
        )
        passwords.change_own_password(session, me, f"temporary {PASSWORD}", PASSWORD)
        return me


def _token(db: Database, who: Principal) -> str:
    with db.unit_of_work() as session:
        return identity.create_token(session, who, name="bench").plaintext


def _real_calls(settings: Settings, db: Database, pbx: str) -> list[str]:
    """Calls made the way a phone system makes them, to be the templates of the clones."""
    headers = {"Authorization": f"Bearer {pbx}"}
    made = []
    start = datetime.now(UTC) - timedelta(hours=2)
    with TestClient(create_app(settings, db)) as client:
        for index, facts in enumerate(call_mix(TEMPLATES, seed=23)):
            body = {**facts, "started_at": start.isoformat(), "external_id": f"t-{index}"}
            created = client.post("/v1/calls", json=body, headers=headers)
            created.raise_for_status()
            call_id = created.json()["call_id"]
            made.append(call_id)
            at = start
            for number, (kind, extra) in enumerate(_events(index)):
                at += timedelta(seconds=7)
                event = {"event_id": f"e{number}", "kind": kind, "occurred_at": at.isoformat()}
                client.post(f"/v1/calls/{call_id}/events", json={**event, **extra}, headers=headers)
    return made  # refused events answer 409 and are kept as violations: both are wanted


def _events(index: int) -> Iterator[tuple[str, dict[str, Any]]]:
    yield "notice_played", {"party": "customer"}
    if index % 2:
        yield "consent_given", {"party": "customer", "method": "dtmf", "digit": "1"}
    yield "recording_started", {"offset_s": 0.0}
    if index % 3 == 0:
        yield "recording_paused", {"reason": "payment", "offset_s": 20.0}
        yield "recording_resumed", {"offset_s": 20.0}
    yield "call_ended", {"offset_s": 60.0}
    if index % 4 == 0:
        yield "recording_stopped", {"offset_s": 61.0}  # refused: after the end


def _rows(db: Database, table: Table, column: str, ids: list[str]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    with db.engine.connect() as connection:
        for row in connection.execute(select(table).where(table.c[column].in_(ids))).mappings():
            grouped.setdefault(row[column], []).append(dict(row))
    return grouped


def _shifted(row: dict[str, Any], delta: timedelta, *names: str) -> None:
    for name in names:
        if row.get(name) is not None:
            row[name] = row[name] + delta


def fill(db: Database, templates: list[str], count: int) -> list[str]:
    """`count` calls cloned from the templates; the ids of the clones that have events."""
    tables = Base.metadata.tables
    calls, decisions = tables["calls"], tables["decisions"]
    parties, events = tables["call_parties"], tables["call_events"]
    by_id = {rows[0]["id"]: rows[0] for rows in _rows(db, calls, "id", templates).values()}
    decision_rows = _rows(db, decisions, "id", [c["decision_id"] for c in by_id.values()])
    party_rows = _rows(db, parties, "call_id", templates)
    event_rows = _rows(db, events, "call_id", templates)
    newest = datetime.now(UTC) - timedelta(hours=3)
    step = SPREAD / count
    with_events: list[str] = []
    batch: dict[str, list[dict[str, Any]]] = {"d": [], "c": [], "p": [], "e": []}

    def flush() -> None:
        with db.engine.begin() as connection:
            for key, table in (("d", decisions), ("c", calls), ("p", parties), ("e", events)):
                if batch[key]:
                    connection.execute(table.insert(), batch[key])
                batch[key] = []

    for number in range(count):
        template = by_id[templates[number % len(templates)]]
        started = newest - step * number
        delta = started - template["started_at"]
        call_id, decision_id = new_id("call"), new_id("dec")
        decision = dict(decision_rows[template["decision_id"]][0])
        decision.update(id=decision_id, external_call_id=None, created_at=started)
        decision["outcome"] = {**decision["outcome"], "decision_id": decision_id}
        call = dict(template)
        call.update(id=call_id, decision_id=decision_id, external_id=f"bench-{number}")
        _shifted(call, delta, "started_at", "ended_at", "last_event_at", "paused_at")
        batch["d"].append(decision)
        batch["c"].append(call)
        for party in party_rows.get(template["id"], []):
            party = {**party, "call_id": call_id}
            party.pop("id")
            _shifted(party, delta, "joined_at", "left_at", "notice_at", "consent_at")
            batch["p"].append(party)
        if number % 5 == 0 and template["id"] in event_rows:
            with_events.append(call_id)
            for event in event_rows[template["id"]]:
                event = {**event, "call_id": call_id}
                event.pop("id")
                _shifted(event, delta, "occurred_at", "received_at")
                batch["e"].append(event)
        if len(batch["c"]) >= CHUNK:
            flush()
    flush()
    return with_events


def _serve(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CALLWARDEN_DATA_DIR": str(data_dir),
        "CALLWARDEN_BIND_PORT": str(port),
        "CALLWARDEN_LOG_LEVEL": "warning",
    }
    env.pop("CALLWARDEN_DATABASE_URL", None)
    command = [sys.executable, "-m", "callwarden", "serve"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_ready(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def _signed_in(base: str, username: str) -> httpx.Client:
    browser = httpx.Client(base_url=base, timeout=30)
    token = CSRF.search(browser.get("/sign-in").text)
    assert token is not None
    form = {"username": username, "password": PASSWORD, "csrf_token": token.group(1)}
    answer = browser.post("/sign-in", data=form)
    assert answer.status_code == 303, answer.text
    return browser


Probe = Callable[[int], httpx.Response]


def measure(probes: dict[str, Probe], requests: int, warm_up: int = 20) -> dict[str, list[float]]:
    """Each probe `requests` times, taking turns, after a warm-up; milliseconds per response."""
    for turn in range(warm_up):
        for probe in probes.values():
            probe(turn).raise_for_status()
    times: dict[str, list[float]] = {name: [] for name in probes}
    for turn in range(requests):
        for name, probe in probes.items():
            began = time.perf_counter()
            response = probe(turn)
            _ = response.content
            times[name].append((time.perf_counter() - began) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{name}: {response.status_code} {response.text[:200]}")
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="callwarden-console-bench-"))
    settings = Settings(data_dir=work / "var", log_level="warning")
    server = None
    try:
        initialise(settings)
        db = Database(settings.resolved_database_url)
        officer = _person(db, "compliance_officer", "cora")
        with db.unit_of_work() as session:
            pbx_user = identity.create_service_identity(session, SYSTEM, name="pbx")
        pbx = Principal(actor="user:pbx", role=Role.INTEGRATION, user_id=pbx_user.id)
        began = time.perf_counter()
        templates = _real_calls(settings, db, _token(db, pbx))
        sample = fill(db, templates, args.calls - len(templates))
        bearer = {"Authorization": f"Bearer {_token(db, officer)}"}
        db.dispose()
        print(f"filled {args.calls:,} calls in {time.perf_counter() - began:.0f} s (SQLite)")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = _serve(settings.data_dir, port)
        _wait_ready(base)
        browser = _signed_in(base, "cora")
        api = httpx.Client(base_url=base, headers=bearer, timeout=30)
        random.Random(5).shuffle(sample)

        def one(turn: int) -> str:
            return sample[turn % len(sample)]

        probes: dict[str, Probe] = {
            "console GET /calls": lambda turn: browser.get("/calls"),
            "API GET /v1/calls": lambda turn: api.get("/v1/calls"),
            "console GET /calls/{id}": lambda turn: browser.get(f"/calls/{one(turn)}"),
            "API GET /v1/calls/{id}": lambda turn: api.get(f"/v1/calls/{one(turn)}"),
            # No API twin: the home page gathers what needs attention from several lists.
            "console GET /home": lambda turn: browser.get("/home"),
        }
        listed = browser.get("/calls").text.count('<a class="mono" href="/calls/')
        assert listed == 100, f"the list page shows {listed} calls, not a full page of 100"
        times = measure(probes, args.requests)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"{args.requests} requests each, one at a time, real uvicorn (`callwarden serve`) on "
        "loopback; time = request sent to whole response read"
    )
    figures = {name: (statistics.median(v), percentile(v, 0.99)) for name, v in times.items()}
    for name, (p50, p99) in figures.items():
        print(f"  {name:<26} p50 {p50:6.1f} ms   p99 {p99:6.1f} ms")
    for page, twin in (("/calls", "/v1/calls"), ("/calls/{id}", "/v1/calls/{id}")):
        shown, api_time = figures[f"console GET {page}"], figures[f"API GET {twin}"]
        print(
            f"  ratio {page} / {twin}: p50 {shown[0] / api_time[0]:.2f}x, "
            f"p99 {shown[1] / api_time[1]:.2f}x (target <= 2x, page p99 <= 100 ms)"
        )


if __name__ == "__main__":
    main()
