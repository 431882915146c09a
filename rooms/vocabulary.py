"""The fixed lists people choose from: disciplines, languages spoken, time zones and
focus rhythms. Profiles, rooms and the directory's filters share them."""

from __future__ import annotations

import zoneinfo
from functools import cache

#: Creative disciplines: (code, label).
DISCIPLINES: list[tuple[str, str]] = [
    ("architecture", "Architecture"),
    ("audio", "Audio and sound"),
    ("crafts", "Crafts and making"),
    ("design", "Design"),
    ("fashion", "Fashion"),
    ("film", "Film and video"),
    ("games", "Games"),
    ("illustration", "Illustration"),
    ("marketing", "Marketing and communication"),
    ("music", "Music"),
    ("performing", "Performing arts"),
    ("photography", "Photography"),
    ("software", "Software and digital"),
    ("visual", "Visual arts"),
    ("writing", "Writing and publishing"),
    ("other", "Other"),
]

#: Languages people speak and rooms are held in: (ISO 639-1 code, name in English), by name.
LANGUAGES: list[tuple[str, str]] = [
    ("ar", "Arabic"),
    ("bg", "Bulgarian"),
    ("ca", "Catalan"),
    ("zh", "Chinese"),
    ("hr", "Croatian"),
    ("cs", "Czech"),
    ("da", "Danish"),
    ("nl", "Dutch"),
    ("en", "English"),
    ("et", "Estonian"),
    ("fi", "Finnish"),
    ("fr", "French"),
    ("de", "German"),
    ("el", "Greek"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("hu", "Hungarian"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("lv", "Latvian"),
    ("lt", "Lithuanian"),
    ("no", "Norwegian"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("sr", "Serbian"),
    ("sk", "Slovak"),
    ("sl", "Slovenian"),
    ("es", "Spanish"),
    ("sw", "Swahili"),
    ("sv", "Swedish"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
]

#: Focus rhythms a host picks from: (work minutes, break minutes).
RHYTHMS: list[tuple[int, int]] = [(50, 10), (25, 5), (90, 15)]

DISCIPLINE_CODES = frozenset(code for code, _ in DISCIPLINES)
LANGUAGE_CODES = frozenset(code for code, _ in LANGUAGES)


@cache
def time_zones() -> list[str]:
    """Every IANA time zone name this machine knows, sorted."""
    return sorted(zoneinfo.available_timezones())


def labels(choices: list[tuple[str, str]], codes: list[str]) -> list[str]:
    """The labels of `codes` from `choices`, in the order given, unknown codes left out."""
    named = dict(choices)
    return [named[code] for code in codes if code in named]
