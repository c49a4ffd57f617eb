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

Voter weights say how far each voter is trusted. :func:`reliability_weights` estimates them without
gold, as Dawid and Skene estimate annotators in a crowd: EM over every projected span, with a
confusion table per source (see there).

Every choice is counted (:class:`CombineCounts`): spans kept and dropped, spans on which voters
disagreed about the type, and spans chosen over an overlapping competitor of equal value (a tie,
broken by the solver's fixed order).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
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
        if self.min_agree is not None and self.method != "vote":
            raise ValueError(f"min_agree is the vote method's; {self.method} weighs the voters instead (threshold)")
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


_EXACT, _OVERLAP, _OTHER_TYPE, _SILENT = range(4)
"""What a source says about a candidate span: projected exactly it, an overlapping span of the same
type (a boundary disagreement), only overlapping spans of other types, or nothing there."""
_EM_ROUNDS = 200
_EM_CONVERGED = 1e-6
_WEIGHT_FLOOR = 0.01
_IDENTIFIABLE = 3
"""Sources the estimate needs: with two, "A is right, B is noise" explains the data as well as the
converse, and EM collapses onto one of them."""


def reliability_weights(projections: Sequence[Sequence[Sequence[Span]]],
                        groups: Sequence[Hashable] | None = None) -> list[float]:
    """Per voter, how far its source is trusted, estimated without gold (Dawid & Skene, 1979).

    ``projections[v][n]``: voter ``v``'s spans in sentence ``n``; ``groups[v]``: the source voter
    ``v`` belongs to (several views of one source; default: every voter is its own source). Every
    (span, type) any voter projected is an item that is either an entity of the target or not; what
    each source says about it (:data:`_EXACT` when at least half of its voters projected exactly it,
    else :data:`_OVERLAP`, :data:`_OTHER_TYPE` or :data:`_SILENT`) is a noisy observation with a
    per-source confusion table. EM estimates the tables and the items' truth together, starting from
    the share of sources that projected each item. A source's weight is the log-likelihood ratio
    between projecting a span and being silent on it: how much its word moves the odds that an entity
    is there. Unlike mean agreement, it separates a reliable source from one whose spans the others
    merely tolerate, and a source's own views do not vouch for it. The weight is shared by the
    source's voters (they split it, so a source counts once); a source whose spans say nothing (or
    the opposite) keeps a small floor. Fewer than three sources (:data:`_IDENTIFIABLE`) fall back to
    :func:`agreement_weights`.
    """
    voters = len(projections)
    groups = list(range(voters)) if groups is None else list(groups)
    if len(groups) != voters:
        raise ValueError(f"{len(groups)} groups for {voters} voters")
    sources = list(dict.fromkeys(groups))
    lengths = {len(voter) for voter in projections}
    if len(lengths) > 1:
        raise ValueError(f"voters cover different numbers of sentences: {sorted(lengths)}")
    members = [[v for v in range(voters) if groups[v] == source] for source in sources]
    if len(sources) < _IDENTIFIABLE:
        return agreement_weights(projections)
    observations = _observations(projections, members)
    llr = _dawid_skene(observations, len(sources))
    weight_of = {source: max(llr[k][_EXACT] - llr[k][_SILENT], _WEIGHT_FLOOR) / len(members[k])
                 for k, source in enumerate(sources)}
    return [weight_of[group] for group in groups]


def _observations(projections: Sequence[Sequence[Sequence[Span]]],
                  members: list[list[int]]) -> list[list[int]]:
    """For every candidate (span, type) of every sentence, what each source says about it."""
    observations = []
    for n in range(len(projections[0])):
        sets = [{(s.start, s.end, s.label) for s in voter[n]} for voter in projections]
        for start, end, label in sorted(set().union(*sets)):
            row = []
            for voters in members:
                exact = sum((start, end, label) in sets[v] for v in voters)
                overlapping = {lab for v in voters for s, e, lab in sets[v] if s < end and start < e}
                row.append(_EXACT if 2 * exact >= len(voters) else _OVERLAP if label in overlapping
                           else _OTHER_TYPE if overlapping else _SILENT)
            observations.append(row)
    return observations


def _dawid_skene(observations: list[list[int]], sources: int) -> list[list[float]]:
    """EM for binary items (entity or not) observed by ``sources`` annotators with confusion tables;
    returns each source's log-likelihood ratio (entity : no entity) per observation. Add-one
    smoothing keeps every ratio finite."""
    truth = [sum(x == _EXACT for x in row) / sources for row in observations]
    llr = [[0.0] * 4 for _ in range(sources)]
    for _ in range(_EM_ROUNDS):
        counts = [[[1.0] * 4, [1.0] * 4] for _ in range(sources)]
        for row, p in zip(observations, truth):
            for k, x in enumerate(row):
                counts[k][1][x] += p
                counts[k][0][x] += 1 - p
        llr = [[math.log(c[1][x] / sum(c[1])) - math.log(c[0][x] / sum(c[0])) for x in range(4)] for c in counts]
        prior = (sum(truth) + 1) / (len(truth) + 2)
        offset = math.log(prior / (1 - prior))
        updated = [_sigmoid(offset + sum(llr[k][x] for k, x in enumerate(row))) for row in observations]
        converged = all(abs(a - b) < _EM_CONVERGED for a, b in zip(updated, truth))
        truth = updated
        if converged:
            break
    return llr


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


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
        weights.append(max(sum(agreements) / len(agreements), _WEIGHT_FLOOR))
    return weights
