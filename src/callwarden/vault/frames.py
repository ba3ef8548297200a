"""Where the audio really ends: the last whole FLAC frame or Ogg page in the tail of an upload.

A header can promise more audio than the file carries (an upload cut short), and a stream's
header may not say how long it is at all. FLAC frames and Ogg pages carry their own position
and checksum, so the last one in the file says where the audio stops and whether the file
ends cleanly or inside a frame. Only the tail the sniffer keeps is read; nothing is decoded.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

# A false frame header inside the last frame's data is possible (1 in 256 passes the header's
# CRC-8); a few candidates are tried before the file is called cut.
_FLAC_CANDIDATES = 3
_FLAC_BLOCK_SIZES = {1: 192, 2: 576, 3: 1152, 4: 2304, 5: 4608} | {
    code: 256 << (code - 8) for code in range(8, 16)
}


def _crc_table(polynomial: int, width: int) -> tuple[int, ...]:
    top, mask = 1 << (width - 1), (1 << width) - 1
    table = []
    for byte in range(256):
        crc = byte << (width - 8)
        for _ in range(8):
            crc = (crc << 1) ^ polynomial if crc & top else crc << 1
        table.append(crc & mask)
    return tuple(table)


_CRC8, _CRC16, _CRC32 = _crc_table(0x07, 8), _crc_table(0x8005, 16), _crc_table(0x04C11DB7, 32)


def _crc(data: bytes, table: tuple[int, ...], width: int) -> int:
    """The unreflected CRC FLAC (CRC-8, CRC-16) and Ogg (CRC-32) use, initial value zero."""
    crc, shift, mask = 0, width - 8, (1 << width) - 1
    for byte in data:
        crc = ((crc << 8) & mask) ^ table[((crc >> shift) ^ byte) & 0xFF]
    return crc


@dataclass(frozen=True, slots=True)
class FlacEnd:
    """The last FLAC frame header found: where its samples start, and whether it is whole."""

    first_sample: int
    block_size: int
    complete: bool

    @property
    def end_sample(self) -> int:
        return self.first_sample + self.block_size


def _coded_number(data: bytes, position: int) -> tuple[int, int] | None:
    """FLAC's UTF-8-like frame or sample number: its value and the position after it."""
    first = data[position]
    if first < 0x80:
        return first, position + 1
    length, bit = 0, 0x80
    while first & bit:
        length, bit = length + 1, bit >> 1
    if length < 2 or length > 7 or position + length > len(data):
        return None
    value = first & (bit - 1)
    for byte in data[position + 1 : position + length]:
        if byte & 0xC0 != 0x80:
            return None
        value = (value << 6) | (byte & 0x3F)
    return value, position + length


def _flac_header(
    data: bytes, position: int, channels: int, fixed_block: int
) -> tuple[int, int] | None:
    """(first sample, block size) if a frame header with a valid CRC-8 starts here."""
    if position + 6 > len(data) or data[position + 1] & 0xFE != 0xF8:
        return None
    size_code, rate_code = data[position + 2] >> 4, data[position + 2] & 0x0F
    assignment, reserved = data[position + 3] >> 4, data[position + 3] & 1
    if size_code == 0 or rate_code == 15 or reserved or assignment > 10:
        return None
    if (assignment + 1 if assignment < 8 else 2) != channels:
        return None
    coded = _coded_number(data, position + 4)
    if coded is None:
        return None
    number, at = coded
    if size_code in (6, 7):
        width = size_code - 5
        block = int.from_bytes(data[at : at + width], "big") + 1
        at += width
    else:
        block = _FLAC_BLOCK_SIZES[size_code]
    at += {12: 1, 13: 2, 14: 2}.get(rate_code, 0)
    if at >= len(data) or _crc(data[position:at], _CRC8, 8) != data[at]:
        return None
    variable = data[position + 1] & 1
    return (number if variable else number * fixed_block), block


def last_flac_frame(tail: bytes, start: int, channels: int, fixed_block: int) -> FlacEnd | None:
    """The last frame in `tail[start:]`, checked whole by its CRC-16 up to the end of the file."""
    if tail[-128:-125] == b"TAG":  # an ID3v1 tag some tools append
        tail = tail[:-128]
    position, candidates, latest = len(tail), 0, None
    while candidates < _FLAC_CANDIDATES:
        position = tail.rfind(b"\xff", start, position)
        if position < 0:
            break
        header = _flac_header(tail, position, channels, fixed_block)
        if header is None:
            continue
        candidates += 1
        first_sample, block = header
        footer = tail[-2:]
        if (
            len(tail) - position > 2
            and _crc(tail[position:-2], _CRC16, 16).to_bytes(2, "big") == footer
        ):
            return FlacEnd(first_sample, block, complete=True)
        latest = latest or FlacEnd(first_sample, block, complete=False)
    return latest


@dataclass(frozen=True, slots=True)
class OggEnd:
    """The last whole Ogg page: its granule position, and whether the file ends with it."""

    granule: int
    complete: bool


def last_ogg_page(tail: bytes) -> OggEnd | None:
    """The last page in `tail` whose CRC-32 holds; `complete` if nothing follows it."""
    position = len(tail)
    while (position := tail.rfind(b"OggS", 0, position)) >= 0:
        if position + 27 > len(tail) or tail[position + 4] != 0:
            continue
        segments = tail[position + 26]
        table_end = position + 27 + segments
        if table_end > len(tail):
            continue
        page_end = table_end + sum(tail[position + 27 : table_end])
        if page_end > len(tail):
            continue
        page = tail[position:page_end]
        unsummed = page[:22] + bytes(4) + page[26:]
        if _crc(unsummed, _CRC32, 32) != struct.unpack_from("<I", page, 22)[0]:
            continue
        granule = struct.unpack_from("<q", page, 6)[0]
        return OggEnd(granule, complete=page_end == len(tail))
    return None
