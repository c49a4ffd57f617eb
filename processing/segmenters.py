"""Words of scripts written without spaces (Thai, Japanese, Chinese) from a real segmenter.

A script without spaces gives no word boundaries to split on. Grapheme clusters always keep an
entity's edges reachable, but a character is a poor unit to align and to label: it has no meaning
of its own for an aligner, and a name becomes a run of many "words". So where a well-kept segmenter
exists the language table names it (``Language.segmenter``), and ``processing.text.split_words``
asks this module for word spans. Segmenters are optional extras (``pip install projner[thai]``…);
without one the words stay grapheme clusters and one warning line says what to install.

Whatever the segmenter does, the words it gives here never hold whitespace (each run between
spaces is segmented on its own, so a dictionary entry such as Sudachi's ``New York`` cannot
swallow a space) and never cut a grapheme cluster (a piece that starts inside one joins the piece
before it).
"""

from __future__ import annotations

import functools
import importlib.metadata
import itertools
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import regex

Spans = list[tuple[int, int]]
_RUN = regex.compile(r"\S+")
_GRAPHEME = regex.compile(r"\X")
_LEADING_MARKS = regex.compile(r"\p{M}*")


class SegmenterMissingWarning(UserWarning):
    """A language's segmenter is not installed: its words are grapheme clusters."""


@dataclass(frozen=True)
class Segmenter:
    """A segmenter projner can use: the package that provides it and the extra that installs it."""

    name: str
    packages: tuple[str, ...]
    """The distributions whose versions decide the segmentation (part of stage fingerprints)."""
    extra: str
    """``pip install projner[EXTRA]`` installs it."""
    languages: str
    """For the warning: which languages it serves."""


SEGMENTERS: dict[str, Segmenter] = {
    "pythainlp": Segmenter("pythainlp", ("pythainlp",), "thai", "Thai"),
    "sudachipy": Segmenter("sudachipy", ("sudachipy", "sudachidict-small"), "japanese", "Japanese"),
    "jieba": Segmenter("jieba", ("jieba",), "chinese", "Chinese"),
}
"""Segmenters by the name the language table uses (``Language.segmenter``)."""


def _pythainlp() -> Callable[[str], list[str]]:
    from pythainlp.tokenize import word_tokenize

    return lambda run: word_tokenize(run, engine="newmm", keep_whitespace=False)


def _sudachipy() -> Callable[[str], list[str]]:
    from sudachipy import Dictionary, SplitMode

    # Mode A, the shortest units: an entity's edge can fall inside a longer compound (東京都|知事).
    tokenizer = Dictionary(dict="small").tokenizer(mode=SplitMode.A)
    return lambda run: [m.surface() for m in tokenizer.tokenize(run)]


def _jieba() -> Callable[[str], list[str]]:
    import logging

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # jieba imports the deprecated pkg_resources
        import jieba
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    return lambda run: tokenizer.lcut(run, HMM=True)


_LOADERS: dict[str, Callable[[], Callable[[str], list[str]]]] = {
    "pythainlp": _pythainlp, "sudachipy": _sudachipy, "jieba": _jieba,
}


@functools.cache
def _load(name: str) -> Callable[[str], list[str]] | None:
    """The segmenting function, or None (with one warning per process) where it is not installed."""
    segmenter = SEGMENTERS[name]
    try:
        return _LOADERS[name]()
    except ImportError as err:
        warnings.warn(
            f"{segmenter.languages} is split into characters because {err.name or segmenter.name} is not "
            f"installed: pip install 'projner[{segmenter.extra}]' for word segmentation",
            SegmenterMissingWarning, stacklevel=2,
        )
        return None


@functools.cache
def segmenter_version(name: str | None) -> str:
    """What decides the words of a language: ``graphemes``, or the segmenter with its version."""
    if name is None or _load(name) is None:
        return "graphemes"
    return " ".join(f"{package}=={importlib.metadata.version(package)}" for package in SEGMENTERS[name].packages)


def _pieces_to_spans(run: str, pieces: list[str], offset: int) -> Spans:
    """Character spans of the pieces a segmenter returned for ``run``, found in order; text it
    skipped is a word of its own, and a cut inside a grapheme cluster is dropped."""
    cuts = {0, len(run)}
    position = 0
    for piece in pieces:
        found = run.find(piece, position) if piece else -1
        if found >= 0:
            position = found + len(piece)
            cuts.update((found, position))
    boundaries = {m.start() for m in _GRAPHEME.finditer(run)} | {len(run)}
    kept = sorted(cuts & boundaries)
    return [(offset + a, offset + b) for a, b in itertools.pairwise(kept)]


def segment(text: str, name: str) -> Spans | None:
    """Word spans of ``text`` by the segmenter ``name``, or None where it is not installed."""
    split = _load(name)
    if split is None:
        return None
    spans: Spans = []
    for run in _RUN.finditer(text):
        start, end = run.span()
        marks = _LEADING_MARKS.match(text, start, end).end()
        if marks > start:  # a stray mark after a space: a piece of its own, for split_words to rejoin
            spans.append((start, marks))
        if marks < end:
            spans.extend(_pieces_to_spans(text[marks:end], split(text[marks:end]), marks))
    return spans
