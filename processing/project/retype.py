"""Give projected spans of a type the label map drops the type the corpus itself gives their text.

A source type outside the target label set (CoNLL-2003's MISC for PER/ORG/LOC targets) is usually
mapped to O before projection. But translation changes what a phrase is: CoNLL's MISC is mostly
nationalities, and "German call" becomes Hausa "kiran Jamus" (Germany's call), "Russian troops"
Shona "mauto eRussia". The target sentence then names a country, which a target-side annotator
tags LOC; a silver corpus that leaves ``Jamus`` O half the time teaches a tagger that country names
are not entities.

So the dropped type is projected under its own name, and each of its projected spans takes the
type that the corpus's *other* projections give the same text (case-folded; for a single prefixed
word such as Shona ``eRussia`` also its name stem, ``russia``: :func:`.names.name_stem`) where that
type holds at least ``min_count`` of those projections and at least ``min_share`` of them. Any
other span keeps its type, which the label map then drops. No word list and no language knowledge:
the evidence is the silver corpus, so the function needs the whole corpus at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from projner.processing.project.names import name_stem
from projner.processing.project.spans import Span


@dataclass(frozen=True)
class RetypeConfig:
    """Which types are retyped, and how much evidence a new type needs."""

    types: tuple[str, ...] = ("MISC",)
    """The source types to retype (those the label map drops)."""
    min_count: int = 3
    """Least number of projections of the text with the new type."""
    min_share: float = 2 / 3
    """Least share of the text's projections (of types not retyped) that have the new type."""
    name_stems: bool = True
    """For a one-word span, also look the word's name stem up (``eRussia`` → ``russia``)."""

    def __post_init__(self) -> None:
        if self.min_count < 1:
            raise ValueError(f"min_count must be >= 1, got {self.min_count}")
        if not 0.5 < self.min_share <= 1.0:
            raise ValueError(f"min_share must lie in (0.5, 1], got {self.min_share}")


@dataclass(frozen=True)
class RetypeResult:
    """Every sentence's spans (retyped spans relabelled, others as given) and what changed."""

    spans: list[list[Span]]
    retyped: dict[str, dict[str, int]] = field(default_factory=dict)
    """Source type → new type → number of spans retyped."""
    untyped: dict[str, int] = field(default_factory=dict)
    """Source type → number of its spans left with it (no type had enough evidence)."""


def lexicon_keys(words: Sequence[str], name_stems: bool = True) -> list[str]:
    """How a span's text is looked up: case-folded, then (for one prefixed word) its name stem."""
    keys = [" ".join(words).casefold()]
    if name_stems and len(words) == 1:
        stem = name_stem(words[0])
        if stem:
            keys.append(stem.casefold())
    return keys


def type_lexicon(words: Sequence[Sequence[str]], spans: Sequence[Sequence[Span]],
                 config: RetypeConfig) -> dict[str, Counter]:
    """Text key → how often the corpus projects it as each type not retyped."""
    lexicon: dict[str, Counter] = {}
    for sentence, sentence_spans in zip(words, spans, strict=True):
        for span in sentence_spans:
            if span.label not in config.types:
                for key in lexicon_keys(sentence[span.start:span.end], config.name_stems):
                    lexicon.setdefault(key, Counter())[span.label] += 1
    return lexicon


def lexicon_type(lexicon: dict[str, Counter], words: Sequence[str], config: RetypeConfig) -> str | None:
    """The type of the first key with enough evidence (see the module docstring), or None."""
    for key in lexicon_keys(words, config.name_stems):
        counts = lexicon.get(key)
        if counts:
            label, count = counts.most_common(1)[0]
            if count >= config.min_count and count >= config.min_share * sum(counts.values()):
                return label
    return None


def retype_spans(words: Sequence[Sequence[str]], spans: Sequence[Sequence[Span]],
                 config: RetypeConfig = RetypeConfig()) -> RetypeResult:
    """Retype the spans of ``config.types`` over a whole corpus (``words[k]`` are sentence ``k``'s
    target words, ``spans[k]`` its projected spans)."""
    lexicon = type_lexicon(words, spans, config)
    retyped: dict[str, Counter] = {}
    untyped: Counter = Counter()
    out: list[list[Span]] = []
    for sentence, sentence_spans in zip(words, spans, strict=True):
        kept = []
        for span in sentence_spans:
            if span.label in config.types:
                label = lexicon_type(lexicon, sentence[span.start:span.end], config)
                if label is None:
                    untyped[span.label] += 1
                else:
                    retyped.setdefault(span.label, Counter())[label] += 1
                    span = Span(span.start, span.end, label)
            kept.append(span)
        out.append(kept)
    return RetypeResult(out, {k: dict(v) for k, v in retyped.items()}, dict(untyped))
