"""TwiML for the steps of a call plan, written with the official library's `VoiceResponse`.

These helpers only render; deciding which steps to take, and reporting them to the ledger, is
`conversation.py`'s job. Recordings get a name (`callwarden-<call id>`) so a later `<Stop>` can
end exactly the recording callwarden started.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from twilio.twiml.voice_response import Recording, VoiceResponse

PREFIX = "/v1/adapters/twilio"
STATUS_EVENTS = "in-progress completed absent"
# Twilio's <Say> wants a locale; a policy script keyed by a bare language gets the usual one.
SAY_LOCALES = {
    "en": "en-US", "de": "de-DE", "fr": "fr-FR", "es": "es-ES", "it": "it-IT", "nl": "nl-NL",
    "pt": "pt-BR", "ja": "ja-JP", "da": "da-DK", "sv": "sv-SE", "pl": "pl-PL",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Links:
    """Where Twilio should reach us next, built from the public origin."""

    base: str
    next: str | None = None

    def consent(self, call_id: str, party: str, attempt: int) -> str:
        query: dict[str, str | int] = {"call": call_id, "party": party, "attempt": attempt}
        if self.next:
            query["next"] = self.next
        return f"{self.base}{PREFIX}/consent?{urlencode(query)}"

    @property
    def recording_status(self) -> str:
        return f"{self.base}{PREFIX}/recording-status"


def say_locale(language: str) -> str:
    """`de` → `de-DE`; a tag that already names a region (`fr-CA`) is kept as written."""
    return language if "-" in language else SAY_LOCALES.get(language.lower(), language)


def recording_name(call_id: str) -> str:
    return f"callwarden-{call_id}"


def say(response: VoiceResponse, text: str, language: str) -> None:
    response.say(text, language=say_locale(language))


def start_recording(response: VoiceResponse, call_id: str, links: Links) -> None:
    """Record both sides on separate channels, and tell us when it starts, ends or is empty."""
    start = response.start()
    start.recording(
        name=recording_name(call_id),
        channels="dual",
        track="both",
        recording_status_callback=links.recording_status,
        recording_status_callback_method="POST",
        recording_status_callback_event=STATUS_EVENTS,
    )


def stop_recording(response: VoiceResponse, call_id: str) -> None:
    response.stop().nest(Recording(name=recording_name(call_id)))


def gather_consent(response: VoiceResponse, step: dict[str, Any], action: str) -> None:
    """Ask for one keypress; Twilio posts the answer (or its absence) to `action`."""
    gather = response.gather(
        input="dtmf",
        num_digits=1,
        timeout=step["timeout_s"],
        action=action,
        method="POST",
        action_on_empty_result=True,
    )
    gather.say(step["text"], language=say_locale(step["language"]))


def render(response: VoiceResponse) -> str:
    return str(response.to_xml())
