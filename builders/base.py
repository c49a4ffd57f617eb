"""What every projner builder shares: the config options, reading CoNLL files into declared
features, the read report, the cache hash, and how source files are found and fetched.

A builder subclass says only what differs: its label set, features, where each split's file lives,
and how a read sentence becomes an example (the ``datasets`` packaged ``text`` builder is the model).
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import inspect
import json
import os
import posixpath
import shutil
import tarfile
import tempfile
import warnings
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import datasets
from datasets.builder import Key
from datasets.exceptions import DatasetGenerationError

from projner.builders.conll import (
    ConllError,
    ReadReport,
    Sentence,
    Skipped,
    UnlabelledFileError,
    read_conll,
)
from projner.errors import UserError
from projner.labels import LabelMap, entity_types
from projner.languages import Language, get_language

REPORT_FILE = "projner_read_report.json"
"""Written beside the Arrow files, so the report of a cached build can be read back."""

_CODE_MODULES = ("projner.builders.base", "projner.builders.conll", "projner.labels", "projner.languages")
"""Modules whose code shapes every builder's output, hashed into every cache path."""

Source = str | list[str]
"""A split's source: one file (or URL), or several files read together (a parallel pair); a list,
not a tuple, because the download manager maps over lists and dicts only."""


class DownloadError(UserError):
    """A source file the builder could not download; ``data_dir`` reads a local copy instead."""


class ArchiveError(UserError):
    """A source archive that cannot be read to its end (cut short, corrupt): named, never half used."""


class SourceError(UserError):
    """A split's source that holds no data: a folder where its file should be, or no sentence."""


class MissingSplitWarning(UserWarning):
    """A split's file is absent from ``data_dir``; the split is left out of the build."""


@dataclass
class NerConfig(datasets.BuilderConfig):
    """Options every builder takes; one config per language, options overridable at construction.

    ``lenient``: skip (and count) bad lines instead of raising. ``strict``: a known defect of an
    official file (a tag without a token) and a label map entry naming a type the dataset lacks
    are errors; by default the first is read as the official loader reads it (skipped, counted in
    the read report, warned about) and the second is a warning. ``label_map``: entity-type
    rewrites such as ``("MISC=O",)``, applied by name before encoding. ``splits``: which splits
    to build (e.g. leave out an unlabelled test file); None builds every split found.
    """

    language: str | None = None
    lenient: bool = False
    strict: bool = False
    label_map: Sequence[str] | LabelMap = ()
    splits: Sequence[str] | None = None


