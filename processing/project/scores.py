"""How well a target candidate span fits a source entity: link scores, outside scores, their fusion.

Built-in scores, each in [0, 1] except ``alignment`` (which exceeds 1 where words have several links):

- ``alignment``: 2·A / (|s| + |t|), A the links between the entity's and the candidate's words
  (Politov et al.'s score);
- ``coverage``: (source words with a link into the candidate + candidate words with a link from
  the entity) / (|s| + |t|). Unlike ``alignment`` it does not reward a word for having many links,
  so a function word that the symmetrisation attached to an entity word ("gli Stati membri",
  "die Mitgliedstaaten") adds as much as it costs instead of pulling the boundary outwards;
- ``ner``: the probability a target-side model gives the candidate span with the entity's type
  (spans supplied from outside, see :class:`ExternalSpan`).

Further scores (translation likelihood…) are callables passed in by name (:data:`PairScorer`).
They are fused as a weighted sum, then multiplied by a case factor: where the source entity starts
with a capital, a candidate whose first word is lower case, punctuation, or sentence-initial (where
a capital says nothing) is scaled by ``case_mismatch_factor``. With the default 0.95 this only
decides between candidates whose evidence is (nearly) equal, e.g. "los Estados Miembros" against
"Estados Miembros" when the aligner linked the article too.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from projner.processing.project.casing import UNCASED, UPPER, first_case, has_alnum
from projner.processing.project.link_index import LinkIndex
from projner.processing.project.spans import Span

LINK_SCORES = ("alignment", "coverage")
"""Scores computed from links alone; for these, trimming unlinked boundary words never lowers a score."""
BUILTIN_SCORES = LINK_SCORES + ("ner",)
TIE_BREAK = 1e-6
"""Per capitalised word: far below any difference in real evidence (at least ~1e-4 here)."""
LINKED_TIE_BREAK = 1e-9
"""Per linked target word: below the capital tie-break, so it only decides what that leaves equal."""


@dataclass(frozen=True, slots=True)
class ExternalSpan:
    """A target span proposed from outside (e.g. by a target-language NER model) with its probability.

    ``label`` None proposes the span for any entity type.
    """

    start: int
    end: int
    label: str | None
    probability: float


@dataclass(frozen=True, slots=True)
class EntityContext:
    """What a pair scorer may look at: the sentence pair, its links, and which entity is scored."""

    source_words: Sequence[str]
    target_words: Sequence[str]
    entities: Sequence[Span]
    index: LinkIndex
    entity: int


PairScorer = Callable[[EntityContext, Sequence[tuple[int, int]]], Sequence[float]]
"""A further score: for one entity and its candidate spans ``(start, end)``, one value per span."""


@dataclass(frozen=True)
class ScoreConfig:
    """Which scores count, with what weight; the case factor; the least score a match needs."""

    weights: tuple[tuple[str, float], ...] = (("coverage", 1.0),)
    """``(score name, weight)`` pairs; names are built-in scores or keys of the ``scorers`` given."""
    case_mismatch_factor: float = 0.95
    """Multiplier for a candidate whose first word is not capitalised like the entity's (1: off)."""
    min_score: float = 0.0
    """A pair is admissible only if its fused score exceeds this."""
    capital_tie_break: bool = True
    """Between spans of (otherwise) equal score for a capitalised entity, prefer the one with more
    capitalised words: "Estados Unidos" over "Estados" when "America" is linked to both."""
    linked_tie_break: bool = False
    """Between spans of (otherwise) equal score, prefer the one that holds more of the target words
    the entity links to. Coverage counts a target word linked from an entity word the same whether
    the span includes it or not, once every word is covered: "Beijing" linked to both characters of
    北京 (PAN-X zh tokens are characters) scores 1 on 北 alone and on 北京. On for targets written
    without spaces (the pipelines and ``project-parallel --target-lang`` set it); off elsewhere,
    where the extra linked word is more often a postposition or a title (Hindi रूस की, pud-names
    hi 69.8 → 68.9 with it on, docs/alignment.md)."""
    punctuation_links: bool = False
    """Count links from entity words that hold a letter or digit into punctuation-only target words.
    Off by default: a word is not translated as ``+`` or ``,``, and such a link only pulls a span's
    edge onto punctuation (Igbo "London Newsroom" → "London +"). Off still keeps links into
    punctuation between the entity's links into words (``PPE-DE`` → ``PPE / DE-Fraktion``) and
    links from punctuation inside the entity (``-`` in "Bosnia - Herzegovina")."""

    def __post_init__(self) -> None:
        if not self.weights:
            raise ValueError("weights must name at least one score")
        for name, weight in self.weights:
            if weight < 0:
                raise ValueError(f"weight of {name!r} must be >= 0, got {weight}")
        if not 0.0 < self.case_mismatch_factor <= 1.0:
            raise ValueError(f"case_mismatch_factor must lie in (0, 1], got {self.case_mismatch_factor}")

    def weight(self, name: str) -> float:
        return sum(w for n, w in self.weights if n == name)

    def check_scorers(self, scorers: Mapping[str, PairScorer]) -> None:
        """Every weighted name must be a built-in score or a scorer passed in."""
        for name, _ in self.weights:
            if name not in BUILTIN_SCORES and name not in scorers:
                known = ", ".join(BUILTIN_SCORES + tuple(scorers))
                raise ValueError(f"unknown score {name!r} (known: {known})")


