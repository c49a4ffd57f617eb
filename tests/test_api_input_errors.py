"""Bad input to the Python API is an error naming the split, row, id and column (or the argument),
raised before anything runs: never an IndexError from deep inside, never an entity lost silently."""

from __future__ import annotations

import re

import datasets
import pytest

from projner import (
    Columns,
    MasakhaNER2,
    PairColumns,
    Project,
    ProjectionConfig,
    Span,
    export,
    model_transfer,
    project_pair,
    project_parallel,
    translate_test,
    translate_train,
)
from projner.labels import LabelMap
from projner.languages import get_language
from projner.processing.multisource import (
    SourceCorpus,
    SourcePairs,
    project_parallel_sources,
    translate_test_pivots,
    translate_train_sources,
)
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
    (with_row("src_tags", ["O", "B-PER", "O"]), ValueError,
     r"row 2 \(id p3\): 4 'src_tokens' but 3 'src_tags': the source tags are shorter than the words"),
    (with_row("src_tags", ["O", "B-PER", "O", "B-LOC", "O"]), ValueError, "4 'src_tokens' but 5 'src_tags'"),
    (with_row("tgt_tags", ["O", "B-PER", "O"]), ValueError, r"row 2 \(id p3\): 4 'tgt_tokens' but 3 'tgt_tags'"),
    (with_row("src_tags", ["O", "B-PER", "O", "S-LOC"]), ValueError,
     r"split 'train', row 2 \(id p3\), word 3: 'src_tags' holds 'S-LOC', not an IOB2 tag"),
    (with_row("src_tags", ["O", "B-O", "O", "O"]), ValueError, "'src_tags' holds 'B-O', not an IOB2 tag"),
    (with_row("tgt_tokens", None), ValueError, r"row 2 \(id p3\): 'tgt_tokens' is None"),
    (with_row("tgt_tokens", ["Frag", None, "jetzt", "Rom"]), ValueError,
     r"row 2 \(id p3\), word 1: 'tgt_tokens' holds None"),
    (with_row("alignments", [[0, 0], [3, 9]]), ValueError,
     r"row 2 \(id p3\): 'alignments': link 3-9 lies outside a pair of 4 source and 4 target words"),
    (with_row("alignments", [[0, 0, 0]]), ValueError, r"row 2 \(id p3\): 'alignments' holds \[0, 0, 0\], not a"),
    (dict(ROWS, alignments=["0-0 1-1", "0-0", "0-0"]), TypeError, "'alignments' must hold a list per row"),
    (dict(ROWS, src_tags=[" ".join(t) for t in ROWS["src_tags"]]), TypeError, "'src_tags' must hold a list per row"),
    (dict(ROWS, src_tags=[[0] * len(t) for t in ROWS["src_tags"]]), TypeError, "holds integer ids but no ClassLabel"),
    ({name: [] for name in ROWS}, ValueError, r"split 'train' has no rows \(no sentence pairs\)"),
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
    with pytest.raises(ValueError, match=r"row 2, word 3: 'src_tags' holds id -1, outside its 5 label names \(0–4\); -1 is datasets' missing"):
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


CONLL = datasets.ClassLabel(names=["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"])
SENTENCES = {"id": ["s1", "s2"], "tokens": [["Ọba", "Adé", "lọ", "sí", "Èkó"], ["Mo", "wà", "ní", "Ìbàdàn", "."]],
             "ner_tags": [["O", "B-PER", "O", "O", "B-LOC"], ["O", "O", "O", "B-LOC", "O"]]}


def no_model(tmp_path) -> RunOptions:
    """Models that do not exist: a check that came after a model stage would fail on loading them."""
    return RunOptions(translator="no/translator", ner_model="no/ner", aligner_model="no/aligner",
                      cache_dir=str(tmp_path))


PIPELINES = {
    "translate-test": lambda data, tmp: translate_test(data, "yo", run=no_model(tmp)),
    "model-transfer": lambda data, tmp: model_transfer(data, "yo", run=no_model(tmp)),
    "translate-train": lambda data, tmp: translate_train(data, "hau", run=no_model(tmp)),
}
TAGS = {"translate-test": "gold tags", "model-transfer": "gold tags", "translate-train": "source tags"}


def sentences(**changed) -> datasets.Dataset:
    return datasets.Dataset.from_dict(SENTENCES | changed)


