"""A dataset's rows → the compact records the page draws, with joins and gold comparison done.

The work that needs the project's own definitions (IOB2 spans, strict agreement, which source
entity a span came from) happens here in Python, where it is tested; the page's script only draws
and filters. Records are short-keyed and empty keys left out, because a 15,000-pair page must stay
small enough to open at once:

``i`` id, ``s``/``t`` source/target words, ``se`` source entities ``[start, end, type, score]``,
``te`` target entities ``[start, end, type, score, source entity]``, ``g`` gold entities
``[start, end, type]``, ``d`` disagreements ``[kind, target entity, gold entity]``, ``l`` links
as a flat ``[i0, j0, i1, j1, ...]``, ``r`` dropped reason. Types and kinds are indices into the
payload's ``types`` and ``kinds`` lists; a missing score or index is null.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import datasets

from projner.dataset_cards.hub_columns import tag_strings
from projner.processing.project.spans import Span, spans_from_dicts, tags_to_spans
from projner.viewer.agreement import KINDS, disagreements
from projner.viewer.columns import ViewColumns, ViewError
from projner.viewer.entity_links import join_entities

SCORE_DIGITS = 3


@dataclass
class TypeIndex:
    """Entity types in first-seen order (the page colours them by position)."""

    names: list[str] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict)

    def __call__(self, name: str) -> int:
        if name not in self._index:
            self._index[name] = len(self.names)
            self.names.append(name)
        return self._index[name]


def _score(value: Any) -> float | None:
    return None if value is None else round(float(value), SCORE_DIGITS)


def _scored_spans(entities: Sequence[Mapping[str, Any]] | None, where: str, column: str) -> dict[Span, float | None]:
    try:
        spans = spans_from_dicts(entities or [])
    except (KeyError, TypeError, ValueError) as err:
        raise ViewError(f"{where}: {column!r} holds {entities!r}, not entities {{start, end, label, score}}: "
                        f"{err}") from None
    return {span: _score(entity.get("score")) for span, entity in zip(spans, entities or [])}


def _spans(tags: Sequence[str] | None, where: str, column: str) -> list[Span]:
    try:
        return tags_to_spans(tags or [])
    except ValueError as err:
        raise ViewError(f"{where}: {column!r}: {err}") from None


def _check_spans(spans: Sequence[Span], length: int, where: str, column: str) -> None:
    for span in spans:
        if span.end > length:
            raise ViewError(f"{where}: {column!r} has entity {span.start}-{span.end} {span.label} but the "
                            f"sentence has {length} words")


def _links(pairs: Sequence[Sequence[int]] | None, sizes: tuple[int, int], where: str, column: str) -> list[tuple[int, int]]:
    links = []
    for link in pairs or []:
        if len(link) != 2 or not (0 <= link[0] < sizes[0] and 0 <= link[1] < sizes[1]):
            raise ViewError(f"{where}: {column!r} has link {list(link)!r} outside {sizes[0]} source and "
                            f"{sizes[1]} target words")
        links.append((int(link[0]), int(link[1])))
    return links


def pair_records(ds: datasets.Dataset, columns: ViewColumns, types: TypeIndex, *, where: str) -> list[dict[str, Any]]:
    """One record per row of ``ds`` (module docstring); ``types`` collects the entity types met."""
    def column(name: str | None) -> list[Any]:
        return [None] * len(ds) if name is None else ds[name]

    def tags(name: str | None) -> list[Any]:
        return [None] * len(ds) if name is None else tag_strings(ds, name)

    rows = zip(column(columns.id), column(columns.source_words), ds[columns.target_words],
               tags(columns.source_tags), column(columns.source_entities), tags(columns.predicted_tags),
               column(columns.target_entities), tags(columns.gold_tags), column(columns.alignments),
               column(columns.dropped_reason), strict=True)
    records = []
    for index, (ident, src, tgt, src_tags, src_ents, predicted, tgt_ents, gold_tags, links, reason) in enumerate(rows):
        at = f"{where}, example {index}" + (f" (id {ident!r})" if ident is not None else "")
        tgt = list(tgt or [])
        record: dict[str, Any] = {"i": str(ident if ident is not None else index), "t": tgt}
        target = _spans(predicted, at, columns.predicted_tags)
        _check_spans(target, len(tgt), at, columns.predicted_tags)
        target_scores = _scored_spans(tgt_ents, at, str(columns.target_entities))
        joined: list[int | None] = [None] * len(target)
        if src is not None:
            src = list(src)
            record["s"] = src
            if src_ents is not None:
                scored = _scored_spans(src_ents, at, str(columns.source_entities))
                source, source_scores = list(scored), list(scored.values())
            else:
                source = _spans(src_tags, at, str(columns.source_tags))
                source_scores = [None] * len(source)
            _check_spans(source, len(src), at, str(columns.source_entities or columns.source_tags))
            pairs = _links(links, (len(src), len(tgt)), at, str(columns.alignments))
            joined = join_entities(source, target, pairs, source_scores, [target_scores.get(s) for s in target])
            record["se"] = [[s.start, s.end, types(s.label), score] for s, score in zip(source, source_scores)]
            record["l"] = [index for link in pairs for index in link]
        record["te"] = [[s.start, s.end, types(s.label), target_scores.get(s), k] for s, k in zip(target, joined)]
        if columns.gold_tags is not None:
            gold = _spans(gold_tags, at, columns.gold_tags)
            _check_spans(gold, len(tgt), at, columns.gold_tags)
            record["g"] = [[s.start, s.end, types(s.label)] for s in gold]
            record["d"] = [[KINDS.index(d.kind), d.predicted, d.gold] for d in disagreements(gold, target)]
        if reason:
            record["r"] = reason
        records.append({key: value for key, value in record.items() if value != [] or key in ("s", "t")})
    return records
