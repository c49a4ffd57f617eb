"""Project one sentence pair: source words, entities and links in; target spans, scores, reasons out.

The one entry point that the ``.map`` adapter, the CLI, the benchmark and the tests share. One
:class:`ProjectionConfig` selects the method (``heuristic`` or ``candidates``), the solver, the
scores and whether links are repaired by spelling first (:mod:`.names`).

Every source entity is either matched to a target span or reported with a reason:
``unaligned`` (no link to any target word), ``filtered`` (ranges or candidates existed but none
passed the length filter or the minimum score) or ``overlap`` (its span went to another entity).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from projner.labels import is_entity_type
from projner.processing.align.links import Link
from projner.processing.project.candidates import CandidateConfig, link_candidates
from projner.processing.project.heuristic import (
    HeuristicConfig,
    heuristic_ranges,
    project_heuristic,
)
from projner.processing.project.link_index import LinkIndex, index_links
from projner.processing.project.names import NameMatchConfig, add_name_links
from projner.processing.project.scores import (
    ExternalSpan,
    PairScorer,
    ScoreConfig,
    SentenceScorer,
)
from projner.processing.project.solvers import SOLVERS, Pair
from projner.processing.project.spans import ScoredSpan, Span, spans_to_tags

METHODS = ("heuristic", "candidates")
UNALIGNED, FILTERED, OVERLAP = "unaligned", "filtered", "overlap"
NO_TARGET = "no target words"
REASONS = (UNALIGNED, FILTERED, OVERLAP, NO_TARGET)


@dataclass(frozen=True)
class ProjectionConfig:
    """Everything that decides a projection; frozen so that it can fingerprint a ``.map`` step."""

    method: str = "candidates"
    """``heuristic`` (aligned ranges, length filter) or ``candidates`` (scored spans + solver)."""
    solver: str = "exact"
    """How ``candidates`` chooses among scored pairs: ``exact``, ``greedy`` or ``ilp``."""
    names: NameMatchConfig | None = field(default_factory=NameMatchConfig)
    """Repair entity words' links by spelling before projecting (None: use the links as given)."""
    heuristic: HeuristicConfig = field(default_factory=HeuristicConfig)
    candidates: CandidateConfig = field(default_factory=CandidateConfig)
    scores: ScoreConfig = field(default_factory=ScoreConfig)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, got {self.method!r}")
        if self.solver not in SOLVERS:
            raise ValueError(f"solver must be one of {', '.join(SOLVERS)}, got {self.solver!r}")

    def describe(self) -> str:
        """A short name for reports: ``candidates+exact``, ``heuristic``…"""
        name = f"{self.method}+{self.solver}" if self.method == "candidates" else self.method
        return name + ("" if self.names is not None else " (links as given)")


@dataclass(frozen=True)
class PairProjection:
    """The result for one pair: matches (source entity index → target span) and the entities left."""

    matches: tuple[tuple[int, ScoredSpan], ...]
    """``(index into the source entities, target span with its score)``, in target order."""
    unprojected: tuple[tuple[int, str], ...]
    """``(index into the source entities, reason)`` for every entity that got no span."""
    index: LinkIndex
    """The links projected through (after name repair)."""
    target_length: int

    @property
    def links(self) -> list[Link]:
        return [(i, j) for i, targets in enumerate(self.index.targets) for j in targets]

    @property
    def spans(self) -> list[ScoredSpan]:
        return [span for _, span in self.matches]

    @property
    def tags(self) -> list[str]:
        """IOB2 tags over the target words (always valid: spans never overlap)."""
        return spans_to_tags([s.span for _, s in self.matches], self.target_length)


