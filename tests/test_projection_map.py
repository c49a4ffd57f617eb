"""The ``.map`` adapter: columns in and out, reasons, ClassLabel tags, fingerprints."""

import datasets
import pytest

from projner.processing.fingerprint import typed_fingerprint
from projner.processing.project.pair import ProjectionConfig
from projner.processing.stages.transfer import Project, ProjectColumns, project_dataset

ROWS = {
    "id": ["a", "b", "c"],
    "src_tokens": [["Mr", "Prodi", "visited", "Rome"], ["Nothing", "here"], ["Ask", "Smith"]],
    "src_tags": [["O", "B-PER", "O", "B-LOC"], ["O", "O"], ["O", "B-PER"]],
    "tgt_tokens": [["Herr", "Prodi", "besuchte", "Rom"], ["Nichts", "hier"], ["Frag", "ihn"]],
    "alignments": [[[0, 0], [1, 1], [2, 2], [3, 3]], [[0, 0], [1, 1]], [[0, 0]]],
}


def test_project_adds_columns_and_keeps_every_row():
    ds = datasets.Dataset.from_dict(ROWS)
    out = project_dataset(ds, Project(ProjectionConfig(names=None)))
    assert len(out) == 3
    assert set(out.column_names) == set(ROWS) | {"projected_tags", "tgt_entities", "src_entities", "projection_issues",
                                                 "unprojected_entities"}
    assert out["src_entities"][0][0]["score"] > 0  # added: each entity's projection score
    assert out["projected_tags"] == [["O", "B-PER", "O", "B-LOC"], ["O", "O"], ["O", "O"]]
    assert out["projection_issues"] == ["", "", "unaligned"]
    assert out["src_entities"][2] == [{"start": 1, "end": 2, "label": "PER", "score": 0.0}]
    assert out["unprojected_entities"] == [[], [], [{"start": 1, "end": 2, "label": "PER", "reason": "unaligned"}]]
    assert [e["label"] for e in out["tgt_entities"][0]] == ["PER", "LOC"]
    assert out["src_tokens"] == ROWS["src_tokens"]            # inputs untouched


def test_plain_map_call_and_classlabel_tags_by_name():
    names = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
    features = datasets.Features({
        "id": datasets.Value("string"),
        "src_tokens": datasets.Sequence(datasets.Value("string")),
        "src_tags": datasets.Sequence(datasets.ClassLabel(names=names)),
        "tgt_tokens": datasets.Sequence(datasets.Value("string")),
        "alignments": datasets.Sequence(datasets.Sequence(datasets.Value("int32"))),
    })
    ds = datasets.Dataset.from_dict(ROWS, features=features)
    with pytest.raises(ValueError, match="holds ids; pass label_names"):
        ds.map(Project(), batched=True)
    assert project_dataset(ds)["projected_tags"][0] == ["O", "B-PER", "O", "B-LOC"]
    assert ds.map(Project(label_names=tuple(names)), batched=True)["projected_tags"][0] == ["O", "B-PER", "O", "B-LOC"]


def test_other_column_names_and_no_overwriting():
    renamed = {"words": ROWS["src_tokens"], "tags": ROWS["src_tags"], "translation_words": ROWS["tgt_tokens"],
               "links": ROWS["alignments"]}
    columns = ProjectColumns(source_tokens="words", source_tags="tags", target_tokens="translation_words",
                             alignments="links")
    out = project_dataset(datasets.Dataset.from_dict(renamed), Project(columns=columns))
    assert out["projected_tags"][0] == ["O", "B-PER", "O", "B-LOC"]
    with pytest.raises(ValueError, match="never overwrites"):
        project_dataset(out, Project(columns=columns))


def test_existing_src_entities_are_read_checked_and_left_as_they_are():
    labelled = [[{"start": 1, "end": 2, "label": "PER", "score": 0.91}, {"start": 3, "end": 4, "label": "LOC", "score": 0.6}],
                [], [{"start": 1, "end": 2, "label": "PER", "score": 0.5}]]
    ds = datasets.Dataset.from_dict(dict(ROWS, src_entities=labelled))
    out = project_dataset(ds, Project(ProjectionConfig(names=None)))
    assert out["src_entities"] == labelled  # the labelling stage's scores stay
    assert out.column_names.count("src_entities") == 1
    plain = project_dataset(datasets.Dataset.from_dict(ROWS), Project(ProjectionConfig(names=None)))
    assert out["projected_tags"] == plain["projected_tags"]
    assert out["projection_issues"] == plain["projection_issues"] == ["", "", "unaligned"]
    # another entities column for other source columns (e.g. a back-translation)
    renamed = datasets.Dataset.from_dict({"bt_tokens": ROWS["src_tokens"], "bt_tags": ROWS["src_tags"],
                                          "bt_entities": labelled, "tgt_tokens": ROWS["tgt_tokens"],
                                          "alignments": ROWS["alignments"]})
    columns = ProjectColumns(source_tokens="bt_tokens", source_tags="bt_tags", source_entities="bt_entities")
    out = project_dataset(renamed, Project(columns=columns))
    assert "src_entities" not in out.column_names and out["bt_entities"] == labelled


