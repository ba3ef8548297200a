"""What kind of audio an upload is, read from its first and last bytes while it streams past.

Intake never holds a whole recording, so it cannot hand the file to a decoder. Instead a
`MediaSniffer` keeps the first and last 64 KiB it sees and parses the container headers itself:
WAV (PCM, µ-law, A-law, float), FLAC (STREAMINFO) and Ogg (Opus or Vorbis: channel count from
the first page, duration from the last page's granule position). Anything else, a header
that does not hold together, or a file shorter than its header says (an upload cut short), is
refused before the upload is acknowledged. A streaming header that leaves the length unknown
(WAV sizes 0 or 0xFFFFFFFF, FLAC total samples 0) is measured from what actually arrived.
"""

from __future__ import annotations

import struct
from collections import deque
from dataclasses import dataclass

from callwarden.kit.errors import InvalidInput
from callwarden.vault.frames import last_flac_frame, last_ogg_page

WINDOW = 64 * 1024
MAX_CHANNELS = 16
MIN_RATE, MAX_RATE = 4000, 192_000
MAX_DURATION_S = 24 * 3600
WAV_CODECS = {1: "pcm", 3: "float", 6: "alaw", 7: "ulaw"}
WAV_SAMPLE_BITS = {"pcm": (8, 16, 24, 32), "float": (32, 64), "alaw": (8,), "ulaw": (8,)}
STREAMING_SIZES = (0, 0xFFFFFFFF)  # what a WAV writer that cannot seek back leaves as the size


@dataclass(frozen=True, slots=True)
class MediaInfo:
    format: str
    codec: str
    sample_rate: int
    channels: int
    duration_s: float
    content_type: str


class MediaSniffer:
    """Watches a byte stream go by; `info()` at the end says what it was."""

    def __init__(self) -> None:
        self.head = bytearray()
        self._recent: deque[bytes] = deque()
        self._recent_size = 0
        self.size = 0

    def feed(self, piece: bytes) -> None:
        """Keep references to the last pieces (no copying on the hot path)."""
        self.size += len(piece)
        if len(self.head) < WINDOW:
            self.head += piece[: WINDOW - len(self.head)]
        self._recent.append(piece)
        self._recent_size += len(piece)
        while self._recent_size - len(self._recent[0]) >= WINDOW:
            self._recent_size -= len(self._recent.popleft())

    @property
    def tail(self) -> bytes:
        return b"".join(self._recent)[-WINDOW:]

    def check_start(self) -> None:
        """Refuse early (before the body is stored) when the start is no audio we take."""
        if len(self.head) >= 4 and bytes(self.head[:4]) not in {b"RIFF", b"fLaC", b"OggS"}:
            raise InvalidInput(
                "not a supported audio file: send WAV (PCM, µ-law, A-law), FLAC or Ogg Opus"
            )

    def info(self) -> MediaInfo:
        head = bytes(self.head)
        if head.startswith(b"RIFF"):
            found = _wav(head, self.size)
        elif head.startswith(b"fLaC"):
            found = _flac(head, self.tail, self.size)
        elif head.startswith(b"OggS"):
            found = _ogg(head, self.tail)
        else:
            raise InvalidInput(
                "not a supported audio file: send WAV (PCM, µ-law, A-law), FLAC or Ogg Opus"
            )
        return _plausible(found)


def _plausible(info: MediaInfo) -> MediaInfo:
    if not 1 <= info.channels <= MAX_CHANNELS:
        raise InvalidInput(f"{info.channels} channels is not plausible for a call recording")
    if not MIN_RATE <= info.sample_rate <= MAX_RATE:
        raise InvalidInput(f"sample rate {info.sample_rate} Hz is not plausible audio")
    if not 0 < info.duration_s <= MAX_DURATION_S:
        raise InvalidInput(
            f"duration {info.duration_s:.1f} s is not plausible (empty or truncated file?)"
        )
    return info


