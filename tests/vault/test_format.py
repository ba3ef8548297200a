"""Sealing and opening recordings: round trips, streaming inputs, random-access ranges."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callwarden.kit.errors import InvalidInput
from callwarden.vault.errors import RangeNotSatisfiable
from callwarden.vault.format import (
    HEADER_FIXED_SIZE,
    MAGIC,
    TAG_SIZE,
    Layout,
    new_data_key,
    parse_header,
    sealed_size,
)
from callwarden.vault.reading import (
    ReadAt,
    bytes_reader,
    decrypt_range,
    file_reader,
    open_sealed,
    verify,
)
from callwarden.vault.sealing import Sealer, encrypt_stream

RECORDING = "rec_01jtestrecording"


def seal(data: bytes, key: bytes, chunk_size: int, recording_id: str = RECORDING) -> bytes:
    sink = io.BytesIO()
    encrypt_stream(io.BytesIO(data), sink, key, recording_id, chunk_size=chunk_size)
    return sink.getvalue()


@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 1023, 1024, 1025, 4096, 10_000])
def test_round_trip_reports_the_hash_and_sizes_of_the_original(size: int) -> None:
    data, key = os.urandom(size), new_data_key()
    sink = io.BytesIO()
    result = encrypt_stream(io.BytesIO(data), sink, key, RECORDING, chunk_size=1024)
    blob = sink.getvalue()

    assert result.plaintext_sha256 == hashlib.sha256(data).hexdigest()
    assert result.plaintext_size == size
    assert result.ciphertext_size == len(blob) == sealed_size(size, RECORDING, 1024)
    assert result.chunk_count == max(1, -(-size // 1024))
    # The audio itself is not in the object (a few bytes may turn up anywhere by chance).
    assert size < 16 or data not in blob
    opened = open_sealed(bytes_reader(blob), len(blob), key, RECORDING)
    assert b"".join(opened) == data
    assert opened.plaintext_size == size
    checked = verify(
        bytes_reader(blob), len(blob), key, RECORDING, expected_sha256=result.plaintext_sha256
    )
    assert checked.plaintext_sha256 == result.plaintext_sha256


def test_sealing_twice_gives_different_bytes() -> None:
    """A fresh salt per object: equal audio under an equal key still seals differently."""
    data, key = b"same audio" * 100, new_data_key()
    assert seal(data, key, 64) != seal(data, key, 64)


def pieces(data: bytes, sizes: list[int]) -> Iterator[bytes]:
    position, index = 0, 0
    while position < len(data):
        step = sizes[index % len(sizes)]
        yield data[position : position + step]
        position, index = position + step, index + 1


@given(
    data=st.binary(max_size=5000),
    sizes=st.lists(st.integers(1, 700), min_size=1, max_size=8),
    chunk_size=st.integers(16, 600),
)
@settings(max_examples=150, deadline=None)
def test_any_piece_sizes_rechunk_to_the_same_plaintext(
    data: bytes, sizes: list[int], chunk_size: int
) -> None:
    key = new_data_key()
    sink = io.BytesIO()
    result = encrypt_stream(pieces(data, sizes), sink, key, RECORDING, chunk_size=chunk_size)
    blob = sink.getvalue()
    assert result.plaintext_sha256 == hashlib.sha256(data).hexdigest()
    assert b"".join(open_sealed(bytes_reader(blob), len(blob), key, RECORDING)) == data


def test_sealer_streams_into_a_consumer_and_reports_afterwards() -> None:
    data, key = os.urandom(3000), new_data_key()
    sealer = Sealer(key, RECORDING, 1000)
    blocks = list(sealer.seal([data]))
    assert [len(block) for block in blocks] == [len(sealer.header.raw)] + [1000 + TAG_SIZE] * 3
    assert sealer.result is not None and sealer.result.chunk_count == 3
    with pytest.raises(RuntimeError):
        list(sealer.seal([data]))


def test_header_layout_is_what_the_docs_say() -> None:
    blob = seal(b"x" * 100, new_data_key(), 64)
    assert blob[:7] == MAGIC and blob[7] == 1 and blob[8] == 1 and blob[9] == 0
    assert int.from_bytes(blob[10:14], "big") == 64
    assert blob[46] == len(RECORDING)
    header = parse_header(blob)
    assert header.recording_id == RECORDING
    assert len(header.raw) == HEADER_FIXED_SIZE + len(RECORDING) == 47 + len(RECORDING)
    layout = Layout.from_ciphertext_size(len(header.raw), 64, len(blob))
    assert (layout.chunk_count, layout.plaintext_size) == (2, 100)


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(InvalidInput):
        Sealer(b"short", RECORDING)
    with pytest.raises(InvalidInput):
        Sealer(new_data_key(), "")
    with pytest.raises(InvalidInput):
        Sealer(new_data_key(), RECORDING, chunk_size=8)


# --- random access -------------------------------------------------------------------------

KEY = new_data_key()
PLAIN = os.urandom(50_000)
BLOB = seal(PLAIN, KEY, 1000)


@given(st.data())
@settings(max_examples=300, deadline=None)
def test_any_range_decrypts_to_the_same_slice(data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(PLAIN)), label="start")
    end = data.draw(st.integers(start, len(PLAIN)), label="end")
    got = b"".join(decrypt_range(bytes_reader(BLOB), len(BLOB), KEY, RECORDING, start, end))
    assert got == PLAIN[start:end]


@given(
    plain=st.binary(max_size=3000),
    chunk_size=st.integers(16, 400),
    bounds=st.tuples(st.floats(0, 1), st.floats(0, 1)),
)
@settings(max_examples=200, deadline=None)
def test_ranges_hold_for_any_size_and_chunking(
    plain: bytes, chunk_size: int, bounds: tuple[float, float]
) -> None:
    key = new_data_key()
    blob = seal(plain, key, chunk_size)
    start, end = sorted(int(bound * len(plain)) for bound in bounds)
    got = b"".join(decrypt_range(bytes_reader(blob), len(blob), key, RECORDING, start, end))
    assert got == plain[start:end]


def counting(read_at: ReadAt, log: list[tuple[int, int]]) -> ReadAt:
    def wrapped(offset: int, length: int) -> bytes:
        log.append((offset, length))
        return read_at(offset, length)

    return wrapped


def test_a_range_reads_only_the_chunks_it_covers() -> None:
    reads: list[tuple[int, int]] = []
    opened = open_sealed(counting(bytes_reader(BLOB), reads), len(BLOB), KEY, RECORDING)
    opened_reads = len(reads)
    assert b"".join(opened.read_range(20_500, 21_700)) == PLAIN[20_500:21_700]
    range_reads = reads[opened_reads:]
    stride = 1000 + TAG_SIZE
    # chunks 20 and 21 only: two strides, read in one request
    assert range_reads == [(opened.layout.chunk_offset(20), 2 * stride)]
    # opening reads the header and authenticates the final chunk, nothing else
    assert sum(length for _, length in reads[:opened_reads]) < 1000 + 2 * stride


@pytest.mark.parametrize(("start", "end"), [(-1, 10), (10, 5), (0, 50_001), (50_001, 50_001)])
def test_ranges_outside_the_recording_are_refused(start: int, end: int) -> None:
    opened = open_sealed(bytes_reader(BLOB), len(BLOB), KEY, RECORDING)
    with pytest.raises(RangeNotSatisfiable) as caught:
        opened.read_range(start, end)
    assert caught.value.status == 416 and caught.value.extra["size"] == 50_000


def test_empty_ranges_and_the_empty_recording() -> None:
    assert list(decrypt_range(bytes_reader(BLOB), len(BLOB), KEY, RECORDING, 7, 7)) == []
    empty = seal(b"", KEY, 64)
    opened = open_sealed(bytes_reader(empty), len(empty), KEY, RECORDING)
    assert opened.plaintext_size == 0 and b"".join(opened) == b""


def test_file_reader_reads_a_sealed_file(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(tmp_path, "sealed")
    with open(path, "wb") as sink:
        encrypt_stream(io.BytesIO(PLAIN), sink, KEY, RECORDING, chunk_size=4096)
    with open(path, "rb") as source:
        size = os.fstat(source.fileno()).st_size
        got = b"".join(decrypt_range(file_reader(source), size, KEY, RECORDING, 123, 45_678))
    assert got == PLAIN[123:45_678]
