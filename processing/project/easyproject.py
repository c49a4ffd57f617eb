"""EasyProject (Chen et al., 2023): entities travel through translation inside ``[ ]`` markers.

The source sentence is translated with its entities wrapped in square brackets (the convention of
the EasyProject NLLB model); the marked translation is then parsed back into words and spans, and
each marked span is given the label of the source entity whose separately translated name it
resembles most. Translation output is not always tidy, so parsing is lenient and says what it met:

- a ``[`` inside an open span is a nested marker: the outermost pair wins;
- a ``]`` with nothing open, or a ``[`` never closed, is dropped;
- a marker is a word boundary even where it is glued to words (``in[Paris]`` reads ``in Paris``),
  so removing it never glues two words together.

Matching, in order: exact string (case-folded) with an entity's translation or its source text;
then the most similar remaining (span, entity) pair above ``threshold`` (the best match wins, never
merely the last one scanned), repeatedly; then, if exactly one span and one entity are left,
elimination pairs them. Whatever stays unmatched is reported; nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from projner.processing.project.spans import ScoredSpan, Span

OPEN, CLOSE = "[", "]"
WordSplitter = Callable[[str], tuple[list[str], list[tuple[int, int]]]]
"""Splits text into words with their character spans (e.g. ``processing.text.split_words``)."""


def mark_words(words: Sequence[str], entities: Sequence[Span]) -> list[str]:
    """Source words with ``[`` and ``]`` words around each entity, ready to detokenise and translate.

    Brackets already in the text would read as markers, so they become parentheses first.
    """
    cleaned = [w.replace(OPEN, "(").replace(CLOSE, ")") for w in words]
    starts = {span.start for span in entities}
    ends = {span.end for span in entities}
    marked: list[str] = []
    for index, word in enumerate(cleaned):
        if index in ends:
            marked.append(CLOSE)
        if index in starts:
            marked.append(OPEN)
        marked.append(word)
    if len(cleaned) in ends:
        marked.append(CLOSE)
    return marked


@dataclass(frozen=True)
class MarkedText:
    """A translation with its markers taken out: clean text, marked character spans, problems met."""

    text: str
    spans: tuple[tuple[int, int], ...]
    problems: tuple[str, ...]


def parse_markers(marked: str) -> MarkedText:
    """Remove ``[``/``]`` from ``marked``; return the text and the character spans they enclosed."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    problems: list[str] = []
    depth, opened = 0, 0

    def separate() -> None:
        """A removed marker between two words must leave a space, not glue them."""
        if out and not out[-1].isspace():
            out.append(" ")

    for position, char in enumerate(marked):
        if char == OPEN:
            if depth:
                problems.append(f"nested marker at character {position}")
            else:
                separate()
                opened = len(out)
            depth += 1
        elif char == CLOSE:
            if not depth:
                problems.append(f"closing marker without an opening one at character {position}")
                continue
            depth -= 1
            if not depth:
                separate()
                spans.append((opened, len(out)))
        elif char.isspace() and out and out[-1].isspace():
            continue
        else:
            out.append(char)
    if depth:
        problems.append("opening marker never closed")
    text = "".join(out)
    trimmed: list[tuple[int, int]] = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            problems.append("empty marked span")
        else:
            trimmed.append((start, end))
    return MarkedText(text, tuple(trimmed), tuple(problems))


@dataclass(frozen=True)
class EasyProjectConfig:
    """How marked spans are matched to source entities."""

    threshold: float = 0.5
    """Least similarity (normalised Indel, case-folded) for a fuzzy match."""
    elimination: bool = True
    """Pair the last unmatched span with the last unmatched entity whatever their similarity."""


