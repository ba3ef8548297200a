"""Every way of altering a sealed object is caught, and each is reported for what it is."""

from __future__ import annotations

import io

import pytest

from callwarden.vault.errors import (
    MalformedObject,
    TamperedChunk,
    VaultIntegrityError,
    WrongDataKey,
    WrongRecording,
)
from callwarden.vault.format import HEADER_FIXED_SIZE, Layout, new_data_key
from callwarden.vault.reading import bytes_reader, decrypt_range, open_sealed, verify
from callwarden.vault.sealing import encrypt_stream

CHUNK = 32
ALICE, BOB = "rec_alice", "rec_bobby"  # same length, so their headers have the same size
AUDIO_A = bytes(range(100))  # 4 chunks: 32 + 32 + 32 + 4
AUDIO_B = bytes(range(100, 200))


def seal(data: bytes, key: bytes, recording_id: str) -> bytes:
    sink = io.BytesIO()
    encrypt_stream(io.BytesIO(data), sink, key, recording_id, chunk_size=CHUNK)
    return sink.getvalue()


KEY_A, KEY_B = new_data_key(), new_data_key()
BLOB_A = seal(AUDIO_A, KEY_A, ALICE)
BLOB_B = seal(AUDIO_B, KEY_B, BOB)
HEADER = HEADER_FIXED_SIZE + len(ALICE)
LAYOUT = Layout.from_ciphertext_size(HEADER, CHUNK, len(BLOB_A))


def chunk(blob: bytes, index: int) -> bytes:
    start = LAYOUT.chunk_offset(index)
    return blob[start : start + LAYOUT.chunk_stored_size(index)]


def full_read(blob: bytes, key: bytes = KEY_A, recording_id: str = ALICE) -> bytes:
    opened = open_sealed(bytes_reader(blob), len(blob), key, recording_id)
    return b"".join(opened.read_range(0, opened.plaintext_size))


def test_the_untouched_object_opens() -> None:
    assert LAYOUT.chunk_count == 4
    assert full_read(BLOB_A) == AUDIO_A
    verify(bytes_reader(BLOB_A), len(BLOB_A), KEY_A, ALICE)


@pytest.mark.parametrize("position", range(len(BLOB_A)))
def test_flipping_any_single_bit_anywhere_is_detected(position: int) -> None:
    """Header, ciphertext and tag alike: every byte of the object is authenticated."""
    altered = bytearray(BLOB_A)
    altered[position] ^= 0x01
    with pytest.raises(VaultIntegrityError):
        verify(bytes_reader(bytes(altered)), len(altered), KEY_A, ALICE)
    with pytest.raises(VaultIntegrityError):
        full_read(bytes(altered))


def test_a_flipped_chunk_names_the_chunk() -> None:
    altered = bytearray(BLOB_A)
    altered[LAYOUT.chunk_offset(2) + 5] ^= 0xFF
    with pytest.raises(TamperedChunk) as caught:
        verify(bytes_reader(bytes(altered)), len(altered), KEY_A, ALICE)
    assert caught.value.extra["chunk_index"] == 2
    # a range that does not touch chunk 2 still reads: random access verifies what it reads
    assert (
        b"".join(decrypt_range(bytes_reader(bytes(altered)), len(altered), KEY_A, ALICE, 0, 64))
        == AUDIO_A[:64]
    )


@pytest.mark.parametrize(
    ("position", "error"),
    [
        (0, MalformedObject),  # magic
        (7, MalformedObject),  # format version
        (8, MalformedObject),  # cipher suite
        (9, MalformedObject),  # reserved flags
        (13, VaultIntegrityError),  # chunk size: layout no longer fits or chunks fail
        (20, WrongDataKey),  # salt
        (35, WrongDataKey),  # key check
        (47, WrongRecording),  # recording id
    ],
)
def test_header_fields_fail_with_the_matching_error(
    position: int, error: type[VaultIntegrityError]
) -> None:
    altered = bytearray(BLOB_A)
    altered[position] ^= 0x04
    with pytest.raises(error):
        open_sealed(bytes_reader(bytes(altered)), len(altered), KEY_A, ALICE)


def test_swapping_two_chunks_is_detected() -> None:
    swapped = (
        BLOB_A[:HEADER] + chunk(BLOB_A, 1) + chunk(BLOB_A, 0) + BLOB_A[LAYOUT.chunk_offset(2) :]
    )
    assert len(swapped) == len(BLOB_A)
    with pytest.raises(TamperedChunk) as caught:
        verify(bytes_reader(swapped), len(swapped), KEY_A, ALICE)
    assert caught.value.extra["chunk_index"] == 0
    with pytest.raises(TamperedChunk):
        b"".join(decrypt_range(bytes_reader(swapped), len(swapped), KEY_A, ALICE, 40, 50))


def test_dropping_the_last_chunk_is_caught_at_open() -> None:
    truncated = BLOB_A[: LAYOUT.chunk_offset(3)]
    with pytest.raises(TamperedChunk, match="truncated") as caught:
        # even a reader that only wants the first bytes is refused
        open_sealed(bytes_reader(truncated), len(truncated), KEY_A, ALICE)
    assert caught.value.extra["chunk_index"] == 2
    with pytest.raises(TamperedChunk, match="truncated"):
        verify(bytes_reader(truncated), len(truncated), KEY_A, ALICE)


