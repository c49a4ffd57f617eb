"""Gold splits by name, as the CLI resolves them for the pipelines: built by projner's builders,
cut to ``limit``, with what the run records about them (:meth:`GoldInput.origin`); and a user's own
file of target sentences, tags optional (:func:`load_sentences`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import datasets

from projner.errors import UserError
from projner.labels import split_tag
from projner.languages import get_language
from projner.text_lines import numbered_lines

SPLIT_ALIASES = {"dev": "validation", "valid": "validation"}


@dataclass(frozen=True)
class GoldInput:
    """A gold split ready for a pipeline: its rows, label names, what it is, and its fingerprint."""

    dataset: datasets.Dataset
    labels: tuple[str, ...]
    name: str
    config: str
    split: str
    skipped: dict[str, int] = field(default_factory=dict)
    """Input lines that lenient reading skipped, by reason (never silently)."""

    def origin(self, report_key: str) -> Any:
        """What a run on this split records: the source's licence and citation, its name (under
        ``report_key`` in the report) and the lines the reader skipped."""
        from projner.dataset_cards.sources import known_source
        from projner.processing.options import Origin

        return Origin(source=known_source(self.name, config=self.config, split=self.split),
                      report={report_key: self.name, "input_skipped": self.skipped},
                      gold=f"{self.name} {self.config} {self.split}")


def resolve_gold(name: str, lang: str) -> tuple[type, str]:
    """The builder and config of dataset ``name`` for ``lang``; a user error listing the dataset's
    languages where it has none for ``lang``. Reads nothing."""
    from projner import builders
    from projner.languages import MASAKHANER2_LANGUAGES, PANX_LANGUAGES

    language = get_language(lang)
    if name == "conll2003":
        return builders.Conll2003, "en"
    known = {"masakhaner2": ("MasakhaNER 2.0", builders.MasakhaNER2, "masakhaner2", MASAKHANER2_LANGUAGES),
             "panx": ("PAN-X", builders.PanX, "panx", PANX_LANGUAGES)}
    if name not in known:
        raise UserError(f"unknown dataset {name!r}; known: masakhaner2, panx, conll2003")
    title, builder_class, attribute, languages = known[name]
    config = getattr(language, attribute)
    if not config:
        codes = ", ".join(sorted(lang_.code for lang_ in languages))
        raise UserError(f"{title} has no {language.name} ({language.code}) config; its languages: {codes}")
    return builder_class, config


def load_gold(
    name: str,
    lang: str,
    split: str,
    *,
    data_dir: str | None,
    cache_dir: str | os.PathLike,
    limit: int | None = None,
    lenient: bool = False,
    strict: bool = False,
    label_map: Sequence[str] = (),
) -> GoldInput:
    """One split of MasakhaNER 2.0, PAN-X or CoNLL-2003 through projner's builders (first ``limit``)."""
    split = SPLIT_ALIASES.get(split, split)
    builder_class, config = resolve_gold(name, lang)
    builder = builder_class(
        config_name=config, data_dir=data_dir, cache_dir=str(Path(cache_dir) / "builders"),
        splits=[split], lenient=lenient, strict=strict, label_map=tuple(label_map),
    )
    dataset = prepared_split(builder, split)
    if limit is not None:
        dataset = dataset.select(range(min(limit, len(dataset))))
    labels = tuple(dataset.features["ner_tags"].feature.names)
    report = builder.read_report
    skipped = report.skipped().get(split, {}) | report.tolerated().get(split, {})
    return GoldInput(dataset, labels, name, config, split, skipped)


def prepared_split(builder: Any, split: str) -> datasets.Dataset:
    """``builder``'s ``split``, prepared first where it is not yet. A prepared folder that cannot be
    read (a file cut short or overwritten since: ``datasets`` only renames complete ones into place)
    is deleted with a warning naming it and prepared again from the data, as a damaged stage cache
    file is, instead of every run failing on pyarrow's message, which names no file."""
    import shutil
    import warnings

    import pyarrow as pa

    from projner.processing.stage_cache import CorruptCacheWarning

    builder.download_and_prepare()
    try:
        return builder.as_dataset(split=split)
    except PermissionError:  # a folder this user may not read is not theirs to delete
        raise
    except (pa.ArrowInvalid, OSError) as err:  # pyarrow says OSError for a message cut short
        folder = Path(builder.cache_dir)
        warnings.warn(f"prepared dataset {folder} could not be read ({err}); deleted, prepared again",
                      CorruptCacheWarning, stacklevel=2)
        shutil.rmtree(folder)
    builder.download_and_prepare()
    return builder.as_dataset(split=split)


