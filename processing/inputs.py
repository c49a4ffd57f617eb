"""A user's ``Dataset`` or ``DatasetDict`` as a pipeline reads it: split by split, the mapped
columns under projner's names, the label names from the features, and a content fingerprint.

The user's dataset is never changed: the pipeline works on a new ``Dataset`` holding only the
columns it reads, renamed (Arrow metadata only, nothing copied).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import datasets

from projner.dataset_cards.provenance import SourceDataset
from projner.labels import (
    CONLL2003_LABELS,
    MASAKHANER2_LABELS,
    entity_types,
    labels_for_types,
)


def named_splits(data: datasets.Dataset | datasets.DatasetDict, split: str | None) -> dict[str, datasets.Dataset]:
    """``{split name: Dataset}``: a ``DatasetDict`` as it is; a ``Dataset`` under ``split`` (default: the
    split it was loaded as, else ``train``)."""
    if isinstance(data, datasets.DatasetDict):
        if not data:
            raise ValueError("the DatasetDict has no splits")
        return dict(data)
    if not isinstance(data, datasets.Dataset):
        raise TypeError(f"expected a datasets.Dataset or DatasetDict, got {type(data).__name__}")
    return {split or (str(data.split) if data.split else "train"): data}


def mapped_columns(dataset: datasets.Dataset, mapping: Mapping[str, str], *, required: Sequence[str],
                   where: str) -> datasets.Dataset:
    """The columns of ``mapping`` (projner's name → the user's) under projner's names; those in
    ``required`` must exist, the others are taken where present."""
    columns = dataset.column_names
    missing = [f"{mapping[name]!r} ({name})" for name in required if mapping[name] not in columns]
    if missing:
        raise ValueError(f"{where}: no column {', '.join(missing)}; the dataset has {', '.join(columns)} "
                         "(map your column names with the pipeline's columns=...)")
    present = {name: user for name, user in mapping.items() if user in columns}
    taken = dataset.select_columns(list(dict.fromkeys(present.values())))
    renames = {user: name for name, user in present.items() if user != name}
    return taken.rename_columns(renames) if renames else taken


def is_class_label(dataset: datasets.Dataset, column: str) -> bool:
    return isinstance(getattr(dataset.features[column], "feature", None), datasets.ClassLabel)


def label_names(dataset: datasets.Dataset, column: str) -> tuple[str, ...]:
    """The IOB2 label names of a tag column: its ``ClassLabel`` names, or for string tags, the types
    found in the column in the Hub's usual order (PER, ORG, LOC, …; others alphabetically)."""
    if is_class_label(dataset, column):
        return tuple(dataset.features[column].feature.names)
    return labels_for_types(usual_order(entity_types(tag for row in dataset[column] for tag in row)))


def usual_order(types: Iterable[str]) -> list[str]:
    """Entity types in the Hub's usual order (PER, ORG, LOC, …; others alphabetically)."""
    known = entity_types(MASAKHANER2_LABELS + CONLL2003_LABELS)
    found = set(types)
    return [t for t in known if t in found] + sorted(found - set(known))


def tag_strings(dataset: datasets.Dataset, column: str, labels: Sequence[str]) -> list[list[str]]:
    """A tag column as IOB2 strings, whether it holds strings or ``ClassLabel`` ids."""
    return [[tag if isinstance(tag, str) else labels[tag] for tag in row] for row in dataset[column]]


def source_record(dataset: datasets.Dataset, given: SourceDataset | None, split: str) -> SourceDataset:
    """The source dataset's record for the provenance: ``given``, else what ``dataset.info`` says
    (a licence it does not state is recorded as unknown, and the card says to check it)."""
    if given is not None:
        return given
    info = dataset.info
    name = info.dataset_name or info.builder_name or "a user-supplied dataset"
    license_id = (info.license or "").strip() or "unknown"
    details = None
    if license_id in ("unknown", "other"):
        details = (f"The licence of the input ({name}) was not recorded: the output inherits it. Check it "
                   "before publishing, and record it as source_dataset.license in <config>/provenance.json.")
    return SourceDataset(name=name, license=license_id, license_details=details, citation=info.citation or None,
                         homepage=info.homepage or None, config=info.config_name, split=split)
