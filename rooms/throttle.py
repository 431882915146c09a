"""Attempt counters in Django's cache: failed sign-ins per account and per address, sign-ups
and guest joins per address. With `REDIS_URL` set the cache is Redis, so a count holds across
every server process; the embedded mode counts per process."""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Throttle:
    """At most `limit` counted attempts per subject within a fixed window of
    `THROTTLE_WINDOW` seconds; the limit is read from the setting named `limit_setting`."""

    name: str
    limit_setting: str

    @property
    def limit(self) -> int:
        return int(getattr(settings, self.limit_setting))

    def _keys(self, subject: str) -> tuple[str, str]:
        digest = hashlib.sha256(subject.casefold().encode()).hexdigest()[:32]
        key = f"throttle:{self.name}:{digest}"
        return key, f"{key}:until"

    def wait(self, subject: str) -> int:
        """Seconds until `subject` may try again; 0 when it may now."""
        count_key, until_key = self._keys(subject)
        if cache.get(count_key, 0) < self.limit:
            return 0
        until = cache.get(until_key)
        return max(1, math.ceil(until - time.time())) if until else 0

    def hit(self, subject: str) -> None:
        """Count one attempt; the first one of a window starts it."""
        count_key, until_key = self._keys(subject)
        window = settings.THROTTLE_WINDOW
        cache.add(until_key, time.time() + window, timeout=window)
        cache.add(count_key, 0, timeout=window)
        try:
            cache.incr(count_key)
        except ValueError:  # the window ended between the two calls
            cache.set(count_key, 1, timeout=window)

    def reset(self, subject: str) -> None:
        cache.delete_many(self._keys(subject))


LOGIN_ACCOUNT = Throttle("login-account", "LOGIN_FAILURES_PER_ACCOUNT")
LOGIN_ADDRESS = Throttle("login-address", "ATTEMPTS_PER_ADDRESS")
SIGNUP_ADDRESS = Throttle("signup-address", "ATTEMPTS_PER_ADDRESS")
GUEST_ADDRESS = Throttle("guest-address", "ATTEMPTS_PER_ADDRESS")


def client_address(request: HttpRequest) -> str:
    """The client's address (behind a proxy, Daphne's `--proxy-headers` puts it here)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


#: What `retry_message` says a refusal is about.
SIGN_INS, SIGN_UPS, GUEST_JOINS = "sign-ins", "sign-ups", "guest-joins"


def retry_message(seconds: int, what: str = SIGN_INS) -> str:
    """The refusal people read, in the active language, of too many `what` (`SIGN_INS`,
    `SIGN_UPS` or `GUEST_JOINS`): "Too many failed sign-ins. Try again in N minutes."."""
    minutes = max(1, math.ceil(seconds / 60))
    if what == SIGN_UPS:
        sentence = ngettext(
            "Too many sign-ups from your address. Try again in {count} minute.",
            "Too many sign-ups from your address. Try again in {count} minutes.",
            minutes,
        )
    elif what == GUEST_JOINS:
        sentence = ngettext(
            "Too many guest joins from your address. Try again in {count} minute.",
            "Too many guest joins from your address. Try again in {count} minutes.",
            minutes,
        )
    else:
        sentence = ngettext(
            "Too many failed sign-ins. Try again in {count} minute.",
            "Too many failed sign-ins. Try again in {count} minutes.",
            minutes,
        )
    return sentence.format(count=minutes)
