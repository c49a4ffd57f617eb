"""Name links: repair the links of entity words whose translation is spelled (almost) the same.

Names mostly survive translation letter for letter (``Prodi``, ``Barroso``) or nearly so
(``Lapland``/``Lappland``, ``Member``/``membri``), but a statistical aligner trained on a few hundred
sentences has seen a rare name once or never and leaves it unaligned or links it to a neighbour.
Spelling is better evidence than such a link, so for each source *entity* word:

- a word with its own look-alike in the target links to it, and its other links (which contradict
  it) are dropped;
- a name-like word (capitalised, or holding a digit) that has a look-alike among target words of
  the same case, but no link to one, is re-linked to the closest look-alike (all of them on a tie,
  leaving the choice to the projection), replacing the links it had; if another word of the same
  entity was linked to that look-alike, the two had been crossed, and it takes the replaced links;
- a word with no link at all may also take an unlinked look-alike of any case (an orphan paired with
  an orphan: ``Member`` with Italian ``membri`` when the aligner left both alone).

Look-alike: equal after case folding, or both at least ``min_length`` characters, the same first
letter, and a normalised Indel similarity of at least ``threshold``.

Many languages write a short prefix onto a name: Bantu noun-class and locative prefixes (Shona
``weGermany``, ``muHarare``, ``kuHarare``; Chichewa ``mMalawi``), honorifics (Shona ``VaMugabe``,
``naVaMugabe``), elisions (Igbo ``n'Awka``, Italian ``dell'Unione``). A statistical aligner sees each prefixed form as a new rare word, and the
first letters differ, so with ``prefixed_names`` a target word's *name stem* (:func:`name_stem`)
is compared too, and a match links the whole word (which is what a target-side annotator tags:
MasakhaNER labels ``muZimbabwe`` LOC).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex
from rapidfuzz.distance import Indel

from projner.processing.project.casing import LOWER, UPPER, first_case, has_alnum
from projner.processing.project.link_index import LinkIndex
from projner.processing.project.romanize import (
    affix_similarity,
    key_similarity,
    romanize,
    script_head,
    script_of,
    word_key,
)
from projner.processing.project.spans import Span


@dataclass(frozen=True)
class NameMatchConfig:
    """When two words count as look-alikes."""

    threshold: float = 0.7
    """Least normalised Indel similarity (1 - edits / total length) of the case-folded words."""
    min_length: int = 4
    """Shorter words must match exactly (case-folded): short words collide by chance."""
    neighbour_threshold: float | None = 0.5
    """Least similarity for linking an unlinked entity word to an unlinked target word right next
    to (or between) the entity's linked target words, whatever their first letters and case
    (None: off). An entity word that is linked, but to nothing similar, needs ``threshold`` for
    such a link: the aligner's evidence points elsewhere. Both words need ``min_length`` letters."""
    prefixed_names: bool = True
    """Also compare a target word's name stem (``weGermany`` → ``Germany``, see :func:`name_stem`);
    a word matched through its stem counts as capitalised."""
    romanized: bool = True
    """Compare words of different scripts by their romanized sound keys
    (:mod:`~projner.processing.project.romanize`): ``Schulman`` and Thai ``ชูลแมน``."""
    romanized_threshold: float = 0.7
    """Least cross-script similarity: that of the two words' sound keys
    (:func:`~projner.processing.project.romanize.key_similarity`), with a share
    ``romanized_spelling_share`` of their romanized spellings' similarity mixed in."""
    romanized_spelling_share: float = 0.25
    """How much the romanized spellings themselves count beside the sound keys: the keys find
    transliterations (``Kori``/Arabic ``kwry``), the spellings tell apart words whose keys collide
    because the key drops ``h`` and merges vowels (``Berlin``/Korean ``bereulrin`` against
    ``balhwihan``, both ``palan``)."""
    affix_weight: float = 0.5
    """What a symbol before the first or after the last matched one counts in a cross-script
    similarity (1: as much as a mismatch inside the word): a case ending or particle (Korean
    ``이탈리아를`` "Italy" + object marker) costs half a letter, so the whole word still links."""

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must lie in (0, 1], got {self.threshold}")
        if not 0.0 < self.romanized_threshold <= 1.0:
            raise ValueError(f"romanized_threshold must lie in (0, 1], got {self.romanized_threshold}")
        if not 0.0 <= self.romanized_spelling_share <= 1.0:
            raise ValueError(f"romanized_spelling_share must lie in [0, 1], got {self.romanized_spelling_share}")
        if not 0.0 <= self.affix_weight <= 1.0:
            raise ValueError(f"affix_weight must lie in [0, 1], got {self.affix_weight}")
        if self.min_length < 1:
            raise ValueError(f"min_length must be >= 1, got {self.min_length}")


