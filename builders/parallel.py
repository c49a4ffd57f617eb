"""Sentence-aligned CoNLL pairs: the parallel gold sets that projection is measured on."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from projner.builders.conll import ReadReport, read_conll
from projner.labels import LabelMap


class ParallelMismatchError(ValueError):
    """Two files that should be sentence-aligned hold different numbers of sentences."""


def read_parallel(
    source: str | os.PathLike,
    target: str | os.PathLike,
    *,
    target_labelled: bool = True,
    labels: Sequence[str] | None = None,
    label_map: LabelMap | None = None,
    lenient: bool = False,
    reports: tuple[ReadReport, ReadReport] | None = None,
) -> Iterator[dict]:
    """Examples ``{id, src_tokens, src_tags, tgt_tokens, tgt_tags}`` from two aligned CoNLL files.

    ``tgt_tags`` is None where the target file is unlabelled. Differing sentence counts are an error
    naming both files and both counts (checked before anything is yielded).
    """
    source, target = os.fspath(source), os.fspath(target)
    src_report, tgt_report = reports or (ReadReport(source), ReadReport(target))
    common = {"labels": labels, "label_map": label_map, "lenient": lenient}
    src = list(read_conll(source, report=src_report, **common))
    tgt = list(read_conll(target, labelled=target_labelled, report=tgt_report, **common))
    if len(src) != len(tgt):
        raise ParallelMismatchError(
            f"{source} has {len(src)} sentences but {target} has {len(tgt)}: "
            "the files are not sentence-aligned"
        )
    for index, (s, t) in enumerate(zip(src, tgt)):
        yield {
            "id": str(index),
            "src_tokens": s.tokens,
            "src_tags": s.tags,
            "tgt_tokens": t.tokens,
            "tgt_tags": t.tags,
        }