@dataclass(frozen=True)
class SentencesFile:
    """A user's file of target sentences ready for a pipeline: its rows (``id``, ``tokens`` and, where
    the file has a tag column, ``ner_tags``: then the run is scored against them)."""

    dataset: datasets.Dataset
    path: str
    split: str
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def labelled(self) -> bool:
        return "ner_tags" in self.dataset.column_names

    def origin(self, report_key: str) -> Any:
        """What a run on the file records: its name (licence unknown), the lines skipped, the gold."""
        from projner.dataset_cards.sources import local_files
        from projner.processing.options import Origin

        return Origin(source=local_files(self.path), report={report_key: self.path, "input_skipped": self.skipped},
                      gold=f"the tags of {self.path}" if self.labelled else None)


def load_sentences(path: str | os.PathLike, split: str, *, limit: int | None = None,
                   lenient: bool = False) -> SentencesFile:
    """A CoNLL file (one word a line, blank lines between sentences; a tag column optional, detected
    from its first word line) or a ``.txt`` file (one sentence a line, words separated by spaces,
    never tags) as one split. Bad lines are errors naming the line, or with ``lenient`` skipped and
    counted; an empty line of a text file is counted as skipped (it holds no sentence)."""
    from projner.builders.conll import ReadReport, Skipped, read_conll
    from projner.builders.parallel import has_tags

    path = os.fspath(path)
    report = ReadReport(path)
    if path.endswith(".txt"):
        lines: list[tuple[int, list[str]]] = []
        for number, line in numbered_lines(path):
            if words := line.split():
                lines.append((number, words))
            else:
                report.skipped.append(Skipped(path, number, "empty line", line))
        _refuse_conll_lines(path, lines)
        rows: list[tuple[list[str], list[str] | None]] = [(words, None) for _, words in lines]
        labelled = False
    else:
        labelled = has_tags(path)
        rows = [(s.tokens, s.tags) for s in read_conll(path, labelled=labelled, lenient=lenient, report=report,
                                                          repair=True)]
    if not rows:
        raise UserError(f"{path}: no sentences")
    rows = rows[:limit] if limit is not None else rows
    words = datasets.Sequence(datasets.Value("string"))
    columns: dict[str, list] = {"id": [str(i) for i in range(len(rows))], "tokens": [w for w, _ in rows]}
    features = {"id": datasets.Value("string"), "tokens": words}
    if labelled:
        columns["ner_tags"], features["ner_tags"] = [t for _, t in rows], words
    dataset = datasets.Dataset.from_dict(columns, features=datasets.Features(features), split=datasets.Split(split))
    return SentencesFile(dataset, path, split, report.counts())


def _refuse_conll_lines(path: str, lines: list[tuple[int, list[str]]]) -> None:
    """A ``.txt`` file whose every line is a word and an IOB2 tag is a CoNLL file (MasakhaNER's files
    are ``test.txt``): read a sentence a line, each ``word TAG`` would become a two-word sentence.
    ``lines``: the file's non-empty lines, numbered, as words."""
    first: tuple[int, str] | None = None
    tagged = 0
    for number, fields in lines:
        if fields[0] == "-DOCSTART-":
            continue
        try:
            if len(fields) != 2:
                return
            split_tag(fields[1])
        except ValueError:
            return
        first = first or (number, " ".join(fields))
        tagged += 1
    if first is not None and tagged > 1:
        raise UserError(f"{path}: every line is a word and a tag ({first[1]!r}, line {first[0]}): a CoNLL file, "
                        "which a .txt name would read as one sentence a line; give it another name (.conll) "
                        "to read it as CoNLL")
