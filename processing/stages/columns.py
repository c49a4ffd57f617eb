"""Column names that several stages declare alike, defined once: the stage that writes a column and
the stages that read it agree on its default name. Keyword-only fields, so a config that takes these
groups keeps its own positional fields first."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class LabelledSide:
    """The labelled side's words and IOB2 tags (what labelling writes; what EasyProject marks)."""

    words_column: str = "src_tokens"
    tags_column: str = "src_tags"


@dataclass(frozen=True, kw_only=True)
class MarkedTranslation(LabelledSide):
    """EasyProject's columns: the labelled side, its translation with the entities inside markers and
    each entity's own translation (written by ``EasyProjectTranslate``, read by ``ProjectMarked``)."""

    marked_column: str = "marked_translation"
    entities_column: str = "entity_translations"


@dataclass(frozen=True, kw_only=True)
class ProjectedLabels:
    """The target words and the labels put on them: what projecting, retyping and combining write."""

    target_tokens: str = "tgt_tokens"
    projected_tags: str = "projected_tags"
    """Output: IOB2 tags over the target words."""
    target_entities: str = "tgt_entities"
    """Output: the spans ``{start, end, label, score}``."""
