"""Recordings: what goes in comes back exactly, files rotate by size and age, a torn or
corrupt file reads up to the damage, and a file that is not a recording says so."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest

from wallboard.core.day_engine import DayEngine
from wallboard.core.day_metrics import ThresholdTable
from wallboard.core.snapshot import Snapshot
from wallboard.sim.centre import CallCentre
from wallboard.sources.recording import (
    FORMAT_VERSION,
    RecordedFailure,
    RecordingError,
    RecordingReader,
    RecordingWriter,
    read_header,
    rotated_files,
    scan,
)

from .accuracy import DAY_START
from .sim_feed import UTC_CALENDAR, snapshots

INTERVAL = 2.0
START = DAY_START + 9 * 3600


def write(path: Path, records: list, **options) -> RecordingWriter:
    options.setdefault("max_bytes", 1 << 30)
    options.setdefault("keep_days", 14)
    writer = RecordingWriter(path, interval_s=INTERVAL, **options)
    for record in records:
        if isinstance(record, Snapshot):
            writer.record_snapshot(record)
        else:
            writer.record_failure(record.at, record.kind, record.message, record.retry_in_s)
        # The queue is bounded: a test writing thousands at once lets the writer keep up.
        deadline = time.monotonic() + 10
        while writer._queue.qsize() > 32 and time.monotonic() < deadline:
            time.sleep(0.001)
    assert writer.close(30)
    assert writer.dropped == 0
    return writer


def read(path: Path) -> tuple[list, RecordingReader]:
    reader = RecordingReader(path)
    return list(reader.records()), reader


def sim_polls(minutes: float, seed: int = 3, agents: int = 40) -> list[Snapshot]:
    centre = CallCentre(seed=seed, agents=agents, start=START)
    return list(snapshots(centre, START, START + minutes * 60, INTERVAL))


def same_snapshot(got: Snapshot, want: Snapshot) -> None:
    assert got.fetched_at == want.fetched_at
    assert got.clock_offset_s == want.clock_offset_s
    assert got.latency_s == want.latency_s
    assert got.skipped == want.skipped
    assert got.extensions == want.extensions
    assert got.queues == want.queues


def test_a_recorded_half_hour_comes_back_exactly_and_counts_the_same_day(tmp_path):
    polls = sim_polls(30)
    failure = RecordedFailure(polls[10].fetched_at + 1, "network", "connection refused", 4.0)
    records = [*polls[:11], failure, *polls[11:]]
    path = tmp_path / "day.rec"
    write(path, records)
    back, reader = read(path)
    assert reader.damage is None
    assert reader.count == len(records)
    assert back[11] == failure
    for got, want in zip([r for r in back if isinstance(r, Snapshot)], polls, strict=True):
        same_snapshot(got, want)
    live = DayEngine(UTC_CALENDAR, ThresholdTable(), INTERVAL)
    again = DayEngine(UTC_CALENDAR, ThresholdTable(), INTERVAL)
    for snap in polls:
        live.apply(snap)
    for record in back:
        if isinstance(record, Snapshot):
            again.apply(record)
    end = polls[-1].fetched_at
    assert again.report(end) == live.report(end)
    assert sum(q["answered"] for q in live.report(end)["queues"]) > 20


def test_unchanged_agents_cost_almost_nothing(tmp_path):
    polls = sim_polls(10, agents=200)
    path = tmp_path / "quiet.rec"
    write(path, polls)
    whole = len(gzip.compress(b"".join(_api_json(p) for p in polls)))
    # Items unchanged since the last poll are written as an index: far below the answers.
    assert path.stat().st_size < whole / 3


def _api_json(snapshot: Snapshot) -> bytes:
    import orjson

    return orjson.dumps(
        [e.model_dump(by_alias=True, mode="json") for e in snapshot.extensions]
        + [q.model_dump(by_alias=True, mode="json") for q in snapshot.queues]
    )


def test_a_torn_tail_reads_up_to_the_last_whole_poll(tmp_path):
    polls = sim_polls(2)
    path = tmp_path / "torn.rec"
    write(path, polls)
    data = path.read_bytes()
    path.write_bytes(data[:-7])  # the crash came while the last poll was being written
    back, reader = read(path)
    assert len(back) == len(polls) - 1
    damage = reader.damage
    assert damage is not None and damage.reason == "cut short"
    assert damage.record == len(polls)
    assert damage.last_good_utc == polls[-2].fetched_at
    last_member = len(data) - len(_last_member(polls))
    assert damage.offset == last_member
    assert f"at byte {last_member} (record {len(polls)}, after " in damage.describe()
    # The quick reading (for replay's --from/--to) finds the same span and damage.
    span = scan(path)
    assert (span.first_utc, span.last_utc) == (polls[0].fetched_at, polls[-2].fetched_at)
    assert span.count == len(polls) - 1 and span.damage == damage


def _last_member(polls: list[Snapshot]) -> bytes:
    from wallboard.sources.recording import RecordEncoder

    encoder = RecordEncoder()
    for snap in polls[:-1]:
        encoder.snapshot(snap)
    return encoder.snapshot(polls[-1])


def test_a_corrupt_byte_stops_the_reading_there_and_says_where(tmp_path):
    polls = sim_polls(2)
    path = tmp_path / "bad.rec"
    write(path, polls)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle] ^= 0xFF
    path.write_bytes(bytes(data))
    back, reader = read(path)
    assert 0 < len(back) < len(polls)
    assert reader.damage is not None
    assert reader.damage.offset <= middle
    assert reader.damage.record == len(back) + 1
    assert "damaged" in reader.damage.reason


def test_a_writer_continues_a_good_file_and_moves_a_damaged_one_aside(tmp_path):
    polls = sim_polls(2)
    path = tmp_path / "run.rec"
    write(path, polls[:20])
    write(path, polls[20:])  # a restart: appended, the first poll written whole
    back, reader = read(path)
    assert reader.damage is None and len(back) == len(polls)
    for got, want in zip(back, polls, strict=True):
        same_snapshot(got, want)
    path.write_bytes(path.read_bytes()[:-5])  # then a crash tore the tail
    write(path, polls[:3])
    aside = [p for p in tmp_path.iterdir() if "damaged" in p.name]
    assert len(aside) == 1
    assert len(read(aside[0])[0]) == len(polls) - 1
    back, reader = read(path)
    assert reader.damage is None and len(back) == 3


def test_files_rotate_by_size_and_old_ones_are_deleted_by_age(tmp_path):
    polls = sim_polls(6)
    path = tmp_path / "size.rec"
    write(path, polls, max_bytes=20_000)
    rotated = rotated_files(path)
    assert len(rotated) >= 2
    total = 0
    for part in [*rotated, path]:
        back, reader = read(part)
        assert reader.damage is None and back
        assert isinstance(back[0], Snapshot)  # each file starts with a whole snapshot
        total += len(back)
    assert total == len(polls)
    assert all(p.stat().st_size < 20_000 + 60_000 for p in rotated)
    # Ten days on, with one day's keeping, the old files go; a day later files rotate by age.
    later = polls[-1].fetched_at + 10 * 86_400
    days = [later, later + 86_400, later + 3 * 86_400]
    write(path, [_moved(polls[i], at) for i, at in enumerate(days)], keep_days=1)
    left = rotated_files(path)
    assert all(p not in left for p in rotated)
    # Each file closed when its day was over; only the one closed a moment ago is kept.
    assert len(left) == 1
    assert [r.fetched_at for r in read(left[0])[0]] == [later + 86_400]
    assert [r.fetched_at for r in read(path)[0]] == [later + 3 * 86_400]


def _moved(snapshot: Snapshot, at: float) -> Snapshot:
    from dataclasses import replace

    return replace(snapshot, fetched_at=at)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no recording at {path}"),
        (b"hello, world\n", "{path} is not a wallboard recording"),
        (gzip.compress(b'{"something": 1}\n'), "{path} is not a wallboard recording"),
        (
            gzip.compress(b'{"wallboard_recording": 99, "created_at": 1, "interval_s": 2}\n'),
            "{path} is a recording in format 99; this wallboard reads format "
            f"{FORMAT_VERSION}: upgrade wallboard to replay it",
        ),
    ],
    ids=["missing", "text", "other-gzip", "newer"],
)
def test_what_is_not_a_readable_recording_says_so(tmp_path, content, message):
    path = tmp_path / "x.rec"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RecordingError) as caught:
        read_header(path)
    assert str(caught.value) == message.format(path=path)


def test_a_failing_disk_is_said_and_writing_resumes_when_it_is_fixed(tmp_path):
    polls = sim_polls(1)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the recording's directory should be")
    path = blocker / "day.rec"
    writer = RecordingWriter(path, interval_s=INTERVAL, max_bytes=1 << 30, keep_days=1)
    writer.record_snapshot(polls[0])
    deadline = time.monotonic() + 10
    while writer.problem is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert writer.problem is not None
    assert writer.problem.startswith(f"recording to {path} failed: ")
    blocker.unlink()
    writer.record_snapshot(polls[1])
    assert writer.close(10)
    assert writer.problem is None
    back, reader = read(path)
    assert reader.damage is None and len(back) == 1  # a whole snapshot, readable alone
    same_snapshot(back[0], polls[1])


def test_a_stalled_writer_leaves_polls_out_and_says_so_instead_of_queueing_them(tmp_path):
    import threading

    release = threading.Event()

    class Stalled(RecordingWriter):
        def _write(self, record):
            release.wait(10)
            super()._write(record)

    polls = sim_polls(1)
    writer = Stalled(
        tmp_path / "slow.rec", interval_s=INTERVAL, max_bytes=1 << 30, keep_days=1, max_pending=3
    )
    for snap in polls[:10]:
        writer.record_snapshot(snap)
    assert writer.dropped >= 6
    assert writer.problem == f"recording: {writer.dropped} poll(s) left out (the disk is too slow)"
    release.set()
    assert writer.close(10)
    back, reader = read(tmp_path / "slow.rec")
    assert reader.damage is None and len(back) == 10 - writer.dropped
