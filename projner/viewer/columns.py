"""Which column of an output plays which part on the page, for every pipeline's output.

A run's dataset reaches the viewer in two shapes: as the pipeline returned it (``tgt_tokens`` and
``projected_tags`` beside the input's own ``tokens``/``ner_tags``) or as exported to a Hub folder
(those renamed to ``tokens``/``ner_tags``, the input's kept as ``original_*``; see
:mod:`projner.dataset_cards.hub_columns`). Naming the roles once keeps the page code free of that
difference.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from projner.errors import UserError


class ViewError(UserError):
    """An output the page cannot be drawn from; the message names the file, column or example."""


@dataclass(frozen=True)
class ViewColumns:
    """Column names by role; None where the output has no such column."""

    target_words: str
    """The words that received labels (the lower line)."""
    predicted_tags: str
    """The labels the run produced (IOB2, strings or ClassLabel ids)."""
    source_words: str | None = None
    """The labelled side the entities came from (the upper line); None for model transfer."""
    source_tags: str | None = None
    source_entities: str | None = None
    target_entities: str | None = None
    """``{start, end, label, score}`` lists: the spans with the scores that chose them."""
    gold_tags: str | None = None
    """Gold tags of the target words, where the output kept them."""
    alignments: str | None = None
    dropped_reason: str | None = None
    id: str | None = None

    @classmethod
    def detect(cls, columns: Collection[str], *, where: str) -> ViewColumns:
        """The roles in a pipeline's dataset or in an exported split (see the module docstring)."""
        def have(name: str) -> str | None:
            return name if name in columns else None

        if "projected_tags" in columns:
            predicted = "projected_tags"
            if "tgt_tokens" in columns:
                target, source = "tgt_tokens", have("src_tokens") or have("tokens")
                gold = have("tgt_tags")
            else:
                target, source = "tokens", have("src_tokens")
                gold = have("tgt_tags") or have("ner_tags")
        else:
            predicted, target = "ner_tags", "tokens"
            source = have("src_tokens") or have("original_tokens")
            # original_ner_tags are the target's gold only where the words were not renamed away
            gold = have("tgt_tags") or (None if "original_tokens" in columns else have("original_ner_tags"))
        missing = [name for name in (target, predicted) if name not in columns]
        if missing:
            raise ViewError(
                f"{where}: no {' or '.join(repr(m) for m in missing)} column, so there are no labelled "
                f"words to show (columns: {', '.join(sorted(columns))}); is this a projner output?"
            )
        return cls(
            target_words=target, predicted_tags=predicted, source_words=source,
            source_tags=have("src_tags") if source else None,
            source_entities=have("src_entities") if source else None,
            target_entities=have("tgt_entities"), gold_tags=gold,
            alignments=have("alignments") if source else None,
            dropped_reason=have("dropped_reason") or have("projection_issues"), id=have("id"),
        )
