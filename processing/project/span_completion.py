"""Complete projected spans to the word sequences the corpus itself projects as whole names.

A translation does not always name an entity the way its source does: English and Spanish write
``EU``/``UE`` where Italian writes ``Unione europea``, English ``UN`` where another language writes
the full ``Nazioni Unite``. The aligner links the short form to one word of the long one, and the
projection tags ``Unione`` alone, while the target annotators tag the whole name wherever it is
written. Elsewhere in the same corpus the sources wrote the full name (``European Union``) and the
projection put a span on all of ``Unione europea``. Annotators tag the same words the same way
throughout a text (the "one sense per discourse" that Krishnan & Manning, 2006, exploit for NER), so
the corpus's own projections say how far the name reaches.

A word sequence (case-folded, two to ``max_words`` words) is a **whole name** where the corpus
projects a span on exactly it at least ``min_count`` times, and at least a share ``min_share`` of
its occurrences that any projected span touches are such exact spans (where the sequence is part of
an entity at all, it is usually all of it). A projected span strictly inside an occurrence of a
whole name of its own type is widened to that occurrence (to the longest, where several qualify),
unless the widened span would overlap another projected span. Spans are never shortened, dropped or
retyped. No word list and no language knowledge: like :mod:`.retype` and :mod:`.name_evidence`, the
evidence is the corpus, so the function needs the whole corpus at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from projner.processing.project.spans import Span

Words = tuple[str, ...]


@dataclass(frozen=True)
class SpanCompletionConfig:
    """When a word sequence counts as a whole name, and how long one may be."""

    min_count: int = 3
    """Least number of projected spans on exactly the sequence (rarer sequences are no evidence)."""
    min_share: float = 0.5
    """Least share of the sequence's touched occurrences that are spans on exactly it."""
    max_words: int = 6
    """Longest sequence considered (longer projected spans are left as they are)."""

    def __post_init__(self) -> None:
        if self.min_count < 1:
            raise ValueError(f"min_count must be >= 1, got {self.min_count}")
        if not 0.0 < self.min_share <= 1.0:
            raise ValueError(f"min_share must lie in (0, 1], got {self.min_share}")
        if self.max_words < 2:
            raise ValueError(f"max_words must be >= 2, got {self.max_words}")


def whole_names(
    target_words: Sequence[Sequence[str]], spans: Sequence[Sequence[Span]], config: SpanCompletionConfig
) -> dict[Words, str]:
    """The corpus's whole names (see the module doc), each with the type most of its spans have."""
    exact: Counter = Counter()
    types: dict[Words, Counter] = {}
    for words, sentence in zip(target_words, spans, strict=True):
        for span in sentence:
            if 2 <= len(span) <= config.max_words:
                key = _key(words, span.start, span.end)
                exact[key] += 1
                types.setdefault(key, Counter())[span.label] += 1
    frequent = {key for key, count in exact.items() if count >= config.min_count}
    touched: Counter = Counter()
    for words, sentence in zip(target_words, spans):
        for start, end, key in _occurrences(words, frequent, config.max_words):
            if any(span.start < end and start < span.end for span in sentence):
                touched[key] += 1
    return {key: types[key].most_common(1)[0][0] for key in frequent
            if exact[key] >= config.min_share * touched[key]}


def complete_spans(
    target_words: Sequence[Sequence[str]],
    spans: Sequence[Sequence[Span]],
    config: SpanCompletionConfig = SpanCompletionConfig(),
) -> list[list[Span]]:
    """Every sentence's spans, each widened to the longest whole name of its type around it that
    overlaps no other span of the sentence (see the module doc)."""
    names = whole_names(target_words, spans, config)
    completed = []
    for words, sentence in zip(target_words, spans):
        occurrences = _occurrences(words, names.keys(), config.max_words)
        current = list(sentence)  # spans widened so far, the rest as projected: none may overlap
        for k, span in enumerate(sentence):
            best = span
            for start, end, key in occurrences:
                if not (start <= span.start and span.end <= end and end - start > len(best)):
                    continue
                if names[key] != span.label:
                    continue
                if any(j != k and other.start < end and start < other.end for j, other in enumerate(current)):
                    continue
                best = Span(start, end, span.label)
            current[k] = best
        completed.append(current)
    return completed


def _key(words: Sequence[str], start: int, end: int) -> Words:
    return tuple(word.casefold() for word in words[start:end])


def _occurrences(words: Sequence[str], keys: Collection[Words], max_words: int) -> list[tuple[int, int, Words]]:
    """Every (start, end, key) whose case-folded words are one of ``keys``."""
    if not keys:
        return []
    found = []
    for start in range(len(words)):
        for end in range(start + 2, min(len(words), start + max_words) + 1):
            key = _key(words, start, end)
            if key in keys:
                found.append((start, end, key))
    return found
