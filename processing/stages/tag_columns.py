"""Tag columns as ``Dataset.map`` stages: gold ``ClassLabel`` ids as IOB2 strings, and a tag
column through a label map."""

from __future__ import annotations

from collections.abc import Sequence

from projner.labels import LabelMap
from projner.processing.fingerprint import stage_fingerprint


class GoldTags:
    """``.map`` stage: the gold ``ner_tags`` (``ClassLabel`` ids) as IOB2 strings in ``src_tags``,
    the column every projection stage reads the labelled side from."""

    stage = "gold_tags"

    def __init__(self, labels: Sequence[str], *, tags_column: str = "src_tags") -> None:
        self.labels = tuple(labels)
        self.tags_column = tags_column

    def fingerprint(self, previous: str) -> str:
        return stage_fingerprint(previous, self.stage, {"labels": self.labels, "column": self.tags_column})

    def __call__(self, batch: dict[str, list]) -> dict[str, list]:
        return {self.tags_column: [[self.labels[i] for i in row] for row in batch["ner_tags"]]}


class MapTags:
    """``.map`` stage: a tag column through a label map into a new column (the old one stays)."""

    stage = "map_tags"

    def __init__(self, label_map: LabelMap, source: str, output: str) -> None:
        self.label_map, self.source, self.output = label_map, source, output

    def fingerprint(self, previous: str) -> str:
        return stage_fingerprint(previous, self.stage, {"label_map": self.label_map.as_strings(),
                                                        "source": self.source, "output": self.output})

    def __call__(self, batch: dict[str, list]) -> dict[str, list]:
        return {self.output: [self.label_map.map_tags(tags) for tags in batch[self.source]]}
