"""What the demo's callers and agents say, per language: short lines a contact centre hears.

Plain data and one pure function. The words matter little to the checks (they listen for the
notice and for keys), but a person playing a demo recording should hear a plausible call.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

Speaker = Literal["customer", "agent"]

VOICES = {  # espeak-ng voices: (customer, agent) per language
    "en": ("en-us+f3", "en-gb+m3"),
    "de": ("de+f2", "de+m1"),
    "fr": ("fr+f4", "fr+m2"),
}
_CUSTOMER = {
    "en": (
        "Hi, I'm calling about the bill I got last week.",
        "The amount looks higher than usual.",
        "Yes, the account is in my name.",
        "Could you check when the payment went through?",
        "That makes sense, thank you.",
        "I moved house in October, maybe that's why.",
        "No, that's everything for today.",
    ),
    "de": (
        "Guten Tag, ich rufe wegen meiner letzten Rechnung an.",
        "Der Betrag ist höher als sonst.",
        "Ja, das Konto läuft auf meinen Namen.",
        "Vielen Dank, das hilft mir weiter.",
    ),
    "fr": (
        "Bonjour, j'appelle au sujet de ma dernière facture.",
        "Le montant me semble plus élevé que d'habitude.",
        "Oui, le compte est à mon nom.",
        "Merci beaucoup, c'est très clair.",
    ),
}
_AGENT = {
    "en": (
        "Thanks for calling Northwind Mutual, how can I help?",
        "Let me pull up your account, one moment please.",
        "Can you confirm your date of birth for me?",
        "I can see the payment here, it cleared on Tuesday.",
        "I've added a note to your account.",
        "Is there anything else I can help with today?",
    ),
    "de": (
        "Vielen Dank für Ihren Anruf, wie kann ich helfen?",
        "Einen Moment bitte, ich sehe mir Ihr Konto an.",
        "Die Zahlung ist am Dienstag eingegangen.",
        "Kann ich sonst noch etwas für Sie tun?",
    ),
    "fr": (
        "Merci de votre appel, comment puis-je vous aider?",
        "Un instant, je consulte votre dossier.",
        "Le paiement a été reçu mardi.",
        "Puis-je faire autre chose pour vous?",
    ),
}
CUES = {  # what is said at the moments the ledger records
    "pause": "I'll pause the recording now while you read me your card number.",
    "resumed": "Thank you, the payment has gone through and the recording is back on.",
    "transfer": "I'm transferring you to a colleague who can help with that.",
}
WITHDRAW = {  # a caller taking their consent back, by voice
    "en": "Actually, please stop recording this call.",
    "de": "Bitte zeichnen Sie dieses Gespräch nicht mehr auf.",
    "fr": "Je ne souhaite plus que cet appel soit enregistré.",
}


@dataclass(frozen=True)
class Line:
    speaker: Speaker
    text: str


def conversation(rng: random.Random, language: str, seconds: float) -> list[Line]:
    """Turns alternating between agent and customer, about `seconds` long when spoken."""
    agent, customer = _AGENT[language], _CUSTOMER[language]
    lines = [Line("agent", agent[0])]
    spoken = 3.0
    while spoken < seconds:
        speaker: Speaker = "customer" if lines[-1].speaker == "agent" else "agent"
        pool = customer if speaker == "customer" else agent[1:]
        lines.append(Line(speaker, rng.choice(pool)))
        spoken += 3.5
    return lines
