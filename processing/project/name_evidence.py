"""Drop projected spans whose words the corpus itself says are common words, not names.

A source name does not always have a name in the target: English writes ``World War``, ``Bronze
Age`` or ``Treaty`` with capitals, and a translation often renders them as common nouns (Hindi
``विश्व``, Korean ``시대``, Thai ``สนธิสัญญา``), which a target annotator leaves untagged. Projection
still finds the words the entity is linked to and tags them. In a script without capitals nothing
in the sentence tells the two cases apart, but the corpus does: a common noun is also the
translation of lower-case words elsewhere (``world``, ``age``, ``treaty``), a name almost only of
names (``미국`` of ``America`` and ``U.S.``, a transliteration of its source name).

So every target word type (case-folded) gets its **name share** over its occurrences in the
corpus: an occurrence is a *name use* where a word inside a source entity links to it, a *common
use* where only words outside entities link to it and one of them is not capitalised (lower case,
or a script without case); an occurrence linked only from capitalised words outside entities says
nothing (a sentence's first word, a name the source annotation left out), nor does one linked from
nothing. Counting occurrences, not links, keeps a compound that joins a name and a noun (German
``EU-Recht``, "EU law") a name use. A projected span is kept if one of its words (with a letter or
digit) has a name share of at least ``min_share``, or no counted use (no evidence either way). The
links are those the projection used (after name links, :mod:`.names`), so a transliterated name
that the aligner missed still counts as linked from its name. No word list and no language knowledge: like
:mod:`.retype`, the evidence is the corpus, so the function needs the whole corpus at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from projner.processing.align.links import Link
from projner.processing.project.casing import UPPER, first_case, has_alnum
from projner.processing.project.spans import Span

COMMON_WORD = "common word"
"""Why a projected span was dropped: each of its words is used more as a common word than as a name."""


@dataclass(frozen=True)
class NameEvidenceConfig:
    """How much of a word's use as a translation must be of names for a span on it to stay."""

    min_share: float = 0.5
    """Least name share (name uses / name and common uses) that one word of a kept span needs: at
    0.5, a span is dropped where each of its words is more often the translation of a common word
    than of a name."""

    def __post_init__(self) -> None:
        if not 0.0 < self.min_share <= 1.0:
            raise ValueError(f"min_share must lie in (0, 1], got {self.min_share}")


@dataclass(frozen=True)
class NameShares:
    """Per case-folded target word: its name uses and its common uses over a corpus."""

    names: Counter
    common: Counter

    def share(self, word: str) -> float | None:
        """The word's name share, or None where the corpus has no counted use of it."""
        key = word.casefold()
        total = self.names[key] + self.common[key]
        return self.names[key] / total if total else None


def name_shares(
    source_words: Sequence[Sequence[str]],
    entities: Sequence[Sequence[Span]],
    target_words: Sequence[Sequence[str]],
    links: Sequence[Iterable[Link]],
) -> NameShares:
    """Count, for every target word type of a corpus, its name uses and its common uses."""
    names: Counter = Counter()
    common: Counter = Counter()
    for source, spans, target, pair in zip(source_words, entities, target_words, links, strict=True):
        inside = {i for span in spans for i in range(span.start, span.end)}
        linked_from: dict[int, list[int]] = {}
        for i, j in pair:
            if has_alnum(source[i]):
                linked_from.setdefault(j, []).append(i)
        for j, sources in linked_from.items():
            if any(i in inside for i in sources):
                names[target[j].casefold()] += 1
            elif any(first_case(source[i]) != UPPER for i in sources):
                common[target[j].casefold()] += 1
    return NameShares(names, common)


def is_named(words: Sequence[str], shares: NameShares, config: NameEvidenceConfig) -> bool:
    """Whether a span over ``words`` has a word the corpus uses as a name (see the module doc)."""
    for word in words:
        if has_alnum(word):
            share = shares.share(word)
            if share is None or share >= config.min_share:
                return True
    return False


def named_spans(
    source_words: Sequence[Sequence[str]],
    entities: Sequence[Sequence[Span]],
    target_words: Sequence[Sequence[str]],
    links: Sequence[Iterable[Link]],
    spans: Sequence[Sequence[Span]],
    config: NameEvidenceConfig = NameEvidenceConfig(),
) -> list[list[bool]]:
    """Per sentence, per projected span: whether it stays, from the name shares of the whole corpus
    (``links``: those the projection used). What the stage and the benchmark both call."""
    shares = name_shares(source_words, entities, target_words, links)
    return [[is_named(words[span.start:span.end], shares, config) for span in sentence_spans]
            for words, sentence_spans in zip(target_words, spans, strict=True)]
