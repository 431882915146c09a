"""A bounds-checked reader of lib0 encodings (the byte format of Yjs and y-protocols).

pycrdt's own `Decoder` trusts length prefixes, so untrusted frames and updates are read
here: every length is checked against the bytes that are really there, and integers stop at
2**53, the largest that JavaScript peers hold exactly.
"""

from __future__ import annotations

import struct

MAX_SAFE_INTEGER = 2**53 - 1


class Malformed(ValueError):
    """The bytes are not what they claim to be."""


class Reader:
    """Reads varuints, varints, length-prefixed bytes and strings, and fixed-size numbers."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise Malformed("truncated frame")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def var_uint(self) -> int:
        value, shift = 0, 0
        while True:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            if value > MAX_SAFE_INTEGER:
                raise Malformed("integer too large")
            if byte < 0x80:
                return value
            shift += 7
            if shift > 53:
                raise Malformed("integer too long")

    def var_int(self) -> int:
        """lib0's signed varint: sign in bit 6 of the first byte, six bits of value there."""
        first = self.byte()
        value, shift = first & 0x3F, 6
        sign = -1 if first & 0x40 else 1
        byte = first
        while byte & 0x80:
            byte = self.byte()
            value |= (byte & 0x7F) << shift
            if value > MAX_SAFE_INTEGER:
                raise Malformed("integer too large")
            shift += 7
            if shift > 53:
                raise Malformed("integer too long")
        return sign * value

    def take(self, length: int) -> bytes:
        if length > len(self.data) - self.pos:
            raise Malformed("length prefix beyond the frame")
        chunk = self.data[self.pos : self.pos + length]
        self.pos += length
        return chunk

    def var_bytes(self) -> bytes:
        return self.take(self.var_uint())

    def var_string(self) -> str:
        try:
            return self.var_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Malformed("invalid UTF-8") from exc

    def float32(self) -> float:
        return float(struct.unpack(">f", self.take(4))[0])

    def float64(self) -> float:
        return float(struct.unpack(">d", self.take(8))[0])

    def done(self) -> bool:
        return self.pos == len(self.data)