_PREFIXED_NAME = regex.compile(
    r"(?:\p{Lu}\p{Ll}{1,3}|\p{Ll}{1,4})['’ʼ]?(\p{Lu}\p{M}*(?:[\p{L}\p{N}]\p{M}*)+.*)")
"""A prefix of at most four letters (lower-case, or a capital and lower-case: the Shona honorific
``Va``) and an optional apostrophe, then a capitalised word of 2+ letters."""


def name_stem(word: str) -> str | None:
    """The name inside a word that carries short prefixes, or None.

    ``weGermany`` → ``Germany``, ``n'Awka`` → ``Awka``, ``muHarare`` → ``Harare``, ``mMalawi`` →
    ``Malawi``, ``dell'Unione`` → ``Unione``, ``VaMugabe`` → ``Mugabe``, ``naVaNelson`` →
    ``Nelson`` (prefixes stack); None for ``Germany``, ``O'Neal``, ``kuona``, ``USA``. A prefix is at
    most four letters, lower-case or a capital and lower-case, then an optional apostrophe; the name
    starts with a capital. ``McDonald`` gives ``Donald``: harmless, since a stem only adds a link
    where a source entity word looks like it.
    """
    stem = None
    while (match := _PREFIXED_NAME.fullmatch(stem or word)) is not None:
        stem = match.group(1)
    return stem


class _TargetWords:
    """The target words, case-folded (and their case) only where a comparison needs them."""

    __slots__ = ("_folded", "_initials", "_scripts", "_stems", "words")

    def __init__(self, words: Sequence[str], prefixed_names: bool = False) -> None:
        self.words = words
        self._folded: dict[int, str] = {}
        self._scripts: list[str | None] | None = None
        self._initials = [word[:1].casefold()[:1] for word in words]
        self._stems: dict[int, str] = {}
        if prefixed_names:
            for j, word in enumerate(words):
                stem = name_stem(word) or script_head(word)
                if stem is not None:
                    self._stems[j] = stem.casefold()

    def folded(self, j: int) -> str:
        folded = self._folded.get(j)
        if folded is None:
            folded = self._folded[j] = self.words[j].casefold()
        return folded

    def with_initial(self, initial: str) -> list[tuple[int, str]]:
        """``(j, case-folded form)`` of the words, and of the name stems, that start with ``initial``."""
        found = [(j, self.folded(j)) for j, first in enumerate(self._initials) if first == initial]
        found += [(j, stem) for j, stem in self._stems.items() if stem[:1] == initial]
        return found

    def case(self, j: int) -> int:
        """The word's case; a prefixed name (``weGermany``) is a capitalised word."""
        return UPPER if j in self._stems else first_case(self.words[j])

    def script(self, j: int) -> str | None:
        if self._scripts is None:
            self._scripts = [script_of(word) for word in self.words]
        return self._scripts[j]

    def other_script(self, script: str) -> list[int]:
        """The words with letters in a script other than ``script``."""
        return [j for j in range(len(self.words)) if self.script(j) not in (None, script)]


def _look_alikes(word: str, targets: _TargetWords, config: NameMatchConfig) -> dict[int, float]:
    """Target words that look like ``word`` (themselves or through their name stem), with the
    best similarity; in another script, those that sound like it."""
    folded = word.casefold()
    found: dict[int, float] = {}
    short = len(folded) < config.min_length
    for j, other in targets.with_initial(folded[0]):
        if other == folded:
            found[j] = 1.0
        elif not short and len(other) >= config.min_length and has_alnum(other):
            similarity = Indel.normalized_similarity(folded, other, score_cutoff=config.threshold)
            if similarity and similarity > found.get(j, 0.0):
                found[j] = similarity
    script = script_of(word) if config.romanized else None
    if script is not None:
        for j in targets.other_script(script):
            similarity = sound_similarity(word, targets.words[j], config)
            if similarity:
                found[j] = max(similarity, found.get(j, 0.0))
    return found


