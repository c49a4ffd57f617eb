"""translate-test, model-transfer and translate-train end to end with the tiny random models.

Scores of random models are meaningless; these tests check the plumbing: every stage cached under
an explicit fingerprint, resumption after a crash, every input sentence accounted for, reports and
outputs that agree with the data they describe.
"""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest

from projner.cli import main as cli_main
from projner.processing import pipelines
from projner.processing.corpora import load_gold
from projner.processing.evaluate import ner_scores
from projner.processing.options import MethodOptions, RunOptions
from projner.processing.pipelines import model_transfer, translate_test, translate_train
from projner.processing.project.spans import tags_to_spans
from projner.processing.results import export
from projner.processing.stage_cache import StepRunner
from projner.processing.stages.correspondence import RefineConfig, RefineLinks
from projner.processing.stages.selection import (
    SelectConfig,
    SelectSentences,
    Stamp,
    StampConfig,
)
from projner.processing.stages.transfer import Project

TEST_STEPS = ["detokenize", "translate", "split_words", "label_source", "align", "project"]


pytestmark = pytest.mark.usefixtures("single_thread")


def options(tiny_models, tmp_path: Path, **changes) -> RunOptions:
    return RunOptions(**({
        "translator": str(tiny_models["translator"]), "ner_model": str(tiny_models["ner"]),
        "aligner_model": str(tiny_models["aligner"]), "cache_dir": str(tmp_path / "cache"), "num_beams": 1,
        "max_new_tokens": 8,
    } | changes))


def gold(name: str, lang: str, split: str, data_dir: Path, tmp_path: Path, limit: int | None = None):
    """A gold split as the CLI resolves it, and what the run records about it."""
    read = load_gold(name, lang, split, data_dir=str(data_dir), cache_dir=tmp_path / "gold", limit=limit)
    return read.dataset, read.origin("dataset")


def gold_strings(dataset: datasets.Dataset) -> list[list[str]]:
    names = dataset.features["ner_tags"].feature.names
    return [[names[i] for i in row] for row in dataset["ner_tags"]]


@pytest.fixture(scope="module")
def first_run(tiny_models, tmp_path_factory, fixtures):
    """One translate-test run on the three real Yorùbá MasakhaNER test sentences of the fixtures."""
    tmp = tmp_path_factory.mktemp("translate-test")
    opts = options(tiny_models, tmp)
    data, origin = gold("masakhaner2", "yo", "test", fixtures / "masakhaner2", tmp)
    result = translate_test(data, "yo", run=opts, origin=origin)
    export(result, tmp / "out")
    return opts, result, data, origin, tmp / "out"


def test_translate_test_scores_every_gold_sentence_and_reports_what_the_data_says(first_run):
    opts, result, _, _, output = first_run
    ds, report = result.dataset["test"], result.report
    assert len(ds) == report["sentences"] == 3
    assert all(len(t) == len(w) for t, w in zip(ds["projected_tags"], ds["tokens"]))
    expected = ner_scores(gold_strings(ds), ds["projected_tags"], label_map=pipelines.LabelMap({"DATE": "O"}))
    assert {k: report[k] for k in ("f1", "precision", "recall")} == {k: expected[k] for k in ("f1", "precision", "recall")}
    assert all(0.0 <= report[k] <= 1.0 for k in ("f1", "precision", "recall"))
    assert report["eval_label_map"] == ["DATE=O"]  # the CoNLL model cannot produce DATE
    assert sum(report["incomplete_sentences"].values()) == sum(1 for r in ds["projection_issues"] if r)
    assert list(report["timings"]) == TEST_STEPS and report["cached_steps"] == []
    # the Hub folder holds every scored sentence, incomplete ones included with their reason
    assert json.loads((output / "yo" / "report.json").read_text())["scores"]["f1"] == report["f1"]
    saved = datasets.load_dataset(str(output), "yo", cache_dir=str(Path(opts.cache_dir) / "hf"))["test"]
    names = saved.features["ner_tags"].feature.names
    assert [[names[i] for i in row] for row in saved["ner_tags"]] == ds["projected_tags"]
    assert saved["tokens"] == ds["tokens"] and saved["original_ner_tags"] == ds["ner_tags"]
    assert saved["projection_issues"] == ds["projection_issues"] and "dropped_reason" not in saved.column_names
    statistics = json.loads((output / "yo" / "statistics.json").read_text())["splits"]["test"]
    assert statistics["sentences"] == 3 and statistics["incomplete"] == report["incomplete_sentences"]
    card = (output / "README.md").read_text()
    assert f"**{100 * report['f1']:.1f}**" in card
    provenance = json.loads((output / "yo" / "provenance.json").read_text())
    assert provenance == result.provenance.to_dict()
    assert provenance["task"] == "translate-test" and provenance["aligner"]["name"] == "neural"
    assert {m["role"] for m in provenance["models"]} == {"translator", "ner", "aligner"}
    assert ds[0]["src_tokens"] and ds[0]["translation"]
    # the labelling stage's src_entities (NER scores) are the entities projection read
    assert "src_ner_entities" not in ds.column_names
    for tags, entities in zip(ds["src_tags"], ds["src_entities"]):
        assert [(e["start"], e["end"], e["label"]) for e in entities] == [
            (s.start, s.end, s.label) for s in tags_to_spans(tags)]
        assert all(0.0 < e["score"] <= 1.0 for e in entities)
    for words, offsets, text in zip(ds["src_tokens"], ds["translation_offsets"], ds["translation"]):
        assert [text[a:b] for a, b in offsets] == words  # English words point into the translation


