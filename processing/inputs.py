"""A user's ``Dataset`` or ``DatasetDict`` as a pipeline reads it: split by split, the mapped
columns under projner's names, the label names from the features, and a content fingerprint.

The user's dataset is never changed: the pipeline works on a new ``Dataset`` holding only the
columns it reads, renamed (Arrow metadata only, nothing copied).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import datasets
import pyarrow as pa
import pyarrow.compute as pc

from projner.dataset_cards.provenance import SourceDataset
from projner.labels import (
    CONLL2003_LABELS,
    MASAKHANER2_LABELS,
    entity_types,
    is_iob2,
    labels_for_types,
    outside_label_ids,
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


PAIR_SIDES = (("src_tokens", "src_tags", "source tags"), ("tgt_tokens", "tgt_tags", "target tags"))
"""A parallel corpus's sides: words column, tags column, what its tags are (for errors)."""


def check_pair_rows(dataset: datasets.Dataset, names: Mapping[str, str], where: str) -> None:
    """Every row of a parallel corpus (projner's column names), checked before anything runs
    (:func:`check_rows`): words and tags on each side, and links inside their pair."""
    check_rows(dataset, names, where, PAIR_SIDES, what="sentence pairs")


def check_rows(dataset: datasets.Dataset, names: Mapping[str, str], where: str,
               sides: Sequence[tuple[str, str, str]], *, what: str) -> None:
    """Every row of a pipeline's input (projner's column names), checked before any model runs.

    ``sides``: ``(words, tags, what the tags are)`` per side; a tags column the dataset lacks is not
    checked. Words are lists of strings, tags one valid IOB2 tag (or ``ClassLabel`` id) per word,
    links (``alignments``, with two sides) ``[source, target]`` pairs inside their pair: otherwise
    an entity is lost silently, or an error rises from deep inside a stage after hours of
    translation. The checks run on the Arrow columns at once (far cheaper than any stage); an
    error names the split, the row (and its ``id``), the word, the user's column (``names``:
    projner's name → the user's) and what is wrong. ``what``: what a row is, for an empty split.
    """
    if len(dataset) == 0:
        raise ValueError(f"{where} has no rows (no {what})")
    table = dataset.with_format("arrow")[:]
    column = {name: table[name].combine_chunks() for name in table.column_names}
    rows = _Rows(where, column.get("id"), names)
    for words, tags, _ in sides:
        for name in (words, tags):
            if name in column:
                rows.check_lists(column[name], name)
    if "alignments" in column:
        rows.check_lists(column["alignments"], "alignments")
    lengths = {words: pc.list_value_length(column[words]) for words, _, _ in sides}
    for words, tags, role in sides:
        rows.check_words(column[words], words)
        if tags in column:
            rows.check_tags(dataset, column[tags], tags)
            bad = rows.first(pc.not_equal(lengths[words], pc.list_value_length(column[tags])))
            if bad >= 0:
                given, needed = len(column[tags][bad]), lengths[words][bad].as_py()
                raise ValueError(f"{rows.at(bad)}: {needed} {rows.names[words]} but {given} {rows.names[tags]}: "
                                 f"the {role} are {'shorter' if given < needed else 'longer'} than the words "
                                 "(one tag per word)")
    if "alignments" in column:
        (source, _, _), (target, _, _) = sides
        rows.check_links(column["alignments"], lengths[source], lengths[target])


def _is_list(kind: pa.DataType) -> bool:
    return pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind)


