"""Label sets of the datasets projner reads and writes, and explicit label maps between them.

Labels always travel by name: a model's id 3 and a dataset's id 3 need not be the same entity type,
so every conversion between two label sets goes through the tag strings and an explicit map.
"""

from __future__ import annotations

import difflib
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from projner.errors import UserError

OUTSIDE = "O"

TYPE_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
"""What an entity type is called: a letter, then letters, digits or ``_`` (PER, DATE, NORP)."""


class LabelMapError(UserError):
    """A label map entry that is malformed, or (strictly) names a type absent from the data."""


class LabelMapWarning(UserWarning):
    """A label map entry naming a type the data does not have: it changes nothing."""

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


def is_entity_type(label: str) -> bool:
    """Whether ``label`` names an entity type: not empty, not ``O``, not a tag (``B-PER``, which as a
    type would give the invalid tag ``B-B-PER``)."""
    return bool(label) and label != OUTSIDE and not label.startswith(("B-", "I-"))


def is_iob2(tag: object) -> bool:
    """``O``, or ``B-``/``I-`` and an entity type (:func:`split_tag`; not ``O``, not another tag: ``B-B-PER``)."""
    if not isinstance(tag, str):
        return False
    try:
        prefix, etype = split_tag(tag)
    except ValueError:
        return False
    return prefix == OUTSIDE or is_entity_type(etype)


def outside_label_ids(tag_id: int, size: int) -> str:
    """Why a ``ClassLabel`` id names no label, said once for every check: Python would read ``-1``
    (``datasets``' missing label) as the last name, silently."""
    return (f"id {tag_id}, outside its {size} label names (0–{size - 1})"
            + ("; -1 is datasets' missing label" if tag_id == -1 else ""))


def split_tag(tag: str) -> tuple[str, str]:
    """``"B-PER"`` → ``("B", "PER")``; ``"O"`` → ``("O", "")``. Raises on anything else."""
    if tag == OUTSIDE:
        return OUTSIDE, ""
    prefix, sep, etype = tag.partition("-")
    if not sep or prefix not in ("B", "I") or not etype:
        raise ValueError(f"not an IOB2 tag: {tag!r}")
    return prefix, etype


def join_adjacent(tags: Sequence[str]) -> list[str]:
    """IOB2 tags read word by word as types only and written back with each maximal run of one type
    as one entity: how a corpus reads that defines an entity as a maximal run of tagged words
    (pud-names: runs of PROPN words), where two adjacent entities of a type cannot be told apart."""
    joined: list[str] = []
    previous = ""
    for tag in tags:
        etype = split_tag(tag)[1]
        joined.append(OUTSIDE if not etype else ("I-" if etype == previous else "B-") + etype)
        previous = etype
    return joined


@dataclass(frozen=True)
class LabelMap:
    """Entity-type rewrites such as MISC→O or PERSON→PER, applied to tags by name.

    Kept explicit (and recorded in every output's provenance) because dropping MISC or DATE changes
    what a score means.
    """

    mapping: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, items: Iterable[str]) -> LabelMap:
        """Build from ``TYPE=NEW`` strings, e.g. ``["MISC=O", "PERSON=PER"]``.

        Each entry has exactly one ``=`` and names entity types on both sides (``O`` drops a type);
        entries apply at once, so ``LOC=PER PER=LOC`` swaps two types. A single string is refused
        rather than guessed at (one entry, or several separated by spaces?): pass ``["MISC=O"]``.
        """
        if isinstance(items, str):
            raise TypeError(f"a label map is a list of TYPE=NEW entries, got the string {items!r} "
                            f"(write [{items!r}] for one entry)")
        mapping: dict[str, str] = {}
        for item in items:
            source, target = _parse_entry(item)
            if mapping.get(source, target) != target:
                raise LabelMapError(f"label map entry {item!r}: {source} is already mapped to {mapping[source]}")
            mapping[source] = target
        return cls(mapping)

    def absent_types(self, present: Iterable[str]) -> tuple[str, ...]:
        """The types this map rewrites that are not in ``present`` (a typo, or the wrong data)."""
        found = set(present)
        return tuple(t for t in self.mapping if t not in found)

    def check_types(self, present: Iterable[str], *, where: str, strict: bool = False) -> None:
        """Warn (or, ``strict``, raise) where the map names a type absent from ``where``.

        Such an entry changes nothing, silently, so it is said with the types that are there and
        the close match (``misc=O`` in data with ``MISC``).
        ``where`` is the singular subject of "has no entity type" (``each of a.conll and b.conll``).
        """
        present = tuple(dict.fromkeys(present))
        for etype in self.absent_types(present):
            close = difflib.get_close_matches(etype, present, n=1, cutoff=0.5) or [
                t for t in present if t.lower() == etype.lower()]
            hint = f"; did you mean {close[0]}?" if close else ""
            message = (f"label map entry {etype}={self.mapping[etype]}: {where} has no entity type {etype} "
                       f"(types present: {', '.join(present) or 'none'}){hint}")
            if strict:
                raise LabelMapError(message)
            warnings.warn(message, LabelMapWarning, stacklevel=2)

    def image_types(self) -> frozenset[str]:
        """The types this map produces (O excluded)."""
        return frozenset(t for t in self.mapping.values() if t != OUTSIDE)

    def maps_away(self, etype: str) -> bool:
        """Whether ``etype`` can no longer occur after mapping (dropped or renamed, not a target)."""
        return etype in self.mapping and etype not in self.image_types()

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


def _parse_entry(item: str) -> tuple[str, str]:
    """``"MISC=O"`` → ``("MISC", "O")``; an error saying what is wrong with anything else."""
    parts = [part.strip() for part in item.split("=")]
    if len(parts) != 2 or not all(parts):
        raise LabelMapError(f"label map entry {item!r} is not of the form TYPE=NEW with one '=' (e.g. MISC=O)")
    source, target = parts
    for name in parts:
        if name.startswith(("B-", "I-")):
            raise LabelMapError(f"label map entry {item!r} names a tag; name entity types (MISC=O, not B-MISC=O)")
        if not TYPE_NAME_RE.match(name):
            raise LabelMapError(f"label map entry {item!r}: {name!r} is not an entity type name "
                                "(a letter, then letters, digits or '_')")
    if source == OUTSIDE:
        raise LabelMapError(f"label map entry {item!r}: O is not an entity type; map a type to O to drop it")
    return source, target
