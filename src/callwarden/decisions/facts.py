"""Call facts: what the phone system knows about a call at setup.

The pydantic model is the API and CLI contract (strict, with clear errors); the engine works on
the plain frozen dataclasses it converts to, which are cheap to build and hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import ConfigDict, Field

from callwarden.kit.inputs import RequestModel

Direction = Literal["inbound", "outbound", "internal"]
PartyRole = Literal["customer", "agent", "third_party"]
# explicit: the integrator asserts it; provider: the phone provider's hint (Twilio's FromState).
JurisdictionSource = Literal["explicit", "provider"]


@dataclass(frozen=True, slots=True)
class Party:
    role: PartyRole
    number: str | None = None
    jurisdiction: str | None = None
    language: str | None = None
    jurisdiction_source: JurisdictionSource = "explicit"


@dataclass(frozen=True, slots=True)
class CallFacts:
    direction: Direction
    parties: tuple[Party, ...]
    queue: str | None = None
    line: str | None = None
    dialled: str | None = None
    calling: str | None = None
    agent_team: str | None = None
    recorder_jurisdiction: str | None = None
    call_id: str | None = None


class PartyIn(RequestModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    role: PartyRole
    number: str | None = Field(default=None, max_length=32, description="E.164, e.g. +14155550123")
    jurisdiction: str | None = Field(default=None, max_length=10, description="ISO 3166: US-CA, DE")
    language: str | None = Field(
        default=None, max_length=35, description="BCP 47 tag: en, de, fr-CA"
    )
    jurisdiction_source: JurisdictionSource = Field(
        default="explicit",
        description="`explicit`: you assert the jurisdiction; `provider`: the phone provider's "
        "hint (e.g. Twilio's FromState), which the decision treats as presumed.",
    )

    def to_party(self) -> Party:
        return Party(
            self.role,
            self.number or None,
            self.jurisdiction or None,
            self.language or None,
            self.jurisdiction_source,
        )


class CallFactsIn(RequestModel):
    """Facts about a call at setup, as a phone system sends them."""

    model_config = ConfigDict(str_strip_whitespace=True)

    direction: Direction
    parties: list[PartyIn] = Field(min_length=1, max_length=50)
    queue: str | None = Field(default=None, max_length=120)
    line: str | None = Field(default=None, max_length=32)
    dialled: str | None = Field(default=None, max_length=32)
    calling: str | None = Field(default=None, max_length=32)
    agent_team: str | None = Field(default=None, max_length=120)
    recorder_jurisdiction: str | None = Field(default=None, max_length=10)
    call_id: str | None = Field(default=None, max_length=200)

    def to_facts(self) -> CallFacts:
        return CallFacts(
            direction=self.direction,
            parties=tuple(party.to_party() for party in self.parties),
            queue=self.queue,
            line=self.line,
            dialled=self.dialled,
            calling=self.calling,
            agent_team=self.agent_team,
            recorder_jurisdiction=self.recorder_jurisdiction or None,
            call_id=self.call_id,
        )
