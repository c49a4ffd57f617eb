"""Combine the projections of several sources on the same target words into one set of spans.

Each source (or each view of a source: its projection through one symmetrisation of its links) is
one *voter*: a list of scored spans over the target words, non-overlapping. Two methods:

- ``vote``: a target span (start, end) is kept when at least ``min_agree`` voters projected an
  entity onto exactly those words (default: a majority of the voters). Its type is the one most of
  them gave; a tie in type goes to the larger summed projection score. Kept spans that overlap are
  resolved by the exact solver (most voters first).
- ``ilp``: every span any voter projected is a candidate. A voter supports a candidate with its
  weight times its projection score if it projected exactly that span with that type, and with its
  weight times ``partial`` times the Dice overlap of the words if it projected an overlapping span
  of the same type: sources that disagree on a boundary ("gli Stati membri" / "Stati membri") still
  agree that an entity of that type is there (the projection score is left out there: it says how
  well the voter's own span fits, not the candidate). A candidate's value is its support less
  ``threshold`` times the voters' total weight, so a span needs that share of the evidence; the
  exact solver (:mod:`.solvers`) chooses the non-overlapping candidates of largest total value, one
  type per span.

Voter weights say how far each voter is trusted. :func:`agreement_weights` estimates them without
gold: a voter's mean span-level F1 agreement with the other voters over the corpus, the unsupervised
reliability of an annotator in a crowd (a source whose projections nobody else confirms counts less).

Every choice is counted (:class:`CombineCounts`): spans kept and dropped, spans on which voters
disagreed about the type, and spans chosen over an overlapping competitor of equal value (a tie,
broken by the solver's fixed order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from projner.processing.project.solvers import Pair, solve_exact
from projner.processing.project.spans import ScoredSpan, Span

COMBINE_METHODS = ("vote", "ilp")
_EPSILON = 1e-9


@dataclass(frozen=True)
class CombineConfig:
    """How several voters' projected spans become one; frozen so that it can fingerprint a stage."""

    method: str = "ilp"
    """``vote`` (exact agreement of at least ``min_agree`` voters) or ``ilp`` (weighted evidence)."""
    min_agree: int | None = None
    """``vote``: voters that must project the same words (None: a strict majority of the voters)."""
    threshold: float = 0.4
    """``ilp``: share of the voters' total weight a candidate's support must exceed."""
    partial: float = 0.5
    """``ilp``: how much an overlapping span of the same type supports a candidate, per unit of Dice
    overlap (0: only exact agreement counts)."""
    use_scores: bool = True
    """``ilp``: a voter's exact support is its projection score for the span (else 1)."""

    def __post_init__(self) -> None:
        if self.method not in COMBINE_METHODS:
            raise ValueError(f"combine method must be one of {', '.join(COMBINE_METHODS)}, got {self.method!r}")
        if self.min_agree is not None and self.min_agree < 1:
            raise ValueError(f"min_agree must be >= 1, got {self.min_agree}")
        if not 0.0 <= self.threshold < 1.0:
            raise ValueError(f"threshold must lie in [0, 1), got {self.threshold}")
        if not 0.0 <= self.partial <= 1.0:
            raise ValueError(f"partial must lie in [0, 1], got {self.partial}")

    def needed(self, voters: int) -> int:
        """``vote``: how many voters must agree among ``voters``."""
        return self.min_agree if self.min_agree is not None else voters // 2 + 1

    def describe(self) -> str:
        if self.method == "vote":
            return "vote" + ("" if self.min_agree is None else f" (k={self.min_agree})")
        return f"ilp (threshold {self.threshold:g}, partial {self.partial:g})"


