"""Entity spans and IOB2 tags, one from the other.

A span is ``(start, end, label)`` over word indices with ``end`` exclusive, the form every
projection method works in; tags are only the way spans are stored in a dataset.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from projner.labels import OUTSIDE, split_tag


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Words ``start`` to ``end - 1`` form one entity of type ``label``."""

    start: int
    end: int
    label: str

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"empty or negative span {self.start}..{self.end}")

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class ScoredSpan:
    """A projected span with the score that chose it (1.0 where a method has no score)."""

    span: Span
    score: float

    def as_dict(self) -> dict:
        """The ``src_entities``/``tgt_entities`` column form."""
        return {"start": self.span.start, "end": self.span.end, "label": self.span.label,
                "score": float(self.score)}


def tags_to_spans(tags: Sequence[str]) -> list[Span]:
    """Spans of a strict IOB2 sequence; an ``I-X`` that does not continue an ``X`` starts a new one.

    The lenient start keeps IOB1-style input usable; scoring stays strict (seqeval) elsewhere.
    """
    spans: list[Span] = []
    start, label = -1, ""
    for index, tag in enumerate(tags):
        prefix, etype = split_tag(tag)
        if prefix == "I" and label == etype:
            continue
        if label:
            spans.append(Span(start, index, label))
        start, label = (index, etype) if prefix != OUTSIDE else (-1, "")
    if label:
        spans.append(Span(start, len(tags), label))
    return spans


def spans_to_tags(spans: Iterable[Span], length: int) -> list[str]:
    """Valid IOB2 tags for non-overlapping spans inside a sentence of ``length`` words."""
    tags = [OUTSIDE] * length
    for span in sorted(spans):
        if span.end > length:
            raise ValueError(f"span {span} runs past the sentence end ({length} words)")
        if any(tag != OUTSIDE for tag in tags[span.start:span.end]):
            raise ValueError(f"span {span} overlaps another span")
        tags[span.start] = f"B-{span.label}"
        for index in range(span.start + 1, span.end):
            tags[index] = f"I-{span.label}"
    return tags


def spans_from_dicts(entities: Iterable[dict]) -> list[Span]:
    """Spans from ``{start, end, label, score}`` dicts (the entity columns), scores dropped."""
    return [Span(int(e["start"]), int(e["end"]), str(e["label"])) for e in entities]
