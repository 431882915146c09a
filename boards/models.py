"""The durable copy of every document's history in the SQL database."""

from __future__ import annotations

from django.db import models


class DocumentUpdate(models.Model):
    """One accepted update, archived from the room store's log with its author and time."""

    doc = models.CharField(max_length=120)
    ms = models.BigIntegerField(help_text="server time in ms since the epoch (entry id part 1)")
    seq = models.IntegerField(help_text="sequence within that millisecond (entry id part 2)")
    author = models.CharField(max_length=80)
    payload = models.BinaryField()

    class Meta:
        # The unique index also serves every lookup (a document's range of times, in order);
        # a second index on the same columns would only slow down archive writes.
        constraints = [models.UniqueConstraint(fields=["doc", "ms", "seq"], name="one_entry")]
        ordering = ["doc", "ms", "seq"]

    def __str__(self) -> str:
        return f"{self.doc}@{self.entry_id}"

    @property
    def entry_id(self) -> str:
        return f"{self.ms}-{self.seq}"


class DocumentKeyframe(models.Model):
    """A document's full state including every update up to entry `ms-seq`; found by
    document and time (the newest at or before a moment) through the (doc, ms, seq) index."""

    doc = models.CharField(max_length=120)
    ms = models.BigIntegerField()
    seq = models.IntegerField()
    state = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["doc", "ms", "seq"])]
        ordering = ["doc", "ms", "seq"]

    def __str__(self) -> str:
        return f"keyframe {self.doc}@{self.upto}"

    @property
    def upto(self) -> str:
        return f"{self.ms}-{self.seq}"