def test_a_second_identical_run_reuses_every_step(first_run):
    opts, result, data, origin, _ = first_run
    again = translate_test(data, "yo", run=opts, origin=origin)
    assert again.report["cached_steps"] == TEST_STEPS
    assert again.dataset["test"]["projected_tags"] == result.dataset["test"]["projected_tags"]
    assert again.report["f1"] == result.report["f1"]


def test_changing_one_parameter_recomputes_that_step_and_what_follows(first_run):
    opts, _, data, origin, _ = first_run
    changed = translate_test(data, "yo", run=RunOptions(**(vars(opts) | {"max_new_tokens": 6})), origin=origin)
    assert changed.report["cached_steps"] == ["detokenize"]


def test_a_crashed_run_resumes_after_its_last_finished_step(tiny_models, tmp_path, fixtures, monkeypatch):
    opts = options(tiny_models, tmp_path)
    data, _ = gold("masakhaner2", "yo", "test", fixtures / "masakhaner2", tmp_path)

    def crash(self, batch, indices):  # the engines pass Project its rows
        raise RuntimeError("interrupted")

    monkeypatch.setattr(Project, "__call__", crash)
    with pytest.raises(RuntimeError, match="interrupted"):
        translate_test(data, "yo", run=opts)
    monkeypatch.undo()
    resumed = translate_test(data, "yo", run=opts)
    assert resumed.report["cached_steps"] == TEST_STEPS[:-1]
    assert len(resumed.dataset["test"]) == 3


def test_translate_test_with_back_translation_and_ner_candidates(tiny_models, tmp_path, fixtures):
    opts = options(tiny_models, tmp_path)
    data, _ = gold("masakhaner2", "yo", "test", fixtures / "masakhaner2", tmp_path)
    method = MethodOptions(backtranslation=True, candidates="ner", aligner="eflomal",
                           easyproject_model=str(tiny_models["translator"]), easyproject_tokenizer=None)
    result = translate_test(data, "yo", run=opts, method=method)
    ds = result.dataset["test"]
    assert list(result.report["timings"]) == [
        "detokenize", "translate", "split_words", "label_source", "label_target", "backtranslate",
        "backtranslation_markers", "align", "project"]
    assert len(ds) == 3 and all(len(a) == len(b) for a, b in zip(ds["projected_tags"], ds["tokens"]))
    for words, links in zip(ds["bt_tokens"], ds["bt_alignments"]):
        assert all(0 <= i < len(words) for i, _ in links)  # projected from the back-translation
    assert sum(result.report["backtranslation_incomplete"].values()) == sum(
        1 for r in ds["bt_projection_issues"] if r)
    for problems, reason in zip(ds["bt_problems"], ds["bt_projection_issues"]):
        assert not reason or problems  # a back-translation counted as incomplete says why
    assert "candidate-selector" in {m["role"] for m in result.report["models"]}