@dataclass(frozen=True)
class EasyProjectResult:
    """Target words, matched spans (source entity index → span with similarity), what went wrong."""

    words: list[str]
    matches: tuple[tuple[int, ScoredSpan], ...]
    problems: tuple[str, ...]

    @property
    def reason(self) -> str:
        """Empty when every entity found its span and the markers were clean; else the problems."""
        return "; ".join(self.problems)


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def match_spans(
    span_texts: Sequence[str],
    entity_texts: Sequence[Sequence[str]],
    config: EasyProjectConfig = EasyProjectConfig(),
) -> list[tuple[int, int, float]]:
    """``(span index, entity index, similarity)`` matches; each entity's texts are its candidates
    (its separate translation and its source text)."""
    spans = [_fold(t) for t in span_texts]
    entities = [[_fold(t) for t in texts if t.strip()] for texts in entity_texts]
    free_spans = set(range(len(spans)))
    free_entities = set(range(len(entities)))
    matches: list[tuple[int, int, float]] = []
    for s in range(len(spans)):
        for e in sorted(free_entities):
            if spans[s] in entities[e]:
                matches.append((s, e, 1.0))
                free_spans.discard(s)
                free_entities.discard(e)
                break
    scored = sorted(
        (
            (max((Indel.normalized_similarity(spans[s], text) for text in entities[e]), default=0.0), s, e)
            for s in free_spans
            for e in free_entities
        ),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    for similarity, s, e in scored:
        if similarity < config.threshold:
            break
        if s in free_spans and e in free_entities:
            matches.append((s, e, similarity))
            free_spans.discard(s)
            free_entities.discard(e)
    if config.elimination and len(free_spans) == 1 and len(free_entities) == 1:
        s, e = free_spans.pop(), free_entities.pop()
        similarity = max((Indel.normalized_similarity(spans[s], t) for t in entities[e]), default=0.0)
        matches.append((s, e, similarity))
    return sorted(matches)


def _word_span(offsets: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """Words overlapping characters ``start..end-1`` (a word the splitter runs across a span
    boundary is taken whole)."""
    inside = [k for k, (a, b) in enumerate(offsets) if a < end and start < b]
    return (inside[0], inside[-1] + 1) if inside else None


def project_marked(
    marked: str,
    source_words: Sequence[str],
    entities: Sequence[Span],
    entity_translations: Sequence[str],
    split: WordSplitter,
    config: EasyProjectConfig = EasyProjectConfig(),
) -> EasyProjectResult:
    """Target words and labelled spans from a marked translation (see the module docstring).

    ``entity_translations[k]`` is entity ``k`` translated on its own; ``split`` cuts the clean
    translation into words with character offsets.
    """
    if len(entity_translations) != len(entities):
        raise ValueError(f"{len(entities)} entities but {len(entity_translations)} entity translations")
    parsed = parse_markers(marked)
    words, offsets = split(parsed.text)
    problems = list(parsed.problems)
    span_texts = [parsed.text[a:b] for a, b in parsed.spans]
    candidates = [
        (translation, " ".join(source_words[e.start:e.end]))
        for translation, e in zip(entity_translations, entities)
    ]
    matched_entities: set[int] = set()
    taken: list[tuple[int, ScoredSpan]] = []
    settled: set[int] = set()
    for s, e, similarity in match_spans(span_texts, candidates, config):
        settled.add(s)
        word_span = _word_span(offsets, *parsed.spans[s])
        if word_span is None:
            problems.append(f"marked span {span_texts[s]!r} holds no word")
            continue
        span = Span(word_span[0], word_span[1], entities[e].label)
        if any(span.overlaps(other.span) for _, other in taken):
            problems.append(f"marked span {span_texts[s]!r} overlaps another")
            continue
        taken.append((e, ScoredSpan(span, similarity)))
        matched_entities.add(e)
    for s, text in enumerate(span_texts):
        if s not in settled:
            problems.append(f"marked span {text!r} matches no entity")
    for e, entity in enumerate(entities):
        if e not in matched_entities:
            name = " ".join(source_words[entity.start:entity.end])
            problems.append(f"entity {e} ({entity.label} {name!r}) has no marked span")
    taken.sort(key=lambda item: item[1].span.start)
    return EasyProjectResult(words, tuple(taken), tuple(problems))
