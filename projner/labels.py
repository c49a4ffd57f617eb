"""Label sets of the datasets projner reads and writes, and explicit label maps between them.

Labels always travel by name: a model's id 3 and a dataset's id 3 need not be the same entity type,
so every conversion between two label sets goes through the tag strings and an explicit map.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

OUTSIDE = "O"

PANX_LABELS: tuple[str, ...] = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")
"""``ner_tags`` names of XTREME PAN-X on the Hub, in their order."""

MASAKHANER2_LABELS: tuple[str, ...] = PANX_LABELS + ("B-DATE", "I-DATE")
"""``ner_tags`` names of MasakhaNER 2.0 on the Hub, in their order."""

CONLL2003_LABELS: tuple[str, ...] = PANX_LABELS + ("B-MISC", "I-MISC")
"""``ner_tags`` names of CoNLL-2003 on the Hub, in their order."""


def labels_for_types(types: Sequence[str]) -> tuple[str, ...]:
    """IOB2 label names for entity types in the Hub's order: O, then B-/I- per type."""
    return (OUTSIDE,) + tuple(f"{prefix}-{t}" for t in types for prefix in ("B", "I"))


def entity_types(labels: Iterable[str]) -> tuple[str, ...]:
    """The entity types of an IOB2 label list, in first-seen order."""
    seen: dict[str, None] = {}
    for label in labels:
        if label != OUTSIDE:
            seen.setdefault(split_tag(label)[1], None)
    return tuple(seen)


def split_tag(tag: str) -> tuple[str, str]:
    """``"B-PER"`` → ``("B", "PER")``; ``"O"`` → ``("O", "")``. Raises on anything else."""
    if tag == OUTSIDE:
        return OUTSIDE, ""
    prefix, sep, etype = tag.partition("-")
    if not sep or prefix not in ("B", "I") or not etype:
        raise ValueError(f"not an IOB2 tag: {tag!r}")
    return prefix, etype


@dataclass(frozen=True)
class LabelMap:
    """Entity-type rewrites such as MISC→O or PERSON→PER, applied to tags by name.

    Kept explicit (and recorded in every output's provenance) because dropping MISC or DATE changes
    what a score means.
    """

    mapping: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, items: Iterable[str]) -> LabelMap:
        """Build from ``TYPE=NEW`` strings, e.g. ``["MISC=O", "PERSON=PER"]``."""
        mapping: dict[str, str] = {}
        for item in items:
            source, sep, target = item.partition("=")
            source, target = source.strip(), target.strip()
            if not sep or not source or not target:
                raise ValueError(f"label map entry {item!r} is not of the form TYPE=NEW (e.g. MISC=O)")
            for name in (source, target):
                if name.startswith(("B-", "I-")):
                    raise ValueError(
                        f"label map entry {item!r} names a tag; name entity types (MISC=O, not B-MISC=O)"
                    )
            mapping[source] = target
        return cls(mapping)

    def map_type(self, etype: str) -> str:
        """The new entity type, or ``O`` where the type is dropped."""
        return self.mapping.get(etype, etype)

    def map_tag(self, tag: str) -> str:
        prefix, etype = split_tag(tag)
        if prefix == OUTSIDE:
            return tag
        new = self.map_type(etype)
        return OUTSIDE if new == OUTSIDE else f"{prefix}-{new}"

    def map_tags(self, tags: Sequence[str]) -> list[str]:
        return [self.map_tag(tag) for tag in tags]

    def map_labels(self, labels: Sequence[str]) -> tuple[str, ...]:
        """The label list after mapping: mapped-away labels removed, order kept, no duplicates."""
        out: dict[str, None] = {}
        for label in labels:
            out.setdefault(self.map_tag(label), None)
        return tuple(out)

    def as_strings(self) -> list[str]:
        """The ``TYPE=NEW`` form, for provenance and cards."""
        return [f"{k}={v}" for k, v in sorted(self.mapping.items())]

    def __bool__(self) -> bool:
        return bool(self.mapping)
