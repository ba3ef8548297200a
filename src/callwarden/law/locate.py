"""Where a party is, for the purpose of choosing the law that governs recording them.

An explicit jurisdiction (the phone system or CRM knows the customer's address) wins. Otherwise
we read the E.164 number: its country, and for NANP (+1) numbers the state or province from the
area code. Numbers are portable and mobiles travel, so a number-derived location is only
*presumed* and decisions say so. A number from a country the knowledge base does not cover is
reported as `unknown`, so the policy's `unknown_location` setting decides, rather than the
engine inventing a rule.

Speed matters (every party of every call passes through here): NANP numbers in E.164 form take
a regex-and-dict fast path, everything else is parsed once by `phonenumbers` and cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

from callwarden.kit.errors import InvalidInput
from callwarden.law.knowledge import KnowledgeBase, load_knowledge_base
from callwarden.law.loading import DATA_DIR, read_yaml

LocationSource = Literal["explicit", "presumed", "unknown"]

_NANP_E164 = re.compile(r"\+1([2-9]\d\d)[2-9]\d{6}")
_E164 = re.compile(r"\+([1-9]\d{1,14})")
_PORTABLE = "numbers are portable, so this is presumed"


@dataclass(frozen=True, slots=True)
class Location:
    """A party's jurisdiction code (None when unknown), how we know it, and a readable why."""

    code: str | None
    source: LocationSource
    detail: str


UNKNOWN = Location(None, "unknown", "no number and no jurisdiction given")


def locate(
    number: str | None,
    jurisdiction: str | None = None,
    *,
    kb: KnowledgeBase | None = None,
    from_provider: bool = False,
) -> Location:
    """Locate one party. Raises InvalidInput for an unknown code or an unparseable number.

    A jurisdiction wins over the number. It is explicit when the caller asserts it, presumed
    when it is the phone provider's hint (`from_provider`): a carrier's idea of where a number
    is registered, not where the person is. Empty strings count as "not given", since JSON
    clients often send "" for a missing field.
    """
    base = kb if kb is not None else load_knowledge_base()
    if jurisdiction is not None and jurisdiction.strip():
        code = base.jurisdiction(jurisdiction).code
        if from_provider:
            detail = f"the phone provider places this party in {code}, a hint, so this is presumed"
            return Location(code, "presumed", detail)
        return Location(code, "explicit", f"jurisdiction {code} was given for this party")
    if number is None or not number.strip():
        return UNKNOWN
    return _locate_number(number, base)


@lru_cache(maxsize=1 << 16)
def _locate_number(number: str, kb: KnowledgeBase) -> Location:
    """Cached per (number, knowledge base); the knowledge base hashes by identity."""
    match = _NANP_E164.fullmatch(number)
    if match is not None:
        found = _from_area_code(match.group(1), kb)
        if found is not None:
            return found
    found = _from_single_region_code(number, kb)
    if found is not None:
        return found
    parsed = _parse(number)
    if parsed.country_code == 1:
        found = _from_area_code(str(parsed.national_number)[:3], kb)
        if found is not None:
            return found
    return _from_country(parsed, kb)


def _parse(number: str) -> phonenumbers.PhoneNumber:
    text = number.strip()
    example = "for example +14155550123 or +442079460000"
    if not text.startswith("+"):
        raise InvalidInput(
            f"phone number {number!r} is not in E.164 form: it must start with '+' and the "
            f"country code ({example})"
        )
    try:
        parsed = phonenumbers.parse(text, None)
    except NumberParseException as error:
        why = re.sub(r"^\(\d+\)\s*", "", str(error))
        raise InvalidInput(f"phone number {number!r} cannot be read: {why}") from None
    possible = phonenumbers.is_possible_number_with_reason(parsed)
    if possible != phonenumbers.ValidationResult.IS_POSSIBLE:  # local-only numbers are too short
        raise InvalidInput(
            f"phone number {number!r} has the wrong number of digits for country code "
            f"+{parsed.country_code} ({example})"
        )
    return parsed


def _from_area_code(area_code: str, kb: KnowledgeBase) -> Location | None:
    single, shared = area_code_table()
    code = single.get(area_code)
    if code is not None and code in kb.jurisdictions:
        name = kb.jurisdictions[code].name
        return Location(code, "presumed", f"area code +1 {area_code} is in {name}; {_PORTABLE}")
    spans = shared.get(area_code)
    country = spans[0].partition("-")[0] if spans else None
    if spans and country in kb.jurisdictions:
        return Location(
            country,
            "presumed",
            f"area code +1 {area_code} spans {', '.join(spans)}, so only the country "
            f"{country} is known; {_PORTABLE}",
        )
    return None


def _from_single_region_code(number: str, kb: KnowledgeBase) -> Location | None:
    """Fast path for E.164 numbers whose country code belongs to one region only (+49, +33).

    Country codes are prefix-free, so the first 1-3 digits that name a code are the code; a
    length check against phonenumbers' metadata stands in for a full parse. Shared codes
    (+44 also covers Jersey, +7 Kazakhstan) take the full parse instead.
    """
    match = _E164.fullmatch(number)
    if match is None:
        return None
    digits = match.group(1)
    for size in (1, 2, 3):
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(digits[:size]))
        if regions:
            break
    else:
        return None
    region = regions[0]
    if len(regions) != 1 or region not in kb.jurisdictions:
        return None
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    general = metadata.general_desc if metadata is not None else None
    if general is None or len(digits) - size not in general.possible_length:
        return None
    return _country_location(region, f"+{digits[:size]}", False, False, kb)


def _country_location(
    region: str, prefix: str, toll_free: bool, nanp: bool, kb: KnowledgeBase
) -> Location:
    what = "a toll-free" if toll_free else "a"
    scope = "; no state or province is known" if nanp else ""
    name = kb.jurisdictions[region].name
    detail = f"{prefix} is {what} number in {name} ({region}){scope}; {_PORTABLE}"
    return Location(region, "presumed", detail)


def _from_country(parsed: phonenumbers.PhoneNumber, kb: KnowledgeBase) -> Location:
    country_code = parsed.country_code or 0  # always set once parse() succeeded
    prefix = f"+{country_code}"
    if country_code == 1:
        prefix += f" {str(parsed.national_number)[:3]}"
    region = phonenumbers.region_code_for_number(parsed)
    if region is None:
        region = phonenumbers.region_code_for_country_code(country_code)
    if region in kb.jurisdictions:
        toll_free = phonenumbers.number_type(parsed) == PhoneNumberType.TOLL_FREE
        return _country_location(region, prefix, toll_free, country_code == 1, kb)
    where = "a non-geographic service" if region in (None, "ZZ", "001") else f"region {region}"
    return Location(
        None,
        "unknown",
        f"{prefix} numbers belong to {where}, which the law knowledge base does not cover",
    )


@lru_cache(maxsize=1)
def area_code_table() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The shipped NANP table: (area code → subdivision, area code → several subdivisions)."""
    document = read_yaml(DATA_DIR / "nanp_area_codes.yaml", DATA_DIR)
    single = {str(key): str(value) for key, value in document["area_codes"].items()}
    shared = {str(key): tuple(value) for key, value in document["shared"].items()}
    return single, shared
