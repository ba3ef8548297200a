"""Regenerate `data/nanp_area_codes.yaml` from phonenumbers' geocoding data.

Run `python -m callwarden.law.nanp_build` after upgrading phonenumbers. We ship the derived
table rather than geocoding at run time because phonenumbers' geocoder loads ~290k entries and
answers with prose ("New York, NY", "Washington State"), while `locate()` needs an ISO 3166-2
code from a three-digit area code in a dict lookup. An area code is kept only when every
description phonenumbers has for it names the same US state, DC or Canadian province; codes
spanning several (867: the three territories; 902: Nova Scotia and Prince Edward Island) are
listed under `shared` so `locate()` can say why it fell back to the country.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import yaml

from callwarden.law.loading import DATA_DIR

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "Washington D.C.",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington State", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip
CA_PROVINCES = {
    "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "NT": "Northwest Territories",
    "NU": "Nunavut", "ON": "Ontario", "PE": "Prince Edward Island", "QC": "Quebec",
    "SK": "Saskatchewan", "YT": "Yukon",
}  # fmt: skip
_SPELLING_VARIANTS = {"british colombia": "CA-BC"}


def _name_index() -> dict[str, str]:
    index = {name.lower(): f"US-{abbr}" for abbr, name in US_STATES.items()}
    index.update({name.lower(): f"CA-{abbr}" for abbr, name in CA_PROVINCES.items()})
    index.update(_SPELLING_VARIANTS)
    return index


def subdivisions_in(description: str) -> set[str] | None:
    """Codes named by one geocoder description, or None when it names no US/CA subdivision.

    Handles "Texas", "Houston, TX", "Nova Scotia/Prince Edward Island".
    """
    names = _name_index()
    text = description.strip()
    if text.lower() in names:
        return {names[text.lower()]}
    suffix = re.search(r",\s*([A-Z]{2})$", text)
    if suffix:
        abbr = suffix.group(1)
        if abbr in US_STATES:
            return {f"US-{abbr}"}
        if abbr in CA_PROVINCES:
            return {f"CA-{abbr}"}
        return None
    if "/" in text:
        found = [names.get(part.strip().lower()) for part in text.split("/")]
        return {code for code in found if code} if all(found) else None
    return None


def build_table() -> tuple[dict[str, str], dict[str, list[str]]]:
    """(area code → subdivision, area code → several subdivisions) from phonenumbers.

    The area-code-level entry ("1212") reflects the NANPA assignment and wins. Only when there
    is none do the exchange-level entries ("1310393") decide, and then they must all agree
    (one unrecognised place makes the code untrustworthy, so it is left out).
    """
    from phonenumbers.geodata import GEOCODE_DATA

    area_level: dict[str, set[str] | None] = {}
    exchange_level: dict[str, set[str]] = defaultdict(set)
    untrusted: set[str] = set()
    for prefix, languages in GEOCODE_DATA.items():
        if not prefix.startswith("1") or len(prefix) < 4 or "en" not in languages:
            continue
        area_code, codes = prefix[1:4], subdivisions_in(languages["en"])
        if len(prefix) == 4:
            area_level[area_code] = codes
        elif codes is None:
            untrusted.add(area_code)
        else:
            exchange_level[area_code] |= codes
    merged: dict[str, set[str] | None] = {
        ac: codes for ac, codes in exchange_level.items() if ac not in untrusted
    }
    merged.update(area_level)
    found = {ac: codes for ac, codes in sorted(merged.items()) if codes}
    single = {ac: next(iter(codes)) for ac, codes in found.items() if len(codes) == 1}
    shared = {ac: sorted(codes) for ac, codes in found.items() if len(codes) > 1}
    return single, shared


def write_table(path: Path = DATA_DIR / "nanp_area_codes.yaml") -> None:
    import phonenumbers

    single, shared = build_table()
    header = (
        "# NANP area code → ISO 3166-2 subdivision (US states, DC, Canadian provinces).\n"
        f"# Generated by `python -m callwarden.law.nanp_build` from phonenumbers "
        f"{phonenumbers.__version__} geocoding data. Do not edit by hand.\n"
        "# Codes missing here (toll-free, non-geographic, Caribbean, very new overlays) resolve\n"
        "# to the number's country only.\n"
    )
    body = yaml.safe_dump(
        {"area_codes": single, "shared": shared}, sort_keys=True, default_flow_style=False
    )
    path.write_text(header + body, encoding="utf-8")


if __name__ == "__main__":
    write_table()