def test_translate_test_runs_the_corpus_steps_on_request(tiny_models, tmp_path, fixtures):
    """Name evidence and span completion after translate-test's projection, as in the other pipelines:
    the same stages, their counts in the report and their configs in the method."""
    opts = options(tiny_models, tmp_path)
    data, _ = gold("masakhaner2", "yo", "test", fixtures / "masakhaner2", tmp_path)
    plain = translate_test(data, "yo", run=opts)
    result = translate_test(data, "yo", run=opts, method=MethodOptions(name_evidence=True, span_completion=True))
    assert list(result.report["timings"])[-3:] == ["project", "keep_named", "complete_spans"]
    assert result.report["name_evidence"]["config"] == {"min_share": 0.5}
    assert result.report["span_completion"]["widened_spans"] >= 0
    assert set(result.report["method"]["params"]) >= {"name_evidence", "span_completion"}
    ds = result.dataset["test"]
    assert len(ds) == len(plain.dataset["test"]) == 3
    assert "uncompleted_entities" in ds.column_names and "unfiltered_entities" in ds.column_names
    for before, after in zip(ds["unfiltered_entities"], ds["tgt_entities"]):
        assert len(after) <= len(before)  # name evidence only drops, completion only widens
    assert "name_evidence" not in plain.report and "keep_named" not in plain.report["timings"]


def test_translate_test_with_links_refined_through_a_plain_back_translation(tiny_models, tmp_path, fixtures):
    opts = options(tiny_models, tmp_path)
    data, _ = gold("masakhaner2", "yo", "test", fixtures / "masakhaner2", tmp_path)
    result = translate_test(data, "yo", run=opts,
                            method=MethodOptions(backtranslation=True, refinement="union", aligner="eflomal"))
    ds = result.dataset["test"]
    assert list(result.report["timings"]) == [
        "detokenize", "translate", "split_words", "label_source", "backtranslate", "split_backtranslation",
        "align_backtranslation", "align_monolingual", "align", "refine_links", "project"]
    for direct, refined in zip(ds["direct_alignments"], ds["alignments"]):
        assert {tuple(link) for link in direct} <= {tuple(link) for link in refined}
    assert result.report["method"]["params"]["backtranslation"] == "union"


def test_refine_links_composes_through_the_back_translation():
    batch = {"en_bt_alignments": [[[0, 1], [1, 0]]], "bt_alignments": [[[1, 2], [0, 0]]],
             "direct_alignments": [[[0, 2], [2, 1]]]}
    def refine(mode):
        return RefineLinks(RefineConfig(mode))

    assert refine("back-translation")(batch)["alignments"] == [[[0, 2], [1, 0]]]
    assert refine("intersection")(batch)["alignments"] == [[[0, 2]]]
    assert refine("union")(batch)["alignments"] == [[[0, 2], [1, 0], [2, 1]]]
    assert refine("union").fingerprint("p") != refine("intersection").fingerprint("p")


def test_model_transfer_scores_the_ner_model_on_the_target(tiny_models, tmp_path, fixtures):
    opts = options(tiny_models, tmp_path)
    data, origin = gold("masakhaner2", "yo", "test", fixtures / "masakhaner2", tmp_path)
    result = model_transfer(data, "yo", run=opts, origin=origin)
    export(result, tmp_path / "mt")
    ds = result.dataset["test"]
    expected = ner_scores(gold_strings(ds), ds["projected_tags"], label_map=pipelines.LabelMap({"DATE": "O"}))
    assert result.report["f1"] == expected["f1"] and result.report["sentences"] == 3
    assert json.loads((tmp_path / "mt" / "yo" / "provenance.json").read_text())["aligner"] is None
    saved = datasets.load_dataset(str(tmp_path / "mt"), "yo", cache_dir=str(tmp_path / "hf"))["test"]
    names = saved.features["ner_tags"].feature.names
    assert [[names[i] for i in row] for row in saved["ner_tags"]] == ds["projected_tags"]


def test_translate_train_publishes_a_silver_corpus_and_counts_every_sentence(tiny_models, tmp_path, shared_data):
    opts = options(tiny_models, tmp_path)
    data, origin = gold("conll2003", "en", "train", shared_data / "conll2003-en", tmp_path, limit=6)
    result = translate_train(data, "yo", run=opts, method=MethodOptions(keep_partial=False), origin=origin)
    export(result, tmp_path / "silver")
    report, ds = result.report, result.dataset["train"]
    assert report["sentences"] == len(ds) == 6
    assert report["kept"] + sum(report["dropped"].values()) == 6
    assert list(report["timings"]) == [
        "gold_tags", "map_source_tags", "detokenize", "translate", "split_words", "align", "project", "retype",
        "select", "stamp"]
    assert list(report["method"]["params"]["retype_dropped"]["types"]) == ["MISC"]
    typed = sum(e["label"] == "MISC" for row in ds["typed_entities"] for e in row)
    assert sum(sum(v.values()) for v in report.get("retyped", {}).values()) == typed
    published = datasets.load_dataset("parquet", data_files=str(tmp_path / "silver" / "yo" / "train-*.parquet"),
                                      split="train", cache_dir=str(tmp_path / "hf"))
    assert len(published) == report["kept"]
    for column in ("tokens", "original_tokens", "src_tags", "translation", "alignments", "src_entities",
                   "tgt_entities", "method", "models"):
        assert column in published.column_names, column
    kept = [row for row in ds if not row["dropped_reason"]]
    assert published["tokens"] == [row["tgt_tokens"] for row in kept]
    provenance = json.loads((tmp_path / "silver" / "yo" / "provenance.json").read_text())
    assert provenance["labels"] == ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
    assert {m["role"] for m in provenance["models"]} == {"translator", "aligner"}
    assert not any("MISC" in tag for row in ds["src_tags"] for tag in row)
    assert not any("MISC" in tag for row in ds["projected_tags"] for tag in row)
    assert any("MISC" in tag for row in ds["src_unmapped_tags"] for tag in row)