class EntityLinks:
    """One entity's links as prefix sums over its target window, for O(entity) scoring of a span.

    Links into punctuation are no evidence on their own: a pair needs a link into a word with a
    letter or digit (a comma says nothing about where a name went). ``source_alnum`` (which source
    words hold a letter or digit) drops the links of such words into punctuation-only target words
    outside the entity's other links (``ScoreConfig.punctuation_links`` off): inside them the
    punctuation belongs to the name (``PPE / DE-Fraktion``); None keeps every link.
    """

    __slots__ = ("_evidence", "_linked", "_links", "first", "last", "size", "targets")

    def __init__(self, index: LinkIndex, entity: Span, alnum: Sequence[bool],
                 source_alnum: Sequence[bool] | None = None) -> None:
        self.size = entity.end - entity.start
        self.targets = [index.targets[i] for i in range(entity.start, entity.end)]
        if source_alnum is not None and any(not alnum[j] for targets in self.targets for j in targets):
            inner = [j for targets in self.targets for j in targets if alnum[j]]
            lo, hi = (min(inner), max(inner)) if inner else (0, -1)
            self.targets = [[j for j in targets if alnum[j] or lo < j < hi] if source_alnum[i] else targets
                            for i, targets in zip(range(entity.start, entity.end), self.targets)]
        counts: dict[int, int] = {}
        for targets in self.targets:
            for j in targets:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            self.first, self.last = 0, -1
            self._links = self._linked = self._evidence = [0]
            return
        self.first, self.last = min(counts), max(counts)
        links, linked, evidence = [0], [0], [0]
        for j in range(self.first, self.last + 1):
            count = counts.get(j, 0)
            links.append(links[-1] + count)
            linked.append(linked[-1] + (1 if count else 0))
            evidence.append(evidence[-1] + (1 if count and alnum[j] else 0))
        self._links, self._linked, self._evidence = links, linked, evidence

    def linked_positions(self) -> list[int]:
        """Target words with at least one link from the entity, in order."""
        return [j for j in range(self.first, self.last + 1)
                if self._linked[j - self.first + 1] > self._linked[j - self.first]]

    def counts(self, start: int, end: int) -> tuple[int, int, int, bool]:
        """``(links, linked target words, covered source words, evidence)`` between the entity and
        target words ``start..end-1``; evidence: a link into a word with a letter or digit."""
        lo = min(max(start, self.first), self.last + 1) - self.first
        hi = min(max(end, self.first), self.last + 1) - self.first
        if hi <= lo:
            return 0, 0, 0, False
        covered = 0
        for targets in self.targets:
            if targets:
                k = bisect_left(targets, start)
                if k < len(targets) and targets[k] < end:
                    covered += 1
        return (self._links[hi] - self._links[lo], self._linked[hi] - self._linked[lo], covered,
                self._evidence[hi] > self._evidence[lo])


def case_agrees(entity_case: int, target_cases: Sequence[int], start: int, alnum: Sequence[bool]) -> bool:
    """Whether a candidate starting at ``start`` begins like a name when the entity does.

    Only a source entity starting with a capital constrains; a target word of an uncased script
    (or a number) agrees; punctuation and the sentence's first word (capitalised anyway) do not.
    """
    if entity_case != UPPER:
        return True
    if not alnum[start]:
        return False
    case = target_cases[start]
    if case == UNCASED:
        return True
    return case == UPPER and start > 0