def sound_similarity(word: str, other: str, config: NameMatchConfig) -> float:
    """How alike two words of different scripts sound, or 0 below ``config.romanized_threshold``.

    Keys shorter than ``min_length`` must be equal (short keys collide by chance), up to a vowel
    that ``other`` adds at the end (Korean ``부시``, ``busi``, for ``Bush``).
    """
    similarity = _sound_similarity(word, other, config)
    return similarity if similarity >= config.romanized_threshold else 0.0


def _sound_similarity(word: str, other: str, config: NameMatchConfig) -> float:
    key, other_key = word_key(word), word_key(other)
    if not key or not other_key:
        return 0.0
    if min(len(key), len(other_key)) < config.min_length:
        return 1.0 if other_key in (key, key + "a") else 0.0
    share = config.romanized_spelling_share
    similarity = (1 - share) * key_similarity(key, other_key, config.affix_weight)
    if share:
        similarity += share * affix_similarity(romanize(word), romanize(other), config.affix_weight)
    return similarity


def add_name_links(
    source_words: Sequence[str],
    entities: Sequence[Span],
    target_words: Sequence[str],
    index: LinkIndex,
    config: NameMatchConfig = NameMatchConfig(),
) -> LinkIndex:
    """``index`` with the links of entity words repaired by spelling (see the module docstring)."""
    if not entities or not target_words:
        return index
    targets_of = [list(t) for t in index.targets]
    target_linked = index.linked_targets()
    words = _TargetWords(target_words, config.prefixed_names)
    changed = False
    spelled: set[int] = set()
    for entity in entities:
        for i in range(entity.start, entity.end):
            word = source_words[i]
            if not has_alnum(word):
                continue
            orphan = not targets_of[i]
            case = first_case(word)
            namelike = case == UPPER or any(char.isdigit() for char in word)
            if not (namelike or orphan):
                continue
            found = _look_alikes(word, words, config)
            if not found:
                continue
            allowed = {
                j: similarity
                for j, similarity in found.items()
                if (namelike and not (case == UPPER and words.case(j) == LOWER))
                or (orphan and j not in target_linked)
            }
            if not allowed:
                continue
            spelled.add(i)
            current = targets_of[i]
            if any(j in allowed for j in current):
                kept = [j for j in current if j in allowed]
            elif current and _sounds_linked(word, current, allowed, words, config):
                continue
            else:
                best = max(allowed.values())
                kept = sorted(j for j, similarity in allowed.items() if similarity == best)
                _uncross(entity, i, kept, current, targets_of)
            if kept != current:
                targets_of[i] = kept
                changed = True
    if config.romanized:
        changed |= _link_written_together(source_words, entities, words, targets_of, spelled, config)
    if config.neighbour_threshold is not None:
        changed |= _link_neighbours(source_words, entities, words, targets_of, config)
    if not changed:
        return index
    return LinkIndex(targets_of, index.n_target)


def _link_written_together(
    source_words: Sequence[str],
    entities: Sequence[Span],
    words: _TargetWords,
    targets_of: list[list[int]],
    spelled: set[int],
    config: NameMatchConfig,
) -> bool:
    """Link a run of entity words to one target word of another script that sounds like the run
    written together: ``Hong Kong`` is Korean ``홍콩`` (``hongkong``), ``Papua New Guinea`` Korean
    ``파푸아뉴기니``. Longest runs first; a run takes part only where none of its words, and not its
    first, found a look-alike of its own, and its first word is capitalised."""
    changed = False
    for entity in entities:
        if entity.end - entity.start < 2:
            continue
        script = script_of(source_words[entity.start])
        if script is None:
            continue
        candidates = words.other_script(script)
        for length in range(entity.end - entity.start, 1, -1):
            for start in range(entity.start, entity.end - length + 1):
                run = range(start, start + length)
                if spelled.intersection(run) or first_case(source_words[start]) != UPPER:
                    continue
                joined = "".join(source_words[k] for k in run)
                scored = {j: sound_similarity(joined, words.words[j], config) for j in candidates}
                best = max(scored.values(), default=0.0)
                if best:
                    kept = sorted(j for j, similarity in scored.items() if similarity == best)
                    for k in run:
                        targets_of[k] = kept
                    spelled.update(run)
                    changed = True
    return changed