@dataclass
class BuildReport:
    """Per split, what each file gave and what lenient reading skipped; and splits left out."""

    reads: dict[str, list[ReadReport]] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)

    def sentences(self, split: str) -> int:
        """Examples kept in a split (for a parallel split: pairs kept)."""
        return min(report.sentences for report in self.reads[split])

    def skipped(self) -> dict[str, dict[str, int]]:
        """Skipped items per split, by reason (splits without skips are absent)."""
        return self._per_split(lambda report: report.skipped)

    def tolerated(self) -> dict[str, dict[str, int]]:
        """Known defects of official files read as their loader reads them, per split, by reason."""
        return self._per_split(lambda report: report.tolerated)

    def _per_split(self, items: Callable[[ReadReport], list[Skipped]]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for split, reports in self.reads.items():
            counts = Counter(item.reason for report in reports for item in items(report))
            if counts:
                out[split] = dict(counts)
        return out

    def summary(self) -> str:
        """A few lines for ``DatasetInfo.description``: kept, skipped and missing per split."""
        lines = []
        for split, reports in self.reads.items():
            files = ", ".join(os.path.basename(report.path) for report in reports)
            line = f"{split}: {self.sentences(split)} examples from {files}"
            for what, counts in (("skipped", self.skipped().get(split)), ("tolerated", self.tolerated().get(split))):
                if counts:
                    line += f"; {what} " + ", ".join(f"{n} × {reason}" for reason, n in sorted(counts.items()))
            lines.append(line)
        lines += [f"{split}: left out, {path} not found" for split, path in self.missing.items()]
        return "\n".join(lines)

    def to_json(self) -> str:
        reads = {split: [r.to_dict() for r in reports] for split, reports in self.reads.items()}
        return json.dumps({"reads": reads, "missing": self.missing}, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> BuildReport:
        data = json.loads(text)
        reads = {split: [ReadReport.from_dict(r) for r in rs] for split, rs in data["reads"].items()}
        return cls(reads, data["missing"])


def source_hash(modules: Sequence[str], *extra: object) -> str:
    """SHA-256 over the source text of ``modules`` and ``extra`` values (version, data stamps)."""
    digest = hashlib.sha256()
    for name in modules:
        source_file = inspect.getsourcefile(importlib.import_module(name))
        digest.update(name.encode())
        with open(source_file, "rb") as handle:
            digest.update(handle.read())
    digest.update(repr(extra).encode())
    return digest.hexdigest()[:16]


def is_url(source: str) -> bool:
    return "://" in source


def extract_archive(archive: str, into: str) -> str:
    """The folder of ``into`` holding ``archive`` extracted, keyed on its path, size and mtime.

    ``datasets``' extraction keys on the path alone and leaves what a failed extraction wrote, which
    every later run then reads (a repaired archive never counts). Here an archive is extracted into a
    temporary folder renamed into place when whole, and a changed archive gets a folder of its own.
    """
    stat = os.stat(archive)
    stamp = f"{os.path.abspath(archive)}\0{stat.st_size}\0{stat.st_mtime_ns}"
    target = os.path.join(into, f"{os.path.basename(archive)}-{hashlib.sha256(stamp.encode()).hexdigest()[:16]}")
    if os.path.isdir(target):
        return target
    os.makedirs(into, exist_ok=True)
    partial = tempfile.mkdtemp(dir=into, prefix=f".{os.path.basename(target)}.partial-")
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(partial, filter="data")
        os.replace(partial, target)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as err:
        shutil.rmtree(partial, ignore_errors=True)
        raise ArchiveError(f"{archive}: truncated or corrupt archive ({err}); download it again") from None
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
        if not os.path.isdir(target):  # another process renamed its extraction into place first
            raise
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target


class ConllBuilder(datasets.GeneratorBasedBuilder):
    """A ``GeneratorBasedBuilder`` over CoNLL files with declared label sets and a read report."""

    BUILDER_CONFIG_CLASS = NerConfig
    DATASET_NAME: str = ""
    LABELS: tuple[str, ...] = ()
    """The Hub's ``ner_tags`` names, in the Hub's order."""
    DESCRIPTION = ""
    SOURCE: str | None = None
    """The dataset's name in :data:`projner.dataset_cards.sources.KNOWN_SOURCES`: the one place its
    citation, homepage and licence are written (builders' infos and exported cards read them)."""
    SPLIT_FILES: Mapping[str, str] = {"train": "train", "validation": "dev", "test": "test"}
    """Split name → the file stem the collections use for it."""

    def __init__(self, *args, dataset_name: str | None = None, **kwargs) -> None:
        self._reports: dict[str, list[ReadReport]] = {}
        self._missing: dict[str, str] = {}
        super().__init__(*args, dataset_name=dataset_name or self.DATASET_NAME, **kwargs)
        if isinstance(self.config.splits, str):  # else read letter by letter: unknown split(s) ['t', 'r', ...]
            raise TypeError(f"splits is a list of split names, got the string {self.config.splits!r} "
                            f"(write [{self.config.splits!r}] for one split)")
        self.label_map.check_types(entity_types(self.declared_labels), strict=self.config.strict,
                                   where=f"{self.dataset_name}/{self.config.name}")

    # --- what subclasses provide -------------------------------------------------------------

    def _features(self, labels: datasets.ClassLabel) -> datasets.Features:
        """``id``, ``tokens``, ``ner_tags``: the Hub's layout of most NER datasets."""
        return datasets.Features({
            "id": datasets.Value("string"),
            "tokens": datasets.List(datasets.Value("string")),
            "ner_tags": datasets.List(labels),
        })

    def _source_files(self) -> dict[str, Source]:
        """Split name → local path(s) or URL(s) of its source."""
        raise NotImplementedError

    def _example(self, index: int, sentence: Sentence) -> dict:
        raise NotImplementedError

    def _reader_options(self) -> dict:
        """Extra :func:`read_conll` keywords (e.g. a token prefix)."""
        return {}

    # --- shared machinery --------------------------------------------------------------------

    @property
    def language(self) -> Language:
        return get_language(self.config.language)

    @property
    def label_map(self) -> LabelMap:
        given = self.config.label_map
        return given if isinstance(given, LabelMap) else LabelMap.parse(given)

    @property
    def declared_labels(self) -> tuple[str, ...]:
        """The dataset's own label names, before any label map."""
        return self.LABELS

    @property
    def labels(self) -> tuple[str, ...]:
        """The label names after the label map: the ``ClassLabel`` the dataset is encoded with."""
        return self.label_map.map_labels(self.declared_labels)

    def _info(self) -> datasets.DatasetInfo:
        notes = [self.DESCRIPTION.strip()]
        if self.config.description:
            notes.append(self.config.description)
        if self.label_map:
            notes.append(f"Label map applied by entity type: {', '.join(self.label_map.as_strings())}.")
        if self.config.lenient:
            notes.append(f"Read leniently: bad lines were skipped and counted (see {REPORT_FILE}).")
        info = datasets.DatasetInfo(
            description="\n\n".join(notes),
            features=self._features(datasets.ClassLabel(names=list(self.labels))),
        )
        if self.SOURCE is not None:
            from projner.dataset_cards.sources import known_source

            source = known_source(self.SOURCE)
            info.citation, info.homepage = source.citation or "", source.homepage or ""
            info.license = source.license + (f": {source.license_details}" if source.license_details else "")
        return info

    @property
    def hash(self) -> str:
        """Cache key: this builder's code, its version and the stamps of its local source files.

        ``datasets`` hashes a loading script's code; builders used as classes get no hash, so a
        changed reader would silently reuse a stale cache. Editing a local data file also counts.
        """
        if self._explicit_hash:
            return self._explicit_hash
        modules = {klass.__module__ for klass in type(self).__mro__
                   if klass.__module__.partition(".")[0] not in ("datasets", "builtins", "abc")}
        versions = (str(self.VERSION), str(self.config.version))
        return source_hash(sorted(modules | set(_CODE_MODULES)), versions, self._data_stamps())

    @hash.setter
    def hash(self, value: str | None) -> None:
        self._explicit_hash = value

    def _data_stamps(self) -> list[tuple[str, int, int]]:
        try:
            sources = self._source_files()
        except (ValueError, FileNotFoundError):
            return []  # no usable source yet: the build itself reports why
        paths = [p for s in sources.values() for p in ((s,) if isinstance(s, str) else s)]
        return [(p, os.stat(p).st_size, os.stat(p).st_mtime_ns) for p in sorted(set(paths))
                if not is_url(p) and os.path.exists(p)]

    def _require_data_dir(self, what: str) -> str:
        if not self.config.data_dir:
            raise ValueError(f"{type(self).__name__} needs data_dir=: {what}")
        if not os.path.isdir(self.config.data_dir):
            raise FileNotFoundError(f"data_dir {self.config.data_dir} is not a directory")
        return self.config.data_dir

    def _fetch(self, dl_manager: datasets.DownloadManager, sources: dict[str, Source]) -> dict[str, Source]:
        """Local paths for the sources: URLs through the download manager, local files as they are.
        A download that fails (no network, a moved file) names the URL and the offline way round it."""
        try:
            return dl_manager.download(sources)
        except OSError as err:  # fsspec says FileNotFoundError(url) for a host it cannot reach
            raise DownloadError(
                f"{self.dataset_name}/{self.config.name}: could not download {err} ({type(err).__name__}; "
                "no network, or the file moved): download the files and pass their folder as data_dir= "
                "(--data-dir on the command line)"
            ) from err

    def _split_generators(self, dl_manager: datasets.DownloadManager) -> list[datasets.SplitGenerator]:
        sources = self._source_files()
        wanted = list(self.config.splits or sources)
        unknown = [split for split in wanted if split not in sources]
        if unknown:
            raise ValueError(f"unknown split(s) {unknown}; {type(self).__name__} has {list(sources)}")
        present: dict[str, Source] = {}
        for split in wanted:
            files = (sources[split],) if isinstance(sources[split], str) else sources[split]
            folders = [f for f in files if not is_url(f) and os.path.isdir(f)]
            if folders:
                raise SourceError(f"{folders[0]}: is a folder, not the file of split '{split}'; "
                                  "move it away or point data_dir at the right folder")
            absent = [f for f in files if not is_url(f) and not os.path.exists(f)]
            if absent:
                self._leave_out(split, absent[0])
            else:
                present[split] = sources[split]
        fetched = self._fetch(dl_manager, present) if present else {}
        if not fetched:
            raise FileNotFoundError(
                f"{self.dataset_name}/{self.config.name}: none of the split files exist: "
                + ", ".join(self._missing.values())
            )
        return [datasets.SplitGenerator(name=split, gen_kwargs={"split": split, "files": files})
                for split, files in fetched.items()]

    def _leave_out(self, split: str, path: str) -> None:
        """A split without its file: warn, naming the file, and record it in the read report."""
        self._missing[split] = path
        warnings.warn(f"{self.dataset_name}/{self.config.name}: split '{split}' left out: {path} not found",
                      MissingSplitWarning, stacklevel=3)

    def _generate_examples(self, split: str, files: Source) -> Iterator[tuple[Key, dict]]:
        files = (files,) if isinstance(files, str) else tuple(files)
        reports = [ReadReport(os.fspath(f)) for f in files]
        self._reports[split] = reports
        for index, example in enumerate(self._examples(files, reports)):
            yield Key(0, index), example

    def _examples(self, files: tuple[str, ...], reports: list[ReadReport]) -> Iterator[dict]:
        sentences = read_conll(files[0], labels=self.labels, label_map=self.label_map or None,
                               lenient=self.config.lenient, report=reports[0],
                               tolerate_missing_tokens=not self.config.strict, **self._reader_options())
        for index, sentence in enumerate(sentences):
            yield self._example(index, sentence)

    def _prepare_split(self, split_generator: datasets.SplitGenerator, **kwargs) -> None:
        """Surface a bad-input error itself, not ``datasets``' generic wrapper around it; a split
        without a sentence is an error naming its file(s)."""
        try:
            super()._prepare_split(split_generator, **kwargs)
        except DatasetGenerationError as err:
            cause = err.__cause__
            if isinstance(cause, UnlabelledFileError):
                others = [s for s in self.config.splits or self._source_files() if s != split_generator.name]
                raise UnlabelledFileError(
                    cause.path, cause.line,
                    f"{cause.problem}; build without the '{split_generator.name}' split "
                    f"(splits={tuple(others)})", cause.text,
                ) from None
            if isinstance(cause, ConllError | SourceError):
                raise cause from None
            raise
        if self.read_report.sentences(split_generator.name) == 0:
            # ``datasets`` would build it, then say only that the split "corresponds to no data"
            paths = (report.path for report in self._reports[split_generator.name])
            raise SourceError(f"no sentences in {', '.join(paths)}")

    def _download_and_prepare(self, dl_manager, verification_mode, **prepare_split_kwargs) -> None:
        """Build, then record the read report in the description and beside the Arrow files."""
        super()._download_and_prepare(dl_manager, verification_mode, **prepare_split_kwargs)
        report = BuildReport(dict(self._reports), dict(self._missing))
        self.info.description = f"{self.info.description}\n\nRead report:\n{report.summary()}"
        with self._fs.open(posixpath.join(self._output_dir, REPORT_FILE), "w", encoding="utf-8") as handle:
            handle.write(report.to_json())

    @property
    def read_report(self) -> BuildReport:
        """The report of the last build, from this process or from the cache it reused."""
        if self._reports:
            return BuildReport(dict(self._reports), dict(self._missing))
        path = posixpath.join(self._output_dir, REPORT_FILE)
        if not self._fs.exists(path):
            raise FileNotFoundError(f"no read report at {path}: call download_and_prepare() first")
        with self._fs.open(path, "r", encoding="utf-8") as handle:
            return BuildReport.from_json(handle.read())