class SentenceScorer:
    """Fused scores of (entity, span) pairs of one sentence pair (see the module docstring).

    Built once per sentence: target cases, outside spans and weights are shared by its entities.
    """

    def __init__(
        self,
        source_words: Sequence[str],
        entities: Sequence[Span],
        target_words: Sequence[str],
        index: LinkIndex,
        config: ScoreConfig,
        external: Sequence[ExternalSpan] = (),
        scorers: Mapping[str, PairScorer] | None = None,
    ) -> None:
        scorers = scorers or {}
        config.check_scorers(scorers)
        self.source_words, self.entities, self.target_words, self.index = (
            source_words, entities, target_words, index)
        self.config = config
        self.external = external
        self.target_cases = [UPPER if w[:1].isupper() else first_case(w) for w in target_words]
        self.alnum = [w.isalnum() or has_alnum(w) for w in target_words]
        self.source_alnum = (None if config.punctuation_links
                             else [w.isalnum() or has_alnum(w) for w in source_words])
        self.w_alignment, self.w_coverage, self.w_ner = (
            config.weight(name) for name in ("alignment", "coverage", "ner"))
        self.further = [(weight, scorers[name]) for name, weight in config.weights
                        if name in scorers and weight > 0]

    def entity_links(self, entity: int) -> EntityLinks:
        return EntityLinks(self.index, self.entities[entity], self.alnum, self.source_alnum)

    def entity_case(self, entity: int) -> int:
        return first_case(self.source_words[self.entities[entity].start])

    def proposed(self, entity: int) -> dict[tuple[int, int], float]:
        """Outside spans offered for this entity's type, with their probability (spans outside the
        sentence or made only of punctuation are ignored)."""
        label, n = self.entities[entity].label, len(self.target_words)
        return {(x.start, x.end): x.probability for x in self.external
                if (x.label is None or x.label == label) and 0 <= x.start < x.end <= n
                and any(self.alnum[x.start:x.end])}

    def score(
        self, entity: int, links: EntityLinks, spans: Sequence[tuple[int, int]]
    ) -> list[float | None]:
        """The fused score of each span for ``entity``; None where nothing supports the pair (no
        link into a word with a letter or digit, no outside proposal): never admissible."""
        proposed = self.proposed(entity) if self.external else {}
        size = links.size
        values: list[float | None] = []
        for start, end in spans:
            count, linked, covered, evidence = links.counts(start, end)
            ner = proposed.get((start, end), 0.0)
            if not evidence and not ner:
                values.append(None)
                continue
            values.append((self.w_alignment * 2.0 * count + self.w_coverage * (linked + covered))
                          / (size + end - start) + self.w_ner * ner)
        if self.further:
            context = EntityContext(self.source_words, self.target_words, self.entities, self.index, entity)
            for weight, scorer in self.further:
                extra = scorer(context, spans)
                if len(extra) != len(spans):
                    raise ValueError(f"a pair scorer returned {len(extra)} values for {len(spans)} spans")
                values = [None if v is None else v + weight * x for v, x in zip(values, extra)]
        factor = self.config.case_mismatch_factor
        if factor < 1.0:
            case = self.entity_case(entity)
            values = [v if v is None or case_agrees(case, self.target_cases, start, self.alnum) else v * factor
                      for v, (start, _) in zip(values, spans)]
        return values

    def ties(self, entity: int, links: EntityLinks, spans: Sequence[tuple[int, int]]) -> list[float]:
        """The secondary preference of each span (``ScoreConfig.capital_tie_break``, then
        ``ScoreConfig.linked_tie_break``)."""
        ties = [0.0] * len(spans)
        if self.config.capital_tie_break and self.entity_case(entity) == UPPER:
            cases = self.target_cases
            ties = [TIE_BREAK * sum(1 for j in range(start, end) if cases[j] == UPPER) for start, end in spans]
        if self.config.linked_tie_break:
            ties = [tie + LINKED_TIE_BREAK * links.counts(start, end)[1] for tie, (start, end) in zip(ties, spans)]
        return ties