@pytest.mark.parametrize("entities, message", [
    ([{"start": 1, "end": 3, "label": "PER", "score": 0.9}], r"\(1-3 PER\) disagrees with the entities of 'src_tags' \(1-2 PER\)"),
    ([], r"\(none\) disagrees"),
    ([{"begin": 1, "label": "PER"}], "not entities"),
])
def test_src_entities_that_disagree_with_the_tags_name_the_example(entities, message):
    rows = dict(ROWS, src_entities=[[{"start": 1, "end": 2, "label": "PER", "score": 1.0},
                                     {"start": 3, "end": 4, "label": "LOC", "score": 1.0}], [], entities])
    with pytest.raises(ValueError, match=rf"row 2 \(id c\): 'src_entities' {message}" if "disagrees" in message
                       else rf"row 2 \(id c\): 'src_entities' holds .*{message}"):
        project_dataset(datasets.Dataset.from_dict(rows))


def test_bad_links_name_the_example():
    rows = dict(ROWS, alignments=[[[0, 9]], [], []])
    with pytest.raises(ValueError, match=r"row 0 \(id a\): 'alignments': link 0-9 lies outside"):
        project_dataset(datasets.Dataset.from_dict(rows))


def test_tags_cut_short_name_the_dataset_row_not_the_batch_row():
    rows = dict(ROWS, src_tags=[*ROWS["src_tags"][:2], ["O"]])  # the entity at the end would be lost
    with pytest.raises(ValueError, match=r"row 2 \(id c\): 2 src_tokens but 1 src_tags"):
        project_dataset(datasets.Dataset.from_dict(rows), batch_size=2)


def test_a_bad_row_past_the_first_batch_of_a_pipeline_step_names_its_dataset_row(tmp_path):
    """As a pipeline runs it (``StepRunner``, the datasets engine): the row in the dataset, not in its batch."""
    from projner.processing.stage_cache import StepRunner

    order = [0, 2, 1, 0, 2]  # the first batch holds every output's type (an empty list has none)
    rows = {name: [values[i] for i in order] for name, values in ROWS.items()} | {"id": ["a", "b", "c", "d", "e"]}
    rows["src_tags"][4] = ["O"]
    with pytest.raises(ValueError, match=r"stage 'project', row 4 \(id e\): 2 src_tokens but 1 src_tags"):
        StepRunner(tmp_path).map(datasets.Dataset.from_dict(rows), "project", Project(), "f" * 32, batch_size=2)


@pytest.mark.parametrize("column, value, error, message", [
    ("src_tags", ["O", "B-PER", "O"], ValueError, r"row 9 \(id c\): 2 src_tokens but 3 src_tags"),
    ("src_tags", "O B-PER", TypeError, r"row 9 \(id c\): 'src_tags' must be a list, got str"),
    ("tgt_tokens", None, TypeError, r"row 9 \(id c\): 'tgt_tokens' must be a list, got NoneType"),
    ("src_tags", ["O", "S-PER"], ValueError, r"row 9 \(id c\): 'src_tags': not an IOB2 tag: 'S-PER'"),
    ("src_tags", ["O", "B-B-PER"], ValueError, r"row 9 \(id c\): entity .* must be an entity type"),
    ("alignments", [[0, 0, 0]], ValueError, r"row 9 \(id c\): 'alignments': link \[0, 0, 0\] is not a"),
    ("alignments", ["0-0"], ValueError, r"row 9 \(id c\): 'alignments': link '0-0' is not a"),
])
def test_bad_rows_name_the_row_its_id_and_the_column(column, value, error, message):
    batch = {name: list(values) for name, values in ROWS.items()}
    batch[column][2] = value
    with pytest.raises(error, match=message):
        Project()(batch, [7, 8, 9])
    with pytest.raises(error, match=message.replace("row 9", "row 2 of the batch")):  # a plain map call
        Project()(batch)


def test_fingerprint_follows_the_config():
    base = Project()
    assert base.fingerprint("x") == Project().fingerprint("x")
    assert base.fingerprint("x") != Project(ProjectionConfig(solver="greedy")).fingerprint("x")
    assert base.fingerprint("x") != base.fingerprint("y")
    ds = datasets.Dataset.from_dict(ROWS)
    assert project_dataset(ds)._fingerprint == typed_fingerprint(base.fingerprint(ds._fingerprint),
                                                                base.features(ds.features))