@pytest.mark.parametrize("cut", range(1, len(BLOB_A)))
def test_cutting_the_object_anywhere_is_detected(cut: int) -> None:
    truncated = BLOB_A[:-cut]
    with pytest.raises(VaultIntegrityError):
        open_sealed(bytes_reader(truncated), len(truncated), KEY_A, ALICE)


def test_appending_a_chunk_is_detected() -> None:
    for extra in (chunk(BLOB_A, 0), chunk(BLOB_A, 3), chunk(BLOB_B, 0), b"\0" * 48):
        extended = BLOB_A + extra
        with pytest.raises(VaultIntegrityError):
            open_sealed(bytes_reader(extended), len(extended), KEY_A, ALICE)
        with pytest.raises(VaultIntegrityError):
            verify(bytes_reader(extended), len(extended), KEY_A, ALICE)


def test_verify_says_data_was_appended_after_the_real_end() -> None:
    # full chunk 3 padded: old final chunk re-read as a middle chunk opens only as "last"
    padded_a = seal(AUDIO_A[:96], KEY_A, ALICE)
    layout = Layout.from_ciphertext_size(HEADER, CHUNK, len(padded_a))
    extended = padded_a + padded_a[layout.chunk_offset(0) : layout.chunk_offset(1)]
    with pytest.raises(TamperedChunk, match="appended") as caught:
        verify(bytes_reader(extended), len(extended), KEY_A, ALICE)
    assert caught.value.extra["chunk_index"] == 2


def test_another_recordings_object_is_refused() -> None:
    # Bob's object filed under Alice's row (her id, her key)
    with pytest.raises(WrongRecording):
        open_sealed(bytes_reader(BLOB_B), len(BLOB_B), KEY_A, ALICE)
    # ...even with Bob's header relabelled to say Alice: the key check fails
    relabelled = BLOB_B.replace(BOB.encode(), ALICE.encode(), 1)
    with pytest.raises(WrongDataKey):
        open_sealed(bytes_reader(relabelled), len(relabelled), KEY_A, ALICE)


def test_splicing_a_chunk_from_another_recording_is_detected() -> None:
    spliced = BLOB_A[: LAYOUT.chunk_offset(1)] + chunk(BLOB_B, 1) + BLOB_A[LAYOUT.chunk_offset(2) :]
    with pytest.raises(TamperedChunk) as caught:
        verify(bytes_reader(spliced), len(spliced), KEY_A, ALICE)
    assert caught.value.extra["chunk_index"] == 1


def test_splicing_is_detected_even_if_a_data_key_were_reused() -> None:
    """Defence in depth: the recording id is in the key derivation and every chunk's AAD."""
    other = seal(AUDIO_B, KEY_A, BOB)
    spliced = BLOB_A[: LAYOUT.chunk_offset(1)] + chunk(other, 1) + BLOB_A[LAYOUT.chunk_offset(2) :]
    with pytest.raises(TamperedChunk):
        verify(bytes_reader(spliced), len(spliced), KEY_A, ALICE)
    # two objects of the *same* recording and key: chunks do not move between them either
    again = seal(AUDIO_B, KEY_A, ALICE)
    mixed = BLOB_A[: LAYOUT.chunk_offset(1)] + chunk(again, 1) + BLOB_A[LAYOUT.chunk_offset(2) :]
    with pytest.raises(TamperedChunk):
        verify(bytes_reader(mixed), len(mixed), KEY_A, ALICE)


def test_the_wrong_data_key_is_named_as_such() -> None:
    with pytest.raises(WrongDataKey):
        open_sealed(bytes_reader(BLOB_A), len(BLOB_A), KEY_B, ALICE)
    with pytest.raises(WrongDataKey):
        verify(bytes_reader(BLOB_A), len(BLOB_A), new_data_key(), ALICE)


def test_a_destroyed_key_leaves_nothing_to_try() -> None:
    """Crypto-shredding: without the data key no key opens the object (spot check 100 keys)."""
    for _ in range(100):
        with pytest.raises(WrongDataKey):
            open_sealed(bytes_reader(BLOB_A), len(BLOB_A), new_data_key(), ALICE)


@pytest.mark.parametrize("blob", [b"", b"CWVAULT", b"not a vault object at all" * 4, b"\0" * 200])
def test_garbage_is_malformed(blob: bytes) -> None:
    with pytest.raises(MalformedObject):
        open_sealed(bytes_reader(blob), len(blob), KEY_A, ALICE)


def test_verify_compares_with_the_recorded_hash_and_size() -> None:
    with pytest.raises(VaultIntegrityError, match="sha256"):
        verify(bytes_reader(BLOB_A), len(BLOB_A), KEY_A, ALICE, expected_sha256="0" * 64)
    with pytest.raises(VaultIntegrityError, match="expected 99"):
        verify(bytes_reader(BLOB_A), len(BLOB_A), KEY_A, ALICE, expected_size=99)


def test_a_store_returning_short_reads_is_reported() -> None:
    def short(offset: int, length: int) -> bytes:
        return BLOB_A[offset : offset + max(0, length - 1)] if offset >= HEADER else BLOB_A[:length]

    with pytest.raises(MalformedObject, match="shorter"):
        verify(short, len(BLOB_A), KEY_A, ALICE)
