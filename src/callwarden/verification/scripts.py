"""Announcement audio: the prompt a phone system plays for a script version, sealed in the vault."""

from __future__ import annotations

import hashlib
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.analysis import Audio, decode
from callwarden.audit import service as audit
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import InvalidInput
from callwarden.kit.ids import new_id
from callwarden.models import ScriptAudio
from callwarden.policy import service as policies
from callwarden.vault.format import new_data_key
from callwarden.vault.reading import open_sealed
from callwarden.vault.runtime import Vault
from callwarden.vault.sealing import Sealer
from callwarden.vault.wrapping import WrappedKey

MAX_PROMPT_BYTES = 20 * 1024 * 1024
MAX_PROMPT_SECONDS = 120.0


def known_scripts(session: Session) -> dict[str, set[str]]:
    """Script ids in the policy in force, with the languages each appears in."""
    document = policies.active_compiled(session).document
    found: dict[str, set[str]] = {}
    for language, scripts in document.scripts.items():
        for script in (scripts.notice, scripts.consent):
            if script is not None:
                found.setdefault(script.id, set()).add(language)
    return found


def store(
    session: Session, vault: Vault, principal: Principal, script_id: str, language: str, body: bytes
) -> ScriptAudio:
    """Validate the audio, seal it, and record it (a new upload replaces the old one)."""
    require(principal, "scripts.manage")
    languages = known_scripts(session).get(script_id)
    if languages is None:
        raise InvalidInput(f"script {script_id!r} is not in the policy in force")
    if language not in languages:
        raise InvalidInput(
            f"script {script_id!r} has no {language!r} version; it has {sorted(languages)}"
        )
    if len(body) > MAX_PROMPT_BYTES:
        raise InvalidInput(f"announcement audio is larger than {MAX_PROMPT_BYTES} bytes")
    audio = decode(body, max_seconds=MAX_PROMPT_SECONDS)
    row_id = new_id("scr")
    object_key = f"scripts/{script_id}/{language}/{row_id}.cwv"
    data_key = new_data_key()
    sealer = Sealer(data_key, row_id)
    vault.store.put(object_key, sealer.seal([body]))
    assert sealer.result is not None
    previous = session.execute(
        select(ScriptAudio).where(
            ScriptAudio.script_id == script_id, ScriptAudio.language == language
        )
    ).scalar_one_or_none()
    if previous is not None:
        session.delete(previous)
        session.flush()
    row = ScriptAudio(
        id=row_id,
        script_id=script_id,
        language=language,
        object_key=object_key,
        wrapped_key=vault.wrapper.wrap(data_key).encode(),
        sha256=hashlib.sha256(body).hexdigest(),
        size=len(body),
        ciphertext_size=sealer.result.ciphertext_size,
        duration_s=round(audio.frames / audio.sample_rate, 3),
        uploaded_by=principal.actor,
        uploaded_at=clock.now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=principal.actor,
        action="script_audio.stored",
        target=f"script:{script_id}",
        data={"language": language, "sha256": row.sha256, "replaced": previous is not None},
    )
    return row


def load(vault: Vault, row: ScriptAudio) -> Audio:
    data_key = vault.unwrap(WrappedKey.decode(row.wrapped_key))
    sealed = open_sealed(
        partial(vault.store.open_range, row.object_key), row.ciphertext_size, data_key, row.id
    )
    return decode(b"".join(sealed), max_seconds=MAX_PROMPT_SECONDS)


def for_scripts(session: Session, script_ids: set[str]) -> list[ScriptAudio]:
    if not script_ids:
        return []
    query = select(ScriptAudio).where(ScriptAudio.script_id.in_(script_ids))
    return list(session.execute(query).scalars())
