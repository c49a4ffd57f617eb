"""Drop projected spans whose words the corpus itself says are common words, not names.

A source name does not always have a name in the target: English writes ``World War``, ``Bronze
Age`` or ``Treaty`` with capitals, and a translation often renders them as common nouns (Hindi
``विश्व``, Korean ``시대``, Thai ``สนธิสัญญา``), which a target annotator leaves untagged. Projection
still finds the words the entity is linked to and tags them. In a script without capitals nothing
in the sentence tells the two cases apart, but the corpus does: a common noun is also the
translation of lower-case words elsewhere (``world``, ``age``, ``treaty``), a name almost only of
names (``미국`` of ``America`` and ``U.S.``, a transliteration of its source name).

So every target word type (case-folded) gets its **name share**: of the corpus's links into it from
source words with a letter or digit, the share that comes from words inside source entities. A
projected span is kept if one of its words (with a letter or digit) has a name share of at least
``min_share``, or has no link anywhere in the corpus (no evidence either way). The links are those
the projection used (after name links, :mod:`.names`), so a transliterated name that the aligner
missed still counts as linked from its name. No word list and no language knowledge: like
:mod:`.retype`, the evidence is the corpus, so the function needs the whole corpus at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from projner.processing.align.links import Link
from projner.processing.project.casing import has_alnum
from projner.processing.project.spans import Span


@dataclass(frozen=True)
class NameEvidenceConfig:
    """How much of a word's use as a translation must be of names for a span on it to stay."""

    min_share: float = 0.5
    """Least name share (links from source entity words / links from source words with a letter or
    digit) that one word of a kept span needs: at 0.5, a span is dropped where each of its words is
    more often the translation of a common word than of a name."""

    def __post_init__(self) -> None:
        if not 0.0 < self.min_share <= 1.0:
            raise ValueError(f"min_share must lie in (0, 1], got {self.min_share}")


@dataclass(frozen=True)
class NameShares:
    """Per case-folded target word: links from source entity words and from any word with a letter
    or digit, over a corpus."""

    from_names: Counter
    from_words: Counter

    def share(self, word: str) -> float | None:
        """The word's name share, or None where the corpus links nothing into it."""
        key = word.casefold()
        total = self.from_words[key]
        return self.from_names[key] / total if total else None


def name_shares(
    source_words: Sequence[Sequence[str]],
    entities: Sequence[Sequence[Span]],
    target_words: Sequence[Sequence[str]],
    links: Sequence[Iterable[Link]],
) -> NameShares:
    """Count, for every target word type of a corpus, its links from names and from all words."""
    from_names: Counter = Counter()
    from_words: Counter = Counter()
    for source, spans, target, pair in zip(source_words, entities, target_words, links, strict=True):
        inside = {i for span in spans for i in range(span.start, span.end)}
        for i, j in pair:
            if has_alnum(source[i]):
                key = target[j].casefold()
                from_words[key] += 1
                if i in inside:
                    from_names[key] += 1
    return NameShares(from_names, from_words)


def is_named(words: Sequence[str], shares: NameShares, config: NameEvidenceConfig) -> bool:
    """Whether a span over ``words`` has a word the corpus uses as a name (see the module doc)."""
    for word in words:
        if has_alnum(word):
            share = shares.share(word)
            if share is None or share >= config.min_share:
                return True
    return False


SpanLike = TypeVar("SpanLike")


def keep_named(
    target_words: Sequence[Sequence[str]],
    spans: Sequence[Sequence[SpanLike]],
    shares: NameShares,
    config: NameEvidenceConfig = NameEvidenceConfig(),
) -> list[list[SpanLike]]:
    """Each sentence's spans (anything with ``start`` and ``end``) without those :func:`is_named`
    rejects, in their order."""
    return [[span for span in sentence_spans
             if is_named(words[span.start:span.end], shares, config)]  # type: ignore[attr-defined]
            for words, sentence_spans in zip(target_words, spans, strict=True)]