def test_translate_train_without_retyping_projects_the_mapped_tags(tiny_models, tmp_path, shared_data):
    opts = options(tiny_models, tmp_path)
    data, _ = gold("conll2003", "en", "train", shared_data / "conll2003-en", tmp_path, limit=6)
    result = translate_train(data, "yo", run=opts, method=MethodOptions(retype_dropped=False))
    assert list(result.report["timings"]) == [
        "gold_tags", "map_source_tags", "detokenize", "translate", "split_words", "align", "project", "select",
        "stamp"]
    assert result.report["method"]["params"]["retype_dropped"] is None and "retyped" not in result.report
    assert "typed_entities" not in result.dataset["train"].column_names


def test_translate_train_with_name_evidence_runs_the_step_before_retyping(tiny_models, tmp_path, shared_data):
    opts = options(tiny_models, tmp_path)
    data, _ = gold("conll2003", "en", "train", shared_data / "conll2003-en", tmp_path, limit=6)
    result = translate_train(data, "yo", run=opts, method=MethodOptions(name_evidence=True))
    assert list(result.report["timings"])[6:9] == ["project", "keep_named", "retype"]
    assert result.report["method"]["params"]["name_evidence"] == {"min_share": 0.5}
    ds = result.dataset["train"]
    dropped = sum(len(a) - len(b) for a, b in zip(ds["unfiltered_entities"], ds["typed_entities"]))
    assert result.report["name_evidence"]["dropped_spans"] == dropped


def test_translate_train_with_easyproject_markers_from_the_command_line(tiny_models, tmp_path, fixtures):
    out = tmp_path / "silver"
    assert cli_main([
        "translate-train", "--lang", "sw", "--data-dir", str(fixtures / "conll2003"), "--method", "easyproject",
        "--easyproject-model", str(tiny_models["translator"]), "--easyproject-tokenizer", "model",
        "--num-beams", "1", "--max-new-tokens", "8", "--keep-partial", "--cache-dir", str(tmp_path / "cache"),
        "--output", str(out), "--report", str(tmp_path / "report.json"),
    ]) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["sentences"] == 3 and report["method"]["name"] == "easyproject"
    assert report["kept"] + sum(report["dropped"].values()) == 3
    assert list(report["timings"]) == ["gold_tags", "easyproject_translate", "easyproject_match", "select", "stamp"]
    assert (out / "sw" / "provenance.json").is_file()


def test_eflomal_symmetrisation_default_is_the_same_everywhere(tmp_path):
    from projner.cli import build_parser
    from projner.processing.align.statistical import EflomalConfig

    parser = build_parser()
    commands = {
        "translate-test": ["translate-test", "--dataset", "panx", "--lang", "sw"],
        "translate-train": ["translate-train", "--lang", "sw"],
    }
    defaults = {name: parser.parse_args(argv).symmetrization for name, argv in commands.items()}
    (tmp_path / "a").touch()
    defaults["project-parallel"] = parser.parse_args(
        ["project-parallel", "--source", str(tmp_path / "a"), "--target", str(tmp_path / "a"), "--output", "o"]
    ).symmetrization
    defaults["demo"] = parser.parse_args(["demo"]).symmetrization
    defaults["MethodOptions"] = MethodOptions().symmetrization
    defaults["EflomalConfig"] = EflomalConfig().symmetrization
    assert set(defaults.values()) == {"intersection"}, defaults
    assert MethodOptions(aligner="eflomal").aligner_options(RunOptions()) == {"symmetrization": "intersection"}