def _wav(head: bytes, total: int) -> MediaInfo:
    if len(head) < 12 or head[8:12] != b"WAVE":
        raise InvalidInput("RIFF file is not WAVE audio")
    position, fmt = 12, None
    while position + 8 <= len(head):
        chunk_id, length = (
            head[position : position + 4],
            struct.unpack_from("<I", head, position + 4)[0],
        )
        body = position + 8
        if chunk_id == b"fmt ":
            if length < 16 or body + 16 > len(head):
                raise InvalidInput("WAV fmt chunk is truncated")
            fmt = struct.unpack_from("<HHIIHH", head, body)
            if fmt[0] == 0xFFFE and length >= 26:
                fmt = (struct.unpack_from("<H", head, body + 24)[0], *fmt[1:])
        elif chunk_id == b"data":
            if fmt is None:
                raise InvalidInput("WAV data chunk comes before its fmt chunk")
            codec_id, channels, rate, byte_rate, block_align, bits = fmt
            codec = WAV_CODECS.get(codec_id)
            if codec is None:
                raise InvalidInput(
                    f"WAV codec {codec_id} is not supported (PCM, µ-law, A-law, float)"
                )
            if byte_rate <= 0 or block_align <= 0:
                raise InvalidInput("WAV header has a zero byte rate")
            if bits not in WAV_SAMPLE_BITS[codec] or block_align != channels * (bits // 8):
                raise InvalidInput(
                    f"WAV header does not hold together: {bits}-bit {codec} samples in "
                    f"{block_align}-byte frames of {channels} channels"
                )
            available = max(0, total - body)
            declared = length if length not in STREAMING_SIZES else available
            if declared > available and rate:
                seconds = block_align * rate
                raise InvalidInput(
                    f"the WAV header declares {declared / seconds:.1f} s of audio ({declared} "
                    f"bytes) but the file carries {available / seconds:.1f} s ({available} "
                    "bytes): truncated upload?"
                )
            frames = declared // block_align
            return MediaInfo(
                "wav", codec, rate, channels, frames / rate if rate else 0.0, "audio/wav"
            )
        position = body + length + (length & 1)
    raise InvalidInput("WAV file has no fmt/data chunks in its first 64 KiB")


def _flac(head: bytes, tail: bytes, size: int) -> MediaInfo:
    if len(head) < 42 or head[4] & 0x7F != 0:
        raise InvalidInput("FLAC file does not start with STREAMINFO")
    fixed_block = int.from_bytes(head[10:12], "big")
    bits = int.from_bytes(head[18:26], "big")
    rate = bits >> 44
    channels = ((bits >> 41) & 0x7) + 1
    declared = bits & ((1 << 36) - 1)  # 0: unknown, as a stream writes it
    if rate == 0:
        raise InvalidInput("FLAC STREAMINFO has a zero sample rate")
    frames_from = _flac_audio_start(head)
    start = max(0, frames_from - (size - len(tail))) if frames_from is not None else 0
    last = last_flac_frame(tail, start, channels, fixed_block)
    if last is None:
        if declared == 0 or size <= WINDOW:
            raise InvalidInput("the FLAC file has no audio frames at its end: truncated upload?")
        samples = declared  # frames larger than the tail kept: nothing to measure against
    elif not last.complete:
        raise InvalidInput(
            f"the FLAC file ends inside a frame, {last.first_sample / rate:.1f} s in"
            f"{_of_declared(declared, rate)}: truncated upload?"
        )
    elif declared and last.end_sample < declared:
        raise InvalidInput(
            f"the FLAC header declares {declared / rate:.1f} s of audio but the file ends after "
            f"{last.end_sample / rate:.1f} s: truncated upload?"
        )
    else:
        samples = declared or last.end_sample
    return MediaInfo("flac", "flac", rate, channels, samples / rate, "audio/flac")


def _of_declared(declared: int, rate: int) -> str:
    return f" of the {declared / rate:.1f} s its header declares" if declared else ""


def _flac_audio_start(head: bytes) -> int | None:
    """Where the metadata blocks end and the frames begin, if that is within the head."""
    position = 4
    while position + 4 <= len(head):
        last, length = (
            head[position] & 0x80,
            int.from_bytes(head[position + 1 : position + 4], "big"),
        )
        position += 4 + length
        if last:
            return position
    return None


def _ogg(head: bytes, tail: bytes) -> MediaInfo:
    if len(head) < 28:
        raise InvalidInput("Ogg file is truncated")
    segments = head[26]
    packet = head[27 + segments :]
    last = last_ogg_page(tail)
    if last is None:
        raise InvalidInput("the Ogg file has no whole page at its end: truncated upload?")
    if not last.complete:
        raise InvalidInput("the Ogg file ends inside a page: truncated upload?")
    granule = last.granule
    if packet.startswith(b"OpusHead") and len(packet) >= 19:
        channels, pre_skip, input_rate = (
            packet[9],
            struct.unpack_from("<H", packet, 10)[0],
            struct.unpack_from("<I", packet, 12)[0],
        )
        return MediaInfo(
            "ogg",
            "opus",
            input_rate or 48000,
            channels,
            max(0, granule - pre_skip) / 48000,
            "audio/ogg",
        )
    if packet.startswith(b"\x01vorbis") and len(packet) >= 16:
        channels, rate = packet[11], struct.unpack_from("<I", packet, 12)[0]
        return MediaInfo(
            "ogg", "vorbis", rate, channels, granule / rate if rate else 0.0, "audio/ogg"
        )
    raise InvalidInput("Ogg file is neither Opus nor Vorbis audio")
