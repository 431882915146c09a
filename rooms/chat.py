"""Validation of chat messages: the rules, free of any transport or storage."""

from __future__ import annotations

import unicodedata


class ChatRejected(Exception):
    """A chat message the server refuses, with a stable code for clients."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def clean_chat_text(value: object, max_length: int) -> str:
    """The text to store for a submitted chat message, or ChatRejected."""
    if not isinstance(value, str):
        raise ChatRejected("bad_command", "A chat message needs a text.")
    text = "".join(
        ch for ch in value.replace("\r\n", "\n") if ch in "\n\t" or unicodedata.category(ch) != "Cc"
    ).strip()
    if not text:
        raise ChatRejected("empty", "Write something first.")
    if len(text) > max_length:
        raise ChatRejected("too_long", f"Messages are limited to {max_length} characters.")
    return text
