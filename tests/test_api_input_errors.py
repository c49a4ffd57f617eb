"""Bad input to the Python API is an error naming the split, row, id and column (or the argument),
raised before anything runs: never an IndexError from deep inside, never an entity lost silently."""

from __future__ import annotations

import datasets
import pytest

from projner import (
    Columns,
    PairColumns,
    ProjectionConfig,
    Span,
    export,
    project_pair,
    project_parallel,
)
from projner.labels import LabelMap
from projner.languages import get_language
from projner.processing.options import RunOptions

ROWS = {
    "id": ["p1", "p2", "p3"],
    "src_tokens": [["Mr", "Prodi"], ["in", "Rome"], ["Ask", "Smith", "now", "Rome"]],
    "src_tags": [["O", "B-PER"], ["O", "B-LOC"], ["O", "B-PER", "O", "B-LOC"]],
    "tgt_tokens": [["Herr", "Prodi"], ["in", "Rom"], ["Frag", "Smith", "jetzt", "Rom"]],
    "tgt_tags": [["O", "B-PER"], ["O", "B-LOC"], ["O", "B-PER", "O", "B-LOC"]],
    "alignments": [[[0, 0], [1, 1]], [[0, 0], [1, 1]], [[0, 0], [1, 1], [2, 2], [3, 3]]],
}


def with_row(column, value, row=2):
    rows = {name: list(values) for name, values in ROWS.items()}
    rows[column][row] = value
    return rows


@pytest.mark.parametrize("rows, error, message", [
    (with_row("src_tags", ["O", "B-PER", "O"]), ValueError, r"row 2 \(id p3\): 4 'src_tokens' but 3 'src_tags'"),
    (with_row("src_tags", ["O", "B-PER", "O", "B-LOC", "O"]), ValueError, "4 'src_tokens' but 5 'src_tags'"),
    (with_row("tgt_tags", ["O", "B-PER", "O"]), ValueError, r"row 2 \(id p3\): 4 'tgt_tokens' but 3 'tgt_tags'"),
    (with_row("src_tags", ["O", "B-PER", "O", "S-LOC"]), ValueError,
     r"split 'train', row 2 \(id p3\): 'src_tags' holds 'S-LOC', not an IOB2 tag"),
    (with_row("src_tags", ["O", "B-O", "O", "O"]), ValueError, "'src_tags' holds 'B-O', not an IOB2 tag"),
    (with_row("tgt_tokens", None), ValueError, r"row 2 \(id p3\): 'tgt_tokens' is None"),
    (with_row("tgt_tokens", ["Frag", None, "jetzt", "Rom"]), ValueError, r"row 2 \(id p3\): 'tgt_tokens' holds None"),
    (with_row("alignments", [[0, 0], [3, 9]]), ValueError,
     r"row 2 \(id p3\): 'alignments': link 3-9 lies outside a pair of 4 source and 4 target words"),
    (with_row("alignments", [[0, 0, 0]]), ValueError, r"row 2 \(id p3\): 'alignments' holds \[0, 0, 0\], not a"),
    (dict(ROWS, alignments=["0-0 1-1", "0-0", "0-0"]), TypeError, "'alignments' must hold a list per row"),
    (dict(ROWS, src_tags=[" ".join(t) for t in ROWS["src_tags"]]), TypeError, "'src_tags' must hold a list per row"),
    (dict(ROWS, src_tags=[[0] * len(t) for t in ROWS["src_tags"]]), TypeError, "holds integer ids but no ClassLabel"),
    ({name: [] for name in ROWS}, ValueError, r"split 'train': no sentence pairs \(the dataset is empty\)"),
])
def test_bad_rows_are_named_before_anything_runs(rows, error, message, tmp_path):
    with pytest.raises(error, match=message):
        project_parallel(datasets.Dataset.from_dict(rows), run=RunOptions(cache_dir=str(tmp_path)))


