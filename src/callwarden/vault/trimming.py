"""Cutting a recording at a moment (consent withdrawn): decode, keep what came before, re-encode.

Runs on spooled temp files in blocks, never the whole recording in memory, and writes the same
container and codec back so the kept part plays like the original.
"""

from __future__ import annotations

from pathlib import Path

import soundfile

from callwarden.kit.errors import InvalidInput

BLOCK_FRAMES = 65_536


def trim(source: Path, target: Path, keep_s: float) -> float:
    """Write the first `keep_s` seconds of `source` to `target`; returns the kept duration."""
    try:
        with soundfile.SoundFile(source) as reader:
            keep_frames = min(reader.frames, int(keep_s * reader.samplerate))
            with soundfile.SoundFile(
                target,
                "w",
                samplerate=reader.samplerate,
                channels=reader.channels,
                format=reader.format,
                subtype=reader.subtype,
            ) as writer:
                remaining = keep_frames
                while remaining > 0:
                    block = reader.read(
                        min(BLOCK_FRAMES, remaining), dtype="float32", always_2d=True
                    )
                    if not len(block):
                        break
                    writer.write(block)
                    remaining -= len(block)
            return float(keep_frames - remaining) / float(reader.samplerate)
    except soundfile.LibsndfileError as error:
        # libsndfile's own text names the spool file's path; its error string does not.
        raise InvalidInput(
            f"the recording could not be decoded to trim it: {error.error_string}"
        ) from None
    except RuntimeError:
        raise InvalidInput("the recording could not be decoded to trim it") from None