def project_pair(
    source_words: Sequence[str],
    entities: Sequence[Span],
    target_words: Sequence[str],
    links: Sequence[Sequence[int]] | LinkIndex,
    config: ProjectionConfig = ProjectionConfig(),
    *,
    external: Sequence[ExternalSpan] = (),
    scorers: Mapping[str, PairScorer] | None = None,
) -> PairProjection:
    """Project ``entities`` (spans over ``source_words``) onto ``target_words`` through ``links``.

    ``external``: target spans proposed from outside (scored by ``ner`` and always candidates).
    ``scorers``: further pair scores by name, weighted through ``config.scores.weights``.
    A link outside the pair raises :class:`~projner.processing.project.link_index.LinkRangeError`;
    words that are no list, entities that are no :class:`Span` inside the source sentence, or a span
    labelled ``O`` or with a tag (``B-PER``) are refused before anything is projected.
    """
    check_pair_input(source_words, entities, target_words, links)
    n_target = len(target_words)
    index = links if isinstance(links, LinkIndex) else index_links(links, len(source_words), n_target)
    if not entities:
        return PairProjection((), (), index, n_target)
    if n_target == 0:
        return PairProjection((), tuple((k, NO_TARGET) for k in range(len(entities))), index, 0)
    if config.names is not None:
        index = add_name_links(source_words, entities, target_words, index, config.names)
    if config.method == "heuristic":
        return _project_heuristic(index, entities, config.heuristic, n_target)
    pairs, reasons = _candidate_pairs(
        source_words, entities, target_words, index, config, external, scorers or {}
    )
    chosen = SOLVERS[config.solver](pairs)
    matched = {p.entity for p in chosen}
    for pair in pairs:
        if pair.entity not in matched:
            reasons.setdefault(pair.entity, OVERLAP)
    matches = tuple(
        (p.entity, ScoredSpan(Span(p.start, p.end, entities[p.entity].label), p.score)) for p in chosen
    )
    unprojected = tuple(sorted((k, r) for k, r in reasons.items() if k not in matched))
    return PairProjection(matches, unprojected, index, n_target)


def check_pair_input(source_words: Sequence[str], entities: Sequence[Span], target_words: Sequence[str],
                     links: Sequence[Sequence[int]] | LinkIndex) -> None:
    """What :func:`project_pair` takes, checked once per pair (cheap: the entities, not the words).

    A string of words would be projected letter by letter, a span past the sentence end fails deep
    inside, and a label ``O`` or ``B-PER`` would write ``B-O`` or ``B-B-PER``: invalid IOB2.
    """
    for name, value in (("source_words", source_words), ("target_words", target_words), ("links", links)):
        if isinstance(value, str | bytes) or not isinstance(value, Sequence | LinkIndex):
            raise TypeError(f"{name} must be a list, got {type(value).__name__} {value!r:.60}")
    for entity in entities:
        if not isinstance(entity, Span):
            raise TypeError(f"entities must be Span(start, end, label), got {type(entity).__name__} {entity!r:.60}")
        if entity.end > len(source_words):
            raise ValueError(f"entity {entity} runs past the source sentence ({len(source_words)} words)")
        if not isinstance(entity.label, str) or not is_entity_type(entity.label):
            raise ValueError(f"entity {entity}: its label must be an entity type (PER), not O or a tag (B-PER)")


def _project_heuristic(
    index: LinkIndex, entities: Sequence[Span], config: HeuristicConfig, n_target: int
) -> PairProjection:
    """The heuristic's ranges (several per entity where several pass, as in the reference)."""
    matches = project_heuristic(index, entities, config)
    matched = {k for k, _ in matches}
    unprojected = []
    for k, entity in enumerate(entities):
        if k in matched:
            continue
        if not any(index.targets[i] for i in range(entity.start, entity.end)):
            unprojected.append((k, UNALIGNED))
        elif heuristic_ranges(index, entity, config):
            unprojected.append((k, OVERLAP))
        else:
            unprojected.append((k, FILTERED))
    return PairProjection(tuple(matches), tuple(unprojected), index, n_target)


def _candidate_pairs(
    source_words: Sequence[str],
    entities: Sequence[Span],
    target_words: Sequence[str],
    index: LinkIndex,
    config: ProjectionConfig,
    external: Sequence[ExternalSpan],
    scorers: Mapping[str, PairScorer],
) -> tuple[list[Pair], dict[int, str]]:
    """All admissible (entity, candidate) pairs with their fused scores, and why entities have none."""
    scorer = SentenceScorer(source_words, entities, target_words, index, config.scores, external, scorers)
    factor, minimum = config.scores.case_mismatch_factor, config.scores.min_score
    pairs: list[Pair] = []
    reasons: dict[int, str] = {}
    for k in range(len(entities)):
        links = scorer.entity_links(k)
        spans = link_candidates(links, scorer.entity_case(k), scorer.target_cases, scorer.alnum, factor,
                                config.candidates)
        if external:
            known = set(spans)
            spans.extend(sorted(span for span in scorer.proposed(k) if span not in known))
        values = scorer.score(k, links, spans)
        ties = scorer.ties(k, links, spans)
        admitted = [Pair(v, k, s, e, tie) for v, tie, (s, e) in zip(values, ties, spans)
                    if v is not None and v > minimum]
        if admitted:
            pairs.extend(admitted)
        else:
            reasons[k] = FILTERED if any(v is not None for v in values) else UNALIGNED
    return pairs, reasons