def test_select_sentences_drops_with_reasons_and_never_removes_rows():
    select = SelectSentences(SelectConfig(min_score=0.5))
    batch = {
        "tgt_tokens": [["a"], [], ["b", "c"], ["d"]],
        "projection_issues": ["", "", "unaligned", ""],
        "tgt_entities": [[{"score": 0.9}], [], [], [{"score": 0.2}]],
    }
    out = select(batch)
    assert out["dropped_reason"] == ["", "empty translation", "unaligned", "low score"]
    partial = SelectSentences(SelectConfig(keep_partial=True))(batch)["dropped_reason"]
    assert partial == ["", "empty translation", "", ""]
    stamped = Stamp(StampConfig(method="m", models=("translator=x@1",)))(batch)
    assert stamped == {"method": ["m"] * 4, "models": [["translator=x@1"]] * 4}


def test_step_runner_sees_whole_and_sharded_caches(tmp_path):
    runner = StepRunner(tmp_path, num_proc=2)
    ds = datasets.Dataset.from_dict({"x": list(range(10))})

    def double(batch, rank=None):
        return {"y": [2 * v for v in batch["x"]]}

    assert not runner.is_cached("double", "f" * 32, 10)
    out = runner.map(ds, "double", double, "f" * 32, uses_model=True, batch_size=3)
    assert out["y"] == [2 * v for v in range(10)]
    assert runner.is_cached("double", "f" * 32, 10)  # two shards, both there
    assert sorted(p.name for p in tmp_path.glob("double-*")) == [
        f"double-{'f' * 32}_00000_of_00002.arrow", f"double-{'f' * 32}_00001_of_00002.arrow"]
    (tmp_path / f"double-{'f' * 32}_00001_of_00002.arrow").unlink()
    assert not runner.is_cached("double", "f" * 32, 10)  # one shard missing: not a cache hit
    single = StepRunner(tmp_path)
    single.map(ds, "plain", double, "e" * 32)
    single.map(ds, "plain", double, "e" * 32)
    assert [r.cached for r in single.records] == [False, True]


def test_the_commands_run_offline_on_local_models(tiny_models, tmp_path, fixtures, capsys):
    common = ["--translator", str(tiny_models["translator"]), "--ner-model", str(tiny_models["ner"]),
              "--aligner-model", str(tiny_models["aligner"]), "--num-beams", "1", "--max-new-tokens", "6",
              "--cache-dir", str(tmp_path / "cache")]
    assert cli_main(["translate-test", "--dataset", "masakhaner2", "--lang", "yo", "--limit", "2",
                     "--data-dir", str(fixtures / "masakhaner2"), "--aligner", "eflomal",
                     "--report", str(tmp_path / "tt.json"), *common]) == 0
    report = json.loads((tmp_path / "tt.json").read_text())
    assert report["sentences"] == 2 and report["aligner"]["name"] == "eflomal"
    assert "translate-test masakhaner2 yo test: F1" in capsys.readouterr().out


WORKERS_AFTER_A_MODEL = """
import sys
import datasets
from projner.processing.options import RunOptions
from projner.processing.pipelines import model_transfer

ner, cache = sys.argv[1], sys.argv[2]
target = datasets.Dataset.from_dict({"tokens": [["Ade", "went", "to", "Lagos"], ["Mo", "wa"]] * 2,
                                     "ner_tags": [["B-PER", "O", "O", "B-LOC"], ["O", "O"]] * 2})
model_transfer(target, "yo", run=RunOptions(ner_model=ner, cache_dir=cache + "/one", device="cpu"))
again = model_transfer(target, "yo", run=RunOptions(ner_model=ner, cache_dir=cache + "/two", device="cpu",
                                                    num_proc=2))
print(len(again.dataset["train"]))
"""


def test_worker_processes_on_the_cpu_after_a_model_ran_in_this_process(tiny_models, tmp_path):
    """Forked workers of a process whose torch already computed on several threads used to wait for
    good on the thread pool the fork left behind; a run that hangs fails here by the timeout."""
    import os
    import signal
    import subprocess
    import sys

    run = subprocess.Popen([sys.executable, "-c", WORKERS_AFTER_A_MODEL, str(tiny_models["ner"]), str(tmp_path)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = run.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)  # the hung workers too, not only their parent
        run.communicate()
        pytest.fail("model_transfer with num_proc=2 after a first run in the same process hung")
    assert run.returncode == 0, err[-2000:]
    assert out.split()[-1] == "4"
