"""Tag columns as ``Dataset.map`` stages: gold ``ClassLabel`` ids as IOB2 strings, and a tag
column through a label map."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from projner.labels import LabelMap
from projner.processing.stages.base import ConfigStage

if TYPE_CHECKING:
    import datasets


@dataclass(frozen=True)
class GoldTagsConfig:
    """The label names of a tag column (its ``ClassLabel`` order), and where the strings go."""

    labels: tuple[str, ...]
    label_map: tuple[str, ...] = ()
    """``TYPE=NEW`` rewrites applied on the way (``MISC=O``, ``PERSON=PER``)."""
    tags_column: str = "src_tags"
    input_column: str = "ner_tags"


class LabelMapStage(ConfigStage):
    """A stage that rewrites tags through its config's ``label_map``, parsed once."""

    def __init__(self, config: GoldTagsConfig | MapTagsConfig) -> None:
        super().__init__(config)
        self.label_map = LabelMap.parse(config.label_map)

    def features(self, given: datasets.Features) -> datasets.Features:
        """The output's features: the input's and the tags."""
        from projner.processing.stages.features import STRINGS, added

        return added(given, dict.fromkeys(self.outputs, STRINGS))


class GoldTags(LabelMapStage):
    """``.map`` stage: gold tags (``ClassLabel`` ids or IOB2 strings) as IOB2 strings, through an
    optional label map, in ``src_tags``: the column every projection stage reads the labelled side
    from."""

    stage = "gold_tags"
    input_fields = ("input_column",)
    output_fields = ("tags_column",)

    def __call__(self, batch: dict[str, list]) -> dict[str, list]:
        names, mapped = self.config.labels, self.label_map.map_tag
        return {self.config.tags_column: [[mapped(t if isinstance(t, str) else names[t]) for t in row]
                                          for row in batch[self.config.input_column]]}


@dataclass(frozen=True)
class MapTagsConfig:
    """A label map, the tag column it reads and the new column it writes."""

    label_map: tuple[str, ...]
    source: str
    output: str


class MapTags(LabelMapStage):
    """``.map`` stage: a tag column through a label map into a new column (the old one stays)."""

    stage = "map_tags"
    input_fields = ("source",)
    output_fields = ("output",)

    def __call__(self, batch: dict[str, list]) -> dict[str, list]:
        return {self.config.output: [self.label_map.map_tags(tags) for tags in batch[self.config.source]]}
