"""How close library-level sealing gets to the machine's ceiling for the same work.

The ceiling is SHA-256 plus AES-256-GCM over the same bytes in memory, each done the fastest way
the machine allows (one call over the whole buffer, output into a preallocated buffer), summed
because intake must do both. The library figure is `encrypt_stream` from an in-memory reader into
a sink: one that only counts (pure library cost), one that copies into a preallocated, already
touched buffer (an in-memory writer without allocation), and a BytesIO (which also pays for
growing into fresh memory, i.e. page faults). Best of `--repeat` runs each. `bench/intake.py`
can import the measure functions.

    .venv/bin/python bench/vault_ceiling.py [--mib 256] [--repeat 5] [--chunk-kib 64]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from callwarden.vault.format import DEFAULT_CHUNK_SIZE, new_data_key, sealed_size
from callwarden.vault.sealing import encrypt_stream

MIB = 1024 * 1024


def best_seconds(work: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)


def measure_ceiling(data: bytes, repeat: int = 5) -> dict[str, float]:
    """Seconds for SHA-256, AES-256-GCM (best way), and their sum over `data`."""
    aead = AESGCM(AESGCM.generate_key(256))
    out = bytearray(len(data) + 16)
    sha = best_seconds(lambda: hashlib.sha256(data).digest(), repeat)
    aes = best_seconds(lambda: aead.encrypt_into(b"\0" * 12, data, None, out), repeat)
    naive_aes = best_seconds(lambda: aead.encrypt(b"\0" * 12, data, None), 1)
    return {"sha256": sha, "aes_gcm": aes, "ceiling": sha + aes, "naive": sha + naive_aes}


class CountingSink:
    """A writer that keeps nothing: isolates the library's own cost."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes, /) -> int:
        self.size += len(data)
        return len(data)


class BufferSink:
    """A writer into one preallocated, pre-touched buffer, reused across runs."""

    def __init__(self, capacity: int) -> None:
        self.buffer = bytearray(b"\1" * capacity)
        self.view = memoryview(self.buffer)
        self.size = 0

    def write(self, data: bytes, /) -> int:
        self.view[self.size : self.size + len(data)] = data
        self.size += len(data)
        return len(data)


def measure_library(
    data: bytes, repeat: int = 5, chunk_size: int = DEFAULT_CHUNK_SIZE, sink: str = "counting"
) -> float:
    """Best seconds for `encrypt_stream` over `data` from a BytesIO reader.

    `sink` is "counting", "buffer" (preallocated) or "bytesio".
    """
    key = new_data_key()
    capacity = sealed_size(len(data), "rec_bench", chunk_size)
    buffer = BufferSink(capacity) if sink == "buffer" else None

    def run() -> None:
        target: CountingSink | BufferSink | io.BytesIO = CountingSink()
        if buffer is not None:
            buffer.size = 0
            target = buffer
        elif sink == "bytesio":
            target = io.BytesIO()
        encrypt_stream(io.BytesIO(data), target, key, "rec_bench", chunk_size=chunk_size)

    return best_seconds(run, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--chunk-kib", type=int, default=DEFAULT_CHUNK_SIZE // 1024)
    args = parser.parse_args()
    size: int = args.mib * MIB
    data = os.urandom(size)

    def rate(seconds: float) -> float:
        return size / seconds / MIB

    ceiling = measure_ceiling(data, args.repeat)
    chunk_size = args.chunk_kib * 1024
    sinks = ("counting", "buffer", "bytesio")
    library = {name: measure_library(data, args.repeat, chunk_size, name) for name in sinks}
    cpus, chunk = os.cpu_count(), args.chunk_kib
    print(f"{args.mib} MiB, {cpus} CPUs, chunk {chunk} KiB, best of {args.repeat}")
    print(f"  sha256 alone                  {rate(ceiling['sha256']):8.0f} MiB/s")
    print(f"  aes-256-gcm alone             {rate(ceiling['aes_gcm']):8.0f} MiB/s")
    print(f"  ceiling (sha256 + aes-gcm)    {rate(ceiling['ceiling']):8.0f} MiB/s")
    print(f"  naive one-shot (alloc output) {rate(ceiling['naive']):8.0f} MiB/s  (for reference)")
    for name, seconds in library.items():
        ratio = ceiling["ceiling"] / seconds
        label = f"{name} sink"
        print(f"  encrypt_stream, {label:13} {rate(seconds):8.0f} MiB/s  = {ratio:.0%} of ceiling")


if __name__ == "__main__":
    main()