def test_the_users_column_names_are_said_and_classlabel_ids_checked(tmp_path):
    rows = {"words": ROWS["src_tokens"], "src_tags": [[0, 1], [0, 3], [0, 1, 0, -1]],
            "tgt_tokens": ROWS["tgt_tokens"], "alignments": ROWS["alignments"]}
    features = datasets.Features({
        "words": datasets.Sequence(datasets.Value("string")),
        "src_tags": datasets.Sequence(datasets.ClassLabel(names=["O", "B-PER", "I-PER", "B-LOC", "I-LOC"])),
        "tgt_tokens": datasets.Sequence(datasets.Value("string")),
        "alignments": datasets.Sequence(datasets.Sequence(datasets.Value("int32"))),
    })
    with pytest.raises(ValueError, match=r"row 2: 'src_tags' holds id -1, outside its ClassLabel's 5 names"):
        project_parallel(datasets.Dataset.from_dict(rows, features=features), columns=PairColumns(src_tokens="words"),
                         run=RunOptions(cache_dir=str(tmp_path)))
    rows["src_tags"][2] = [0, 1, 0]
    with pytest.raises(ValueError, match=r"row 2: 4 'words' \(src_tokens\) but 3 'src_tags'"):
        project_parallel(datasets.Dataset.from_dict(rows, features=features), columns=PairColumns(src_tokens="words"),
                         run=RunOptions(cache_dir=str(tmp_path)))


@pytest.mark.parametrize("arguments, error, message", [
    ({"columns": Columns(tokens="x")}, TypeError, "project_parallel: columns must be a PairColumns, got Columns"),
    ({"target_lang": 5}, TypeError, "a language code is a string"),
    ({"label_map": "MISC=O"}, TypeError, r"got the string 'MISC=O' \(write \['MISC=O'\] for one entry\)"),
])
def test_wrong_arguments_are_named(arguments, error, message, tmp_path):
    with pytest.raises(error, match=message):
        project_parallel(datasets.Dataset.from_dict(ROWS), run=RunOptions(cache_dir=str(tmp_path)), **arguments)


def test_label_map_and_language_refuse_the_wrong_type():
    with pytest.raises(TypeError, match="label map is a list"):
        LabelMap.parse("MISC=O")
    with pytest.raises(TypeError, match="got int 5"):
        get_language(5)


@pytest.mark.parametrize("given", [datasets.Dataset.from_dict(ROWS), None])
def test_export_takes_a_pipeline_result(given, tmp_path):
    with pytest.raises(TypeError, match=f"export writes a PipelineResult .*got {type(given).__name__}"):
        export(given, tmp_path / "out")


@pytest.mark.parametrize("source, entities, target, error, message", [
    (["Mr", "Prodi"], [Span(1, 5, "PER")], ["Herr", "Prodi"], ValueError, "runs past the source sentence"),
    (["Mr", "Prodi"], [(1, 2, "PER")], ["Herr", "Prodi"], TypeError, "entities must be Span"),
    (["Mr", "Prodi"], [Span(1, 2, "O")], ["Herr", "Prodi"], ValueError, "must be an entity type"),
    (["Mr", "Prodi"], [Span(1, 2, "B-PER")], ["Herr", "Prodi"], ValueError, "must be an entity type"),
    ("Mr Prodi", [Span(1, 2, "PER")], ["Herr", "Prodi"], TypeError, "source_words must be a list, got str"),
    (["Mr", "Prodi"], [Span(1, 2, "PER")], "Herr Prodi", TypeError, "target_words must be a list, got str"),
])
def test_project_pair_refuses_what_would_give_invalid_iob2_or_fail_inside(source, entities, target, error, message):
    with pytest.raises(error, match=message):
        project_pair(source, entities, target, [(0, 0), (1, 1)], ProjectionConfig())
    assert project_pair(["Mr", "Prodi"], [Span(1, 2, "PER")], ["Herr", "Prodi"], [(0, 0), (1, 1)]).tags == ["O", "B-PER"]
