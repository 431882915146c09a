"""The password rules of sign-up and the account page: Django's four validators, saying their
rules and refusals in this project's catalogs, so every language of the service has them
(Django's own Croatian and Portuguese catalogs lack several)."""

from __future__ import annotations

from django.contrib.auth import password_validation as rules
from django.utils.translation import gettext, ngettext


class SimilarityValidator(rules.UserAttributeSimilarityValidator):
    """Not too close to the username or the name."""

    def get_error_message(self) -> str:
        return gettext("The password is too similar to the %(verbose_name)s.")

    def get_help_text(self) -> str:
        return gettext("Your password can’t be too similar to your other personal information.")


class MinimumLengthValidator(rules.MinimumLengthValidator):
    """At least `min_length` characters."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must contain at least %(min_length)d character.",
            "Your password must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class CommonPasswordValidator(rules.CommonPasswordValidator):
    """Not one of the 20,000 most common passwords."""

    def get_error_message(self) -> str:
        return gettext("This password is too common.")

    def get_help_text(self) -> str:
        return gettext("Your password can’t be a commonly used password.")


class NumericPasswordValidator(rules.NumericPasswordValidator):
    """Not digits only."""

    def get_error_message(self) -> str:
        return gettext("This password is entirely numeric.")

    def get_help_text(self) -> str:
        return gettext("Your password can’t be entirely numeric.")