@dataclass
class CombineCounts:
    """What combining decided, summed over sentences (the report's figures)."""

    proposed: int = 0
    """Distinct (start, end) spans any voter projected."""
    kept: int = 0
    dropped: int = 0
    """Proposed spans not in the result (too little agreement, or overlapped by a stronger one)."""
    type_disagreements: int = 0
    """Kept spans whose words voters projected with more than one type."""
    ties: int = 0
    """Kept spans chosen over an overlapping or differently typed competitor of equal value (in a
    vote: a type that as many voters gave as the chosen one)."""

    def add(self, other: CombineCounts) -> None:
        for name in ("proposed", "kept", "dropped", "type_disagreements", "ties"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {"proposed": self.proposed, "kept": self.kept, "dropped": self.dropped,
                "type_disagreements": self.type_disagreements, "ties": self.ties}


@dataclass(frozen=True)
class Combined:
    """One sentence's combined spans (score: the share of the voters' weight behind the span) and
    for each span which voters projected exactly it, words and type."""

    spans: tuple[ScoredSpan, ...]
    voters: tuple[tuple[int, ...], ...]
    counts: CombineCounts = field(default_factory=CombineCounts)


def combine_spans(
    projections: Sequence[Sequence[ScoredSpan]],
    config: CombineConfig = CombineConfig(),
    weights: Sequence[float] | None = None,
) -> Combined:
    """Combine one sentence's projections, one list of scored spans per voter (see the module doc)."""
    weights = _check_weights(weights, len(projections))
    by_words: dict[tuple[int, int], dict[str, list[tuple[int, float]]]] = {}
    for voter, spans in enumerate(projections):
        for scored in spans:
            labels = by_words.setdefault((scored.span.start, scored.span.end), {})
            labels.setdefault(scored.span.label, []).append((voter, scored.score))
    if config.method == "vote":
        values, type_ties = _vote_values(by_words, config.needed(len(projections)))
    else:
        values, type_ties = _ilp_values(projections, by_words, config, weights), set()
    return _choose(values, by_words, weights, type_ties)


def _check_weights(weights: Sequence[float] | None, voters: int) -> list[float]:
    if weights is None:
        return [1.0] * voters
    if len(weights) != voters:
        raise ValueError(f"{len(weights)} weights for {voters} voters")
    if any(w < 0 for w in weights) or (voters and not any(weights)):
        raise ValueError(f"voter weights must be >= 0 and not all 0, got {list(weights)}")
    return list(weights)


Candidate = tuple[int, int, str]


def _vote_values(by_words: dict[tuple[int, int], dict[str, list[tuple[int, float]]]],
                 needed: int) -> tuple[dict[Candidate, float], set[tuple[int, int]]]:
    """Spans at least ``needed`` voters projected, each with its majority type; value: voters
    (plus their summed score, scaled far below one voter, so that more voters always win). Also
    the spans whose type was a tie in voters (decided by score, or by name where scores tie too)."""
    values: dict[Candidate, float] = {}
    type_ties: set[tuple[int, int]] = set()
    for (start, end), labels in by_words.items():
        voters = sum(len(v) for v in labels.values())
        if voters < needed:
            continue
        ranked = sorted(labels, key=lambda lab: (-len(labels[lab]), -sum(s for _, s in labels[lab]), lab))
        if len(ranked) > 1 and len(labels[ranked[0]]) == len(labels[ranked[1]]):
            type_ties.add((start, end))
        label = ranked[0]
        values[(start, end, label)] = voters + 1e-3 * sum(s for _, s in labels[label]) / (voters + 1)
    return values, type_ties


def _ilp_values(projections: Sequence[Sequence[ScoredSpan]],
                by_words: dict[tuple[int, int], dict[str, list[tuple[int, float]]]],
                config: CombineConfig, weights: Sequence[float]) -> dict[Candidate, float]:
    """Every proposed (span, type) with its weighted support less the threshold's share."""
    floor = config.threshold * sum(weights)
    values: dict[Candidate, float] = {}
    for (start, end), labels in by_words.items():
        for label in labels:
            support = 0.0
            for voter, spans in enumerate(projections):
                best = 0.0
                for scored in spans:
                    other = scored.span
                    if other.label != label or other.end <= start or end <= other.start:
                        continue
                    if (other.start, other.end) == (start, end):
                        agreement = scored.score if config.use_scores else 1.0
                    else:
                        overlap = min(end, other.end) - max(start, other.start)
                        agreement = config.partial * 2 * overlap / (end - start + len(other))
                    best = max(best, agreement)
                support += weights[voter] * best
            if support - floor > _EPSILON:
                values[(start, end, label)] = support - floor
    return values


def _choose(values: dict[Candidate, float],
            by_words: dict[tuple[int, int], dict[str, list[tuple[int, float]]]],
            weights: Sequence[float], type_ties: set[tuple[int, int]]) -> Combined:
    """The non-overlapping candidates of largest total value (one type per span), and the counts."""
    words = sorted({(s, e) for s, e, _ in values})
    entity_of = {span: k for k, span in enumerate(words)}
    candidates = sorted(values)
    pairs = [Pair(values[c], entity_of[c[:2]], c[0], c[1]) for c in candidates]
    chosen = solve_exact(pairs)
    counts = CombineCounts(proposed=len(by_words), kept=len(chosen))
    counts.dropped = counts.proposed - counts.kept
    spans, voters = [], []
    for pair in chosen:
        label = next(c[2] for c in candidates if c[:2] == (pair.start, pair.end)
                     and abs(values[c] - pair.score) <= _EPSILON)
        labels = by_words[(pair.start, pair.end)]
        counts.type_disagreements += len(labels) > 1
        rivals = [value for c, value in values.items() if c != (pair.start, pair.end, label)
                  and c[0] < pair.end and pair.start < c[1]]
        counts.ties += ((pair.start, pair.end) in type_ties
                        or any(abs(value - pair.score) <= _EPSILON for value in rivals))
        support = sum(weights[v] * score for v, score in labels.get(label, ()))
        share = min(1.0, support / sum(weights)) if weights else 0.0
        spans.append(ScoredSpan(Span(pair.start, pair.end, label), share))
        voters.append(tuple(sorted(v for v, _ in labels.get(label, ()))))
    return Combined(tuple(spans), tuple(voters), counts)


def agreement_weights(projections: Sequence[Sequence[Sequence[Span]]]) -> list[float]:
    """Per voter, its mean span-level F1 agreement with every other voter over the corpus.

    ``projections[v][n]``: voter ``v``'s spans in sentence ``n``. One voter gets weight 1; a voter
    that agrees with nobody gets a small floor rather than 0, so it can still break a tie.
    """
    voters = len(projections)
    if voters < 2:
        return [1.0] * voters
    sets = [[{(s.start, s.end, s.label) for s in sentence} for sentence in voter] for voter in projections]
    lengths = {len(voter) for voter in sets}
    if len(lengths) != 1:
        raise ValueError(f"voters cover different numbers of sentences: {sorted(lengths)}")
    weights = []
    for v in range(voters):
        agreements = []
        for u in range(voters):
            if u == v:
                continue
            common = sum(len(a & b) for a, b in zip(sets[v], sets[u]))
            size = sum(len(a) + len(b) for a, b in zip(sets[v], sets[u]))
            agreements.append(2 * common / size if size else 1.0)
        weights.append(max(sum(agreements) / len(agreements), 0.01))
    return weights
