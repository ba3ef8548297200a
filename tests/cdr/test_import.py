"""Importing call-detail files: our CSV layout and Twilio's export, malformed rows reported by
line with the rest imported, nothing duplicated on a second import, one audit event each."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from callwarden.cdr import service
from callwarden.cdr.formats import BadRow, CdrRow, Format, read
from callwarden.cli import app as cli
from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.models import AuditEvent, CdrRecord

OURS = """call_id,source,start,end,duration_s,from,to,direction,queue
pbx-1,pbx,2026-11-03T09:00:00Z,2026-11-03T09:05:00Z,,+441632960001,+441632960999,inbound,sales
pbx-2,,2026-11-03T10:00:00+01:00,,90,+441632960002,+441632960999,inbound,
pbx-3,pbx,yesterday,,,+441632960003,,inbound,
,pbx,2026-11-03T11:00:00Z,,,+441632960004,,inbound,
pbx-5,pbx,2026-11-03T12:00:00Z,2026-11-03T11:00:00Z,,,,outbound,
pbx-6,pbx,2026-11-03T12:00:00Z
pbx-1,pbx,2026-11-03T09:00:00Z,2026-11-03T09:05:00Z,,+441632960001,+441632960999,inbound,sales
"""
# Twilio's call-log export names its columns after the Call resource's properties.
TWILIO = """Sid,ParentCallSid,From,To,Direction,Status,StartTime,EndTime,Duration
CA0001,,+14155550100,+14155550199,inbound,completed,"Tue, 03 Nov 2026 09:00:00 +0000","Tue, 03 Nov 2026 09:02:00 +0000",120
CA0002,CA0001,+14155550199,+14155550177,outbound-dial,completed,2026-11-03 09:00:30,,60
CA0003,,+14155550101,+14155550199,inbound,busy,"Tue, 03 Nov 2026 09:10:00 +0000",,
"""


def _import(db: Database, text: str, layout: Format = "csv") -> service.ImportReport:
    with db.unit_of_work() as session:
        return service.import_lines(
            session,
            SYSTEM,
            text.splitlines(keepends=True),
            layout,
            "calls.csv",
        )


def test_our_layout_imports_the_good_rows_and_names_the_bad_by_line(db: Database) -> None:
    report = _import(db, OURS)

    assert [(bad.line, bad.problem) for bad in report.bad] == [
        (4, "'yesterday' is not a date and time (ISO 8601 or RFC 2822)"),
        (5, "no call_id"),
        (6, "the call ends before it starts"),
        (7, "3 fields where the header has 9"),
    ]
    assert (report.read, report.imported, report.duplicates) == (3, 2, 1)
    with db.reading() as session:
        rows = {r.external_id: r for r in session.execute(select(CdrRecord)).scalars()}
        event = session.execute(
            select(AuditEvent).where(AuditEvent.action == "cdr.imported")
        ).scalar_one()
        assert rows["pbx-1"].queue == "sales" and rows["pbx-1"].duration_s == 300
        assert rows["pbx-2"].source == "cdr"  # the default source
        assert rows["pbx-2"].started_at == datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
        assert rows["pbx-2"].ended_at == datetime(2026, 11, 3, 9, 1, 30, tzinfo=UTC)
        assert event.data["imported"] == 2 and event.data["malformed"] == 4
        assert event.data["problems"][0] == {"line": 4, "problem": report.bad[0].problem}


def test_importing_again_adds_nothing(db: Database) -> None:
    _import(db, OURS)
    again = _import(db, OURS)
    assert (again.imported, again.duplicates) == (0, 3)
    with db.reading() as session:
        assert session.execute(select(func.count()).select_from(CdrRecord)).scalar_one() == 2
        actions = session.execute(
            select(func.count()).where(AuditEvent.action == "cdr.imported")
        ).scalar_one()
    assert actions == 2  # one event per import, with its counts


def test_twilio_export_reads_rfc_2822_and_iso_times_and_the_parent_call(db: Database) -> None:
    report = _import(db, TWILIO, "twilio")
    assert report.bad == [] and report.imported == 3
    with db.reading() as session:
        rows = {r.external_id: r for r in session.execute(select(CdrRecord)).scalars()}
        assert {r.source for r in rows.values()} == {"twilio"}
        assert rows["CA0001"].ended_at == datetime(2026, 11, 3, 9, 2, tzinfo=UTC)
        assert rows["CA0002"].parent_external_id == "CA0001"
        assert rows["CA0002"].ended_at == datetime(2026, 11, 3, 9, 1, 30, tzinfo=UTC)
        assert rows["CA0003"].status == "busy"


def test_a_file_without_the_needed_columns_is_one_problem_on_line_1() -> None:
    assert list(read(["Sid,From\n", "CA1,+1\n"], "twilio")) == [
        BadRow(1, "the header lacks StartTime for the twilio layout")
    ]


def test_rows_are_read_as_a_stream() -> None:
    """An endless file yields its first rows at once: nothing waits for the end."""

    def endless() -> Iterator[str]:
        yield "call_id,start\n"
        for n in itertools.count():
            yield f"c{n},2026-11-03T09:00:00Z\n"

    first = list(itertools.islice(read(endless(), "csv"), 3))
    assert [row.external_id for row in first if isinstance(row, CdrRow)] == ["c0", "c1", "c2"]


def test_the_command_imports_and_reports(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "twilio.csv"
    path.write_text(TWILIO)
    env = {"CALLWARDEN_DATA_DIR": str(tmp_path / "data"), "CALLWARDEN_DATABASE_URL": db.url}
    runner = CliRunner()
    done = runner.invoke(cli, ["cdr", "import", str(path), "--format", "twilio"], env=env)
    assert done.exit_code == 0, done.output
    assert "3 imported, 0 already there, 0 malformed" in done.output
    bad = tmp_path / "ours.csv"
    bad.write_text(OURS)
    done = runner.invoke(cli, ["cdr", "import", str(bad), "--json"], env=env)
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["malformed"][0]["line"] == 4
    wrong = runner.invoke(cli, ["cdr", "import", str(bad), "--format", "xml"], env=env)
    assert wrong.exit_code != 0 and "--format must be one of csv, twilio" in wrong.output


def test_the_records_of_a_period_come_in_batches_with_none_lost_at_a_tie(db: Database) -> None:
    rows = "".join(f"t{n},pbx,2026-11-03T09:00:00Z\n" for n in range(5))
    _import(db, "call_id,source,start\n" + rows + "late,pbx,2026-11-04T09:00:00Z\n")
    start, end = datetime(2026, 11, 3, tzinfo=UTC), datetime(2026, 11, 4, tzinfo=UTC)
    with db.reading() as session:
        batches = [[r.external_id for r in b] for b in service.batches_in(session, start, end, 2)]
    assert [len(b) for b in batches] == [2, 2, 1]
    assert sorted(name for b in batches for name in b) == [f"t{n}" for n in range(5)]


def test_values_too_wide_or_absurd_are_bad_rows_not_cut_short() -> None:
    rows = list(
        read(
            [
                "call_id,start,duration_s,from\n",
                f"a,2026-11-03T09:00:00Z,,+{'1' * 80}\n",
                "b,2026-11-03T09:00:00Z,inf,\n",
                "c,2026-11-03T09:00:00Z,ten,\n",
                f"{'d' * 201},2026-11-03T09:00:00Z,,\n",
                "e,9999-12-31T23:59:59-01:00,,\n",
            ],
            "csv",
        )
    )
    assert [(r.line, r.problem) for r in rows if isinstance(r, BadRow)][:4] == [
        (2, "from is longer than 64 characters"),
        (3, "duration inf is not between 0 and ten days"),
        (4, "duration 'ten' is not a number of seconds"),
        (5, "call_id is longer than 200 characters"),
    ]
    assert len(rows) == 5 and all(isinstance(r, BadRow) for r in rows)


def test_twilio_call_sid_is_read_under_its_other_spellings() -> None:
    [row] = read(["Call Sid,Start Time,Status\n", "CA9,2026-11-03T09:00:00Z,completed\n"], "twilio")
    assert isinstance(row, CdrRow) and (row.external_id, row.status) == ("CA9", "completed")
