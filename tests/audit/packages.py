"""What a forger can do to an audit package, as test helpers: rewrite members, re-sign the
manifest (with the real key, to show the content checks stand on their own, or with another),
add hostile members, and run the shipped verify.py as an auditor would."""

from __future__ import annotations

import hashlib
import json
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from callwarden.audit.package import DOMAIN
from callwarden.signing import canonical_json, key_id, public_key_pem, sign_statement

Change = Callable[[bytes], bytes | None]  # None drops the member


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rewrite(
    source: Path,
    target: Path,
    changes: dict[str, Change],
    *,
    resign: Ed25519PrivateKey | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A copy of the package with members changed; `resign` rebuilds the manifest's member list
    and signature with that key (and puts its public key in the package)."""
    contents = members(source)
    for name, change in changes.items():
        changed = change(contents[name])
        if changed is None:
            del contents[name]
        else:
            contents[name] = changed
    if resign is not None:
        if key_id(resign) != json.loads(contents["manifest.json"])["key_id"]:
            contents["public_key.pem"] = public_key_pem(resign).encode()
        manifest = json.loads(contents["manifest.json"])
        del manifest["signature"]
        manifest["key_id"] = key_id(resign)
        manifest["members"] = [
            {"name": m["name"], "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for m in manifest["members"]
            if (data := contents.get(m["name"])) is not None
        ]
        value = sign_statement(resign, DOMAIN, canonical_json(manifest))
        manifest["signature"] = {"algorithm": "ed25519", "key_id": key_id(resign), "value": value}
        contents["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in {**contents, **(extra or {})}.items():
            archive.writestr(name, data)
    return target


def declare_size(path: Path, name: str, size: int) -> None:
    """Make the central directory claim `name` is `size` bytes uncompressed (a zip bomb's
    header; `name` must be a member written without zip64)."""
    data = bytearray(path.read_bytes())
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + length]) == name.encode():
            struct.pack_into("<I", data, at + 24, size)
            path.write_bytes(bytes(data))
            return
        at += 4
    raise AssertionError(f"{name} not in the central directory")


def lines_of(change: Callable[[list[bytes]], list[bytes]]) -> Change:
    def apply(data: bytes) -> bytes:
        return b"".join(line + b"\n" for line in change(data.splitlines()))

    return apply


def run_verify(package: Path, public_key: Path | None, folder: Path) -> tuple[int, str]:
    """The package's own verify.py, copied out and run isolated (-I: no PYTHONPATH, no user
    site, not the current directory) with callwarden made unimportable (our venv has it
    installed), so it cannot lean on callwarden."""
    folder.mkdir(exist_ok=True)
    verifier = folder / "verify.py"
    if not verifier.exists():
        verifier.write_bytes(members(package)["verify.py"])
    arguments = [str(package)] + ([] if public_key is None else ["--public-key", str(public_key)])
    bootstrap = (
        "import runpy, sys; sys.modules['callwarden'] = None; "
        f"sys.argv = [{str(verifier)!r}] + {arguments!r}; "
        f"runpy.run_path({str(verifier)!r}, run_name='__main__')"
    )
    command = [sys.executable, "-I", "-c", bootstrap]
    done = subprocess.run(command, capture_output=True, text=True, cwd=folder, timeout=60)
    return done.returncode, done.stdout + done.stderr