def with_class_labels(ids) -> datasets.Dataset:
    features = datasets.Features({"id": datasets.Value("string"), "tokens": datasets.Sequence(datasets.Value("string")),
                                  "ner_tags": datasets.Sequence(CONLL)})
    return datasets.Dataset.from_dict(SENTENCES | {"ner_tags": ids}, features=features)


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize("data, error, message", [
    (datasets.DatasetDict(test=sentences(), validation=sentences().select([])), ValueError,
     r"split 'validation' has no rows \(no sentences\)"),
    (sentences().select([]), ValueError, r"split 'train' has no rows"),
    (sentences(tokens=[[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]), TypeError,
     r"split 'train', row 0 \(id s1\), word 0: 'tokens' holds int64 1, not a word \(a string\)"),
    (sentences(tokens=[["Ọba", "Adé", "lọ", "sí", "Èkó"], ["Mo", "wà", None, "Ìbàdàn", "."]]), ValueError,
     r"row 1 \(id s2\), word 2: 'tokens' holds None"),
    (sentences(ner_tags=[["O", "B-PER", "O", "O", "B-LOC"], ["O", "O"]]), ValueError,
     r"split 'train', row 1 \(id s2\): 5 'tokens' but 2 'ner_tags': the {tags} are shorter than the words"),
    (sentences(ner_tags=[["O"] * 6, ["O"] * 5]), ValueError,
     r"row 0 \(id s1\): 5 'tokens' but 6 'ner_tags': the {tags} are longer than the words"),
    (with_class_labels([[0, 1, -1, 0, 5], [0, 0, 0, 5, 0]]), ValueError,
     r"row 0 \(id s1\), word 2: 'ner_tags' holds id -1, outside its 9 label names \(0–8\); -1 is datasets' missing"),
])
def test_target_side_pipelines_check_every_split_before_any_model(pipeline, data, error, message, tmp_path):
    """An empty split, a word that is no string, tags of another length or a ClassLabel id outside
    the names (-1 read as the last name) are named before the first split is translated or labelled."""
    with pytest.raises(error, match=f"{pipeline}, .*{message.format(tags=TAGS[pipeline])}"):
        PIPELINES[pipeline](data, tmp_path)


PAIR = {"src_tokens": [["Mr", "Prodi", "came"]], "src_tags": [[0, 1, 0]], "tgt_tokens": [["Herr", "Prodi", "kam"]],
        "alignments": [[[0, 0], [1, 1], [2, 2]]]}


@pytest.mark.parametrize("rows, message", [
    (PAIR | {"src_tags": [[0, -1, 0]]}, r"row 0, word 1: 'src_tags' holds id -1, outside its 3 label names \(0–2\)"),
    (PAIR | {"src_tags": [[0, 7, 0]]}, r"row 0, word 1: 'src_tags' holds id 7, outside its 3 label names"),
    ({k: v for k, v in PAIR.items() if k != "alignments"},
     r"stage 'project' reads alignments, which the dataset lacks \(columns: src_tokens, src_tags, tgt_tokens\)"),
])
def test_the_project_adapter_names_bad_ids_and_missing_columns(rows, message):
    with pytest.raises(ValueError, match=message):
        datasets.Dataset.from_dict(rows).map(Project(label_names=("O", "B-PER", "I-PER")), batched=True,
                                             with_indices=True)


PAIRS = datasets.Dataset.from_dict({name: ROWS[name] for name in ("src_tokens", "src_tags", "tgt_tokens",
                                                                   "alignments")})


@pytest.mark.parametrize("call, error, message", [
    (lambda: project_parallel_sources([PAIRS, PAIRS]), TypeError,
     r"source 0 is a Dataset, not a SourcePairs: wrap each dataset as SourcePairs\(name, dataset, lang\)"),
    (lambda: project_parallel_sources(SourcePairs("en", PAIRS)), TypeError, "sources is a list of SourcePairs"),
    (lambda: project_parallel_sources([SourcePairs("en", datasets.DatasetDict(test=PAIRS)),
                                       SourcePairs("es", datasets.DatasetDict(validation=PAIRS))]), ValueError,
     r"the sources have different splits \(en: test; es: validation\)"),
    (lambda: translate_train_sources([SourceCorpus("en", datasets.DatasetDict(test=sentences()), "en"),
                                      SourceCorpus("de", datasets.DatasetDict(train=sentences()), "de")], "hau"),
     ValueError, r"different splits \(en: test; de: train\)"),
    (lambda: translate_test_pivots(sentences(), "yo", "en"), TypeError,
     r"pivots is a list of language codes, got the string 'en' \(write \['en'\] for one pivot\)"),
])
def test_multisource_arguments_of_the_wrong_kind_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_builder_splits_as_a_string_are_refused(tmp_path):
    with pytest.raises(TypeError, match=r"got the string 'train' \(write \['train'\] for one split\)"):
        MasakhaNER2(config_name="yor", data_dir=str(tmp_path), splits="train", cache_dir=str(tmp_path))


def test_every_sources_rows_are_checked_before_the_first_source_is_aligned(monkeypatch):
    from projner.processing import pipelines

    aligned = []
    monkeypatch.setattr(pipelines, "_project_parallel_split", lambda *args, **kwargs: aligned.append(args))
    bad = datasets.Dataset.from_dict({name: with_row("src_tags", ["O"])[name] for name in PAIRS.column_names})
    with pytest.raises(ValueError, match=r"row 2: 4 'src_tokens' but 1 'src_tags'"):
        project_parallel_sources([SourcePairs("en", PAIRS), SourcePairs("es", bad)])
    assert aligned == []


@pytest.mark.parametrize("names, bad", [
    (["O", "PER", "LOC"], "PER"),                                   # IO: bare types
    (["O", "B-PER", "I-PER", "E-PER", "S-PER"], "E-PER"),           # IOBES
    (["o", "b-per", "i-per"], "o"),                                  # lowercase
])
@pytest.mark.parametrize("pipeline", ["project-parallel", *PIPELINES])
def test_classlabel_names_that_are_not_iob2_are_named(names, bad, pipeline, tmp_path):
    """A ClassLabel whose names are not IOB2 tags (IO, IOBES, lowercase) is named with its column,
    not 'not an IOB2 tag: PER' from deep inside with no column."""
    tags = datasets.Sequence(datasets.ClassLabel(names=names))
    if pipeline == "project-parallel":
        features = datasets.Features({name: datasets.Sequence(datasets.Value("string"))
                                      for name in ("src_tokens", "tgt_tokens")} | {"src_tags": tags})
        data = datasets.Dataset.from_dict({"src_tokens": [["Mr", "Prodi"]], "src_tags": [[0, 1]],
                                           "tgt_tokens": [["Herr", "Prodi"]]}, features=features)
        call, column = lambda: project_parallel(data, run=no_model(tmp_path)), "src_tags"
    else:
        features = datasets.Features({"tokens": datasets.Sequence(datasets.Value("string")), "ner_tags": tags})
        data = datasets.Dataset.from_dict({"tokens": [["Ọba", "Adé"]], "ner_tags": [[0, 1]]}, features=features)
        call, column = lambda: PIPELINES[pipeline](data, tmp_path), "ner_tags"
    with pytest.raises(ValueError, match=rf"{pipeline}, split 'train': the ClassLabel names of '{column}' are not "
                                         rf"IOB2 tags \(O, B-TYPE, I-TYPE\): {bad!r}"):
        call()


@pytest.mark.parametrize("option, value", [
    ("translate_batch_size", -1), ("translate_batch_size", 0), ("ner_batch_size", 0), ("ner_batch_size", -3),
    ("num_beams", 0), ("max_new_tokens", 0), ("shard_rows", 0),
])
def test_run_options_below_one_are_refused_before_any_model(option, value, tmp_path):
    """A negative translate batch size translated every sentence to '' (cached under the run's
    fingerprint, so a rerun with a good batch size reused the empty translations); 0, or an NER
    batch size below 1, failed inside a stage (range() arg 3, KeyError 0) after translation; no
    beams was a ZeroDivisionError inside transformers."""
    with pytest.raises(ValueError, match=rf"RunOptions: {option} must be at least 1, got {value}"):
        RunOptions(**{option: value})


@pytest.mark.parametrize("stage", ["translate", "label"])
def test_stage_configs_refuse_a_batch_size_below_one(stage):
    from projner import LabelConfig, TranslateConfig

    with pytest.raises(ValueError, match="batch_size must be at least 1, got -1"):
        if stage == "translate":
            TranslateConfig(source_lang="en", target_lang="yo", batch_size=-1)
        else:
            LabelConfig(batch_size=-1)


@pytest.mark.parametrize("pipeline", ["translate-test", "translate-train"])
@pytest.mark.parametrize("options, message", [
    ({"solver": "bogus"}, "solver must be one of exact, greedy, ilp, got 'bogus'"),
    ({"aligner": "eflomal", "symmetrization": "gdfa-x"},
     "symmetrization 'gdfa-x' is not one of intersection, union, grow, gdfa, forward, reverse"),
    ({"align_method": "maxmatch"}, "method 'maxmatch' is not one of argmax, itermax, match, softmax"),
    ({"align_batch_size": 0}, "batch_size must be >= 1, got 0"),
    ({"align_layer": -1}, "layer must be >= 0, got -1"),
])
def test_method_options_are_checked_before_any_model(pipeline, options, message, tmp_path):
    """A bad solver, symmetrization or neural-aligner setting in MethodOptions was found only when
    the alignment or projection stage was built: after translation and labelling (hours on a real
    corpus); the symmetrization one as enum's "'gdfa-x' is not a valid Symmetrization"."""
    from projner import MethodOptions

    run = no_model(tmp_path)
    call = {"translate-test": lambda: translate_test(sentences(), "yo", run=run, method=MethodOptions(**options)),
            "translate-train": lambda: translate_train(sentences(), "hau", run=run, method=MethodOptions(**options))}
    with pytest.raises(ValueError, match=re.escape(message)):
        call[pipeline]()
