"""ITU-T G.711 µ-law and A-law, in numpy.

Telephone audio has passed through one of these two 8-bit companding codecs before it reaches a
recorder, so the test corpus must put synthetic audio through exactly the same quantisation to
show the detectors survive it. The bit manipulation follows the reference algorithms of G.711
(the same ones as the classic Sun `g711.c`); decoding is a 256-entry table and encoding a
65,536-entry table built once from the vectorised reference, so both are a single lookup.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray

_SEG_END_ULAW = np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF])
_SEG_END_ALAW = np.array([0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF])


def _ulaw_encode_reference(pcm16: NDArray[np.int64]) -> NDArray[np.uint8]:
    value = pcm16 >> 2  # 14-bit magnitude domain
    mask = np.where(value < 0, 0x7F, 0xFF)
    value = np.minimum(np.abs(value), 8159) + (0x84 >> 2)
    segment = np.searchsorted(_SEG_END_ULAW, value)
    code = (segment << 4) | ((value >> (segment + 1)) & 0xF)
    code = np.where(segment >= 8, 0x7F, code)
    return (code ^ mask).astype(np.uint8)


def _alaw_encode_reference(pcm16: NDArray[np.int64]) -> NDArray[np.uint8]:
    value = pcm16 >> 3  # 13-bit domain
    mask = np.where(value >= 0, 0xD5, 0x55)
    value = np.where(value >= 0, value, -value - 1)
    segment = np.searchsorted(_SEG_END_ALAW, value)
    shift = np.where(segment < 2, 1, segment)
    code = (segment << 4) | ((value >> shift) & 0xF)
    code = np.where(segment >= 8, 0x7F, code)
    return (code ^ mask).astype(np.uint8)


def _ulaw_decode_reference(code: NDArray[np.int64]) -> NDArray[np.int16]:
    inverted = ~code & 0xFF
    magnitude = (((inverted & 0x0F) << 3) + 0x84) << ((inverted & 0x70) >> 4)
    return np.where(inverted & 0x80, 0x84 - magnitude, magnitude - 0x84).astype(np.int16)


def _alaw_decode_reference(code: NDArray[np.int64]) -> NDArray[np.int16]:
    value = code ^ 0x55
    segment = (value & 0x70) >> 4
    magnitude = (value & 0x0F) << 4
    magnitude = np.where(
        segment == 0,
        magnitude + 8,
        (magnitude + 0x108) << np.maximum(segment - 1, 0),
    )
    return np.where(value & 0x80, magnitude, -magnitude).astype(np.int16)


@cache
def _tables(law: str) -> tuple[NDArray[np.uint8], NDArray[np.float32]]:
    every_pcm = np.arange(-32768, 32768, dtype=np.int64)
    every_code = np.arange(256, dtype=np.int64)
    if law == "ulaw":
        encode = _ulaw_encode_reference(every_pcm)
        decode = _ulaw_decode_reference(every_code)
    elif law == "alaw":
        encode = _alaw_encode_reference(every_pcm)
        decode = _alaw_decode_reference(every_code)
    else:
        raise ValueError(f"unknown companding law {law!r}; use 'ulaw' or 'alaw'")
    return encode, (decode.astype(np.float32) / 32768.0)


def _to_pcm16(samples: NDArray[np.floating]) -> NDArray[np.int64]:
    scaled = np.clip(np.rint(np.asarray(samples, dtype=np.float64) * 32768.0), -32768, 32767)
    return scaled.astype(np.int64)


def encode(samples: NDArray[np.floating], law: str) -> NDArray[np.uint8]:
    """Float samples in [-1, 1) to G.711 code bytes (out-of-range values clip, as a codec does)."""
    table, _ = _tables(law)
    return table[_to_pcm16(samples) + 32768]


def decode(codes: NDArray[np.uint8], law: str) -> NDArray[np.float32]:
    """G.711 code bytes to float32 samples in [-1, 1)."""
    _, table = _tables(law)
    return table[np.asarray(codes, dtype=np.uint8)]


def companded(samples: NDArray[np.floating], law: str) -> NDArray[np.float32]:
    """Round-trip through the codec: what the far end of a G.711 call actually hears."""
    return decode(encode(samples, law), law)
