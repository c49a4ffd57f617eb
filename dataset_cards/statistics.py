"""Counts a card reports for one split: sentences published, left out by reason, published though
incomplete by reason, entities per type, projection rate. Plain functions over tag lists, so the
numbers can be checked by hand."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from projner.labels import split_tag


def count_entities(sentences: Iterable[Sequence[str]]) -> Counter[str]:
    """Entities per type in IOB2 tag sequences (an entity starts at each ``B-``)."""
    counts: Counter[str] = Counter()
    for tags in sentences:
        for tag in tags:
            prefix, etype = split_tag(tag)
            if prefix == "B":
                counts[etype] += 1
    return counts


@dataclass
class SplitStatistics:
    """What happened to one split's sentences on the way into the published corpus."""

    sentences: int = 0
    """Sentences in the published split."""
    tokens: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    """Entities per type in the published labels."""
    dropped: dict[str, int] = field(default_factory=dict)
    """Sentences left out, by ``dropped_reason``."""
    incomplete: dict[str, int] = field(default_factory=dict)
    """Published sentences that carry a ``dropped_reason`` (exported with ``keep_dropped``), by
    reason; they hold whatever part of their entities was projected."""
    keep_dropped: bool = False
    """Whether sentences with a ``dropped_reason`` were published (evaluation runs: every sentence
    is a scored prediction) rather than left out (silver training corpora)."""
    source_entities: dict[str, int] | None = None
    """Entities per type on the labelled source side of *every* input sentence (dropped included);
    None where there is no source side (model transfer)."""

    @property
    def input_sentences(self) -> int:
        return self.sentences + sum(self.dropped.values())

    @property
    def projection_rate(self) -> float | None:
        """Published entities over source entities: the share of source entities that arrived.

        Over every input sentence, so a dropped sentence counts as entities that did not arrive.
        None where there is no source side or it holds no entity."""
        if not self.source_entities:
            return None
        total = sum(self.source_entities.values())
        return sum(self.entities.values()) / total if total else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "input_sentences": self.input_sentences,
            "sentences": self.sentences,
            "tokens": self.tokens,
            "dropped": dict(sorted(self.dropped.items())),
            "incomplete": dict(sorted(self.incomplete.items())),
            "keep_dropped": self.keep_dropped,
            "entities": dict(sorted(self.entities.items())),
            "source_entities": dict(sorted(self.source_entities.items()))
            if self.source_entities is not None else None,
            "projection_rate": self.projection_rate,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SplitStatistics:
        return cls(
            sentences=int(data["sentences"]),
            tokens=int(data.get("tokens", 0)),
            entities=dict(data.get("entities") or {}),
            dropped=dict(data.get("dropped") or {}),
            incomplete=dict(data.get("incomplete") or {}),
            keep_dropped=bool(data.get("keep_dropped", False)),
            source_entities=dict(data["source_entities"]) if data.get("source_entities") is not None
            else None,
        )