def _is_string(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


@dataclass(frozen=True)
class _Rows:
    """Where a check of :func:`check_rows` failed, said the way every error says it."""

    where: str
    ids: pa.Array | None
    columns: Mapping[str, str]

    @property
    def names(self) -> dict[str, str]:
        """``'words' (src_tokens)`` where the user's name differs, else ``'src_tokens'``."""
        return {name: repr(user) + (f" ({name})" if user != name else "") for name, user in self.columns.items()}

    def at(self, index: int) -> str:
        return f"{self.where}, row {index}" + (f" (id {self.ids[index].as_py()})" if self.ids is not None else "")

    def at_element(self, values: pa.Array, index: int) -> str:
        """Where element ``index`` of ``pc.list_flatten(values)`` lies: its row and word."""
        parents = pc.list_parent_indices(values)
        row = parents[index].as_py()
        return f"{self.at(row)}, word {index - pc.index(parents, row).as_py()}"

    @staticmethod
    def first(mask: pa.Array) -> int:
        """The first row where ``mask`` holds, or -1."""
        return pc.index(mask.fill_null(False), True).as_py()

    def check_lists(self, values: pa.Array, name: str) -> None:
        """A list per row (not a string, not None), with no None inside."""
        if not _is_list(values.type):
            raise TypeError(f"{self.where}: {self.names[name]} must hold a list per row, found {values.type} "
                            f"(row 0: {values[0].as_py()!r:.80})")
        if values.null_count:
            raise ValueError(f"{self.at(self.first(values.is_null()))}: {self.names[name]} is None, not a list")
        inner = pc.list_flatten(values)
        if inner.null_count:
            raise ValueError(f"{self.at_element(values, self.first(inner.is_null()))}: {self.names[name]} holds None")

    def check_words(self, words: pa.Array, name: str) -> None:
        """Strings: anything else fails inside the text code or a tokenizer, naming no row."""
        kind, flat = words.type.value_type, pc.list_flatten(words)
        if len(flat) and not _is_string(kind):
            raise TypeError(f"{self.at_element(words, 0)}: {self.names[name]} holds {kind} {flat[0].as_py()!r:.60}, "
                            "not a word (a string)")

    def check_tags(self, dataset: datasets.Dataset, tags: pa.Array, name: str) -> None:
        """IOB2 strings, or ids of the column's ``ClassLabel`` (plain integers name no tags)."""
        kind, flat = tags.type.value_type, pc.list_flatten(tags)
        if pa.types.is_null(kind):  # every list empty
            return
        if pa.types.is_integer(kind):
            if not is_class_label(dataset, name):
                raise TypeError(f"{self.where}: {self.names[name]} holds integer ids but no ClassLabel feature "
                                "names them; give IOB2 strings, or cast the column to Sequence(ClassLabel(names=...))")
            names = dataset.features[name].feature.names
            wrong = [label for label in names if not is_iob2(label)]
            if wrong:
                raise ValueError(f"{self.where}: the ClassLabel names of {self.names[name]} are not IOB2 tags "
                                 f"(O, B-TYPE, I-TYPE): {', '.join(map(repr, wrong[:5]))}"
                                 + (f" and {len(wrong) - 5} more" if len(wrong) > 5 else "")
                                 + "; cast the column to a ClassLabel with IOB2 names")
            size = len(names)
            bad = self.first(pc.or_(pc.less(flat, 0), pc.greater_equal(flat, size)))
            if bad >= 0:
                raise ValueError(f"{self.at_element(tags, bad)}: {self.names[name]} holds "
                                 f"{outside_label_ids(flat[bad].as_py(), size)}")
            return
        if not _is_string(kind):
            raise TypeError(f"{self.where}: {self.names[name]} must hold IOB2 tags (strings) or ClassLabel ids, "
                            f"found {kind}")
        for tag in pc.unique(flat).to_pylist():
            if not is_iob2(tag):
                raise ValueError(f"{self.at_element(tags, self.first(pc.equal(flat, tag)))}: {self.names[name]} "
                                 f"holds {tag!r}, not an IOB2 tag (O, B-TYPE or I-TYPE)")

    def check_links(self, links: pa.Array, n_source: pa.Array, n_target: pa.Array) -> None:
        """``[source, target]`` word indices inside each pair."""
        name, kind = "alignments", links.type.value_type
        if pa.types.is_null(kind):  # every list empty
            return
        if not _is_list(kind) or not (pa.types.is_integer(kind.value_type) or pa.types.is_null(kind.value_type)):
            raise TypeError(f"{self.where}: {self.names[name]} must hold [source, target] word-index pairs per row, "
                            f"found {links.type} (row 0: {links[0].as_py()!r:.80})")
        pairs, parents = pc.list_flatten(links), pc.list_parent_indices(links)
        bad = self.first(pc.not_equal(pc.list_value_length(pairs), 2))
        if bad < 0 and pc.list_flatten(pairs).null_count:
            bad = self.first(pc.or_(pc.list_element(pairs, 0).is_null(), pc.list_element(pairs, 1).is_null()))
        if bad >= 0:
            raise ValueError(f"{self.at(parents[bad].as_py())}: {self.names[name]} holds {pairs[bad].as_py()!r}, "
                             "not a [source, target] pair of word indices")
        if not len(pairs):
            return
        source, target = pc.list_element(pairs, 0), pc.list_element(pairs, 1)
        words, other = pc.take(n_source, parents), pc.take(n_target, parents)
        outside = pc.or_(pc.or_(pc.less(source, 0), pc.greater_equal(source, words)),
                         pc.or_(pc.less(target, 0), pc.greater_equal(target, other)))
        bad = self.first(outside)
        if bad >= 0:
            raise ValueError(f"{self.at(parents[bad].as_py())}: {self.names[name]}: link {source[bad]}-{target[bad]} "
                             f"lies outside a pair of {words[bad]} source and {other[bad]} target words")