def _sounds_linked(word: str, current: list[int], allowed: dict[int, float], words: _TargetWords,
                   config: NameMatchConfig) -> bool:
    """Whether a word whose look-alikes are all in another script is already linked to a word
    that sounds like it at ``neighbour_threshold``: sound keys are weaker evidence than spelling,
    and a good aligner's link to a transliteration just under the threshold (Hindi with the
    neural aligner) should not give way to a closer sound-alike elsewhere."""
    script = script_of(word)
    if any(words.script(j) in (None, script) for j in allowed):
        return False
    return any(_neighbour_similarity(word, j, words, config) >= config.neighbour_threshold for j in current)


def _uncross(entity: Span, i: int, kept: list[int], current: list[int], targets_of: list[list[int]]) -> None:
    """Where another word of the same entity held the look-alike, hand it ``i``'s old targets.

    The aligner found the entity's words but crossed them (``Member``→``Stati``,
    ``States``→``membri``); re-linking ``States`` to ``Stati`` alone would orphan ``membri``.
    """
    if not current:
        return
    taken = set(kept)
    for k in range(entity.start, entity.end):
        if k != i and taken.intersection(targets_of[k]):
            targets_of[k] = sorted({j for j in targets_of[k] if j not in taken} | set(current))


def _neighbour_similarity(word: str, j: int, words: _TargetWords, config: NameMatchConfig) -> float:
    """Spelling similarity of ``word`` and target word ``j`` (0 for words under ``min_length``);
    across scripts, that of their sound keys."""
    other = words.words[j]
    if not has_alnum(other):
        return 0.0
    script = script_of(word) if config.romanized else None
    if script is not None and words.script(j) not in (None, script):
        return _sound_similarity(word, other, config)
    if len(other) < config.min_length:
        return 0.0
    return Indel.normalized_similarity(word.casefold(), words.folded(j))


def _link_neighbours(
    source_words: Sequence[str],
    entities: Sequence[Span],
    words: _TargetWords,
    targets_of: list[list[int]],
    config: NameMatchConfig,
) -> bool:
    """Link entity words to similar unlinked target words beside the entity's links.

    Position makes weaker spelling evidence safe: ``States`` and Spanish ``Estados`` differ in their
    first letters, but an unlinked ``Estados`` right next to ``miembros`` (linked to ``Member``) is
    ``States``' translation. A word linked to nothing similar needs a full look-alike: ``Rural``,
    linked to the article ``lo``, also takes the unlinked ``rurale`` after ``sviluppo``
    (``Development``). The new link is added, not substituted.
    """
    linked_targets = {j for targets in targets_of for j in targets}
    changed = False
    for entity in entities:
        for i in range(entity.start, entity.end):
            word = source_words[i]
            if len(word) < config.min_length or not has_alnum(word):
                continue
            threshold = config.threshold if targets_of[i] else config.neighbour_threshold
            if any(_neighbour_similarity(word, j, words, config) >= threshold for j in targets_of[i]):
                continue
            anchors = [j for k in range(entity.start, entity.end) for j in targets_of[k]]
            if not anchors:
                break
            best, best_j = threshold, -1
            for j in range(max(0, min(anchors) - 1), min(len(words.words), max(anchors) + 2)):
                if j in linked_targets:
                    continue
                similarity = _neighbour_similarity(word, j, words, config)
                if similarity >= best:
                    best, best_j = similarity, j
            if best_j >= 0:
                targets_of[i] = sorted(targets_of[i] + [best_j])
                linked_targets.add(best_j)
                changed = True
    return changed
