"""The announcement audio of each notice in the policy in force, stored the way a compliance
officer uploads it (`POST /v1/scripts/{id}/audio`), so the audio check can hear the notice."""

from __future__ import annotations

from callwarden.db import Database
from callwarden.demo.audio import Signal, announcement, encode_flac
from callwarden.identity.principal import Principal
from callwarden.policy import service as policies
from callwarden.vault.runtime import Vault
from callwarden.verification import scripts

VOICE = {"en": "en-us", "de": "de", "fr": "fr", "es": "es"}


def store_prompts(db: Database, vault: Vault, principal: Principal) -> dict[str, Signal]:
    """Synthesise and store each notice script's prompt; the samples by script id."""
    prompts: dict[str, Signal] = {}
    with db.unit_of_work() as session:
        document = policies.active_compiled(session).document
        for language, versions in document.scripts.items():
            notice = versions.notice
            if notice is None or notice.id in prompts:
                continue
            samples = announcement(notice.id, notice.text, VOICE.get(language, "en-us"))
            scripts.store(session, vault, principal, notice.id, language, encode_flac(samples))
            prompts[notice.id] = samples
    return prompts
