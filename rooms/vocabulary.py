"""The fixed lists people choose from: disciplines, languages spoken, time zones and
focus rhythms. Profiles, rooms and the directory's filters share them."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: Creative disciplines: (code, label in the active language).
DISCIPLINES: list[tuple[str, Promise]] = [
    ("architecture", _("Architecture")),
    ("audio", _("Audio and sound")),
    ("crafts", _("Crafts and making")),
    ("design", _("Design")),
    ("fashion", _("Fashion")),
    ("film", _("Film and video")),
    ("games", _("Games")),
    ("illustration", _("Illustration")),
    ("marketing", _("Marketing and communication")),
    ("music", _("Music")),
    ("performing", _("Performing arts")),
    ("photography", _("Photography")),
    ("software", _("Software and digital")),
    ("visual", _("Visual arts")),
    ("writing", _("Writing and publishing")),
    ("other", _("Other")),
]

#: Languages people speak and rooms are held in: (ISO 639-1 code, name in the active
#: language), by their English name.
LANGUAGES: list[tuple[str, Promise]] = [
    ("ar", _("Arabic")),
    ("bg", _("Bulgarian")),
    ("ca", _("Catalan")),
    ("zh", _("Chinese")),
    ("hr", _("Croatian")),
    ("cs", _("Czech")),
    ("da", _("Danish")),
    ("nl", _("Dutch")),
    ("en", _("English")),
    ("et", _("Estonian")),
    ("fi", _("Finnish")),
    ("fr", _("French")),
    ("de", _("German")),
    ("el", _("Greek")),
    ("he", _("Hebrew")),
    ("hi", _("Hindi")),
    ("hu", _("Hungarian")),
    ("it", _("Italian")),
    ("ja", _("Japanese")),
    ("ko", _("Korean")),
    ("lv", _("Latvian")),
    ("lt", _("Lithuanian")),
    ("no", _("Norwegian")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("ro", _("Romanian")),
    ("ru", _("Russian")),
    ("sr", _("Serbian")),
    ("sk", _("Slovak")),
    ("sl", _("Slovenian")),
    ("es", _("Spanish")),
    ("sw", _("Swahili")),
    ("sv", _("Swedish")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
]

#: Focus rhythms a host picks from: (work minutes, break minutes).
RHYTHMS: list[tuple[int, int]] = [(50, 10), (25, 5), (90, 15)]

DISCIPLINE_CODES = frozenset(code for code, _ in DISCIPLINES)
LANGUAGE_CODES = frozenset(code for code, _ in LANGUAGES)


@cache
def time_zones() -> list[str]:
    """Every IANA time zone name this machine knows, sorted."""
    return sorted(zoneinfo.available_timezones())


def labels(choices: list[tuple[str, Promise]], codes: list[str]) -> list[str]:
    """The labels of `codes` from `choices` in the active language, in the order given,
    unknown codes left out."""
    named = dict(choices)
    return [str(named[code]) for code in codes if code in named]
