"""How long a recording must be kept, from the purposes its call was recorded for.

Pure: the policy version in force and the purposes in, the retention class and `retain_until`
out. The class is the purpose whose minimum retention is longest, and the recording is kept
until it started plus that minimum; a recording with no purposes has no class and no date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from callwarden.decisions.compiled import CompiledPolicy


@dataclass(frozen=True, slots=True)
class RetentionSchedule:
    purposes: list[str]
    retention_class: str | None
    retain_until: datetime | None


def schedule(
    policy: CompiledPolicy, purposes: Sequence[str], started_at: datetime
) -> RetentionSchedule:
    """The class with the longest minimum among `purposes`, and the date it runs out."""
    kept = list(purposes)
    retention_class = policy.retention_class(tuple(kept))
    if retention_class is None:
        return RetentionSchedule(kept, None, None)
    minimum = policy.document.purposes[retention_class].retention.min
    return RetentionSchedule(kept, retention_class, minimum.add_to(started_at))
