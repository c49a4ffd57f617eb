"""The name evidence step in the product: ``project_parallel(name_evidence=...)``, ``--name-evidence``,
the ``keep_named`` stage (processing/stages/corpus_names.py) and what it reports."""

import json
from dataclasses import replace

import datasets

from projner.cli import main
from projner.processing.options import MethodOptions, RunOptions
from projner.processing.pipelines import project_parallel
from projner.processing.project.name_evidence import COMMON_WORD, NameEvidenceConfig
from projner.processing.stages.corpus_names import KeepNamed

# A made-up target language without capitals: "welt" translates the lower-case "world" twice and
# the name "World" once (name share 1/3), "kimi" only the name "Kim" (share 1).
PAIRS = {
    "id": ["a", "b", "c", "d"],
    "src_tokens": [["the", "world", "is", "big"], ["the", "world", "was", "small"], ["World", "helps"],
                   ["Kim", "sleeps"]],
    "src_tags": [["O", "O", "O", "O"], ["O", "O", "O", "O"], ["B-ORG", "O"], ["B-PER", "O"]],
    "tgt_tokens": [["welt", "ist", "gross"], ["welt", "war", "klein"], ["welt", "hilft"], ["kimi", "schlaeft"]],
    "alignments": [[[1, 0], [2, 1], [3, 2]], [[1, 0], [2, 1], [3, 2]], [[0, 0], [1, 1]], [[0, 0], [1, 1]]],
}


def _run(tmp_path, **options):
    return project_parallel(datasets.Dataset.from_dict(PAIRS), run=RunOptions(cache_dir=str(tmp_path / "cache")),
                            split="train", **options)


def test_a_span_on_a_word_the_corpus_uses_as_a_common_word_is_dropped_with_its_reason(tmp_path):
    without = _run(tmp_path)
    with_evidence = _run(tmp_path, name_evidence=NameEvidenceConfig())
    before, after = without.dataset["train"], with_evidence.dataset["train"]
    assert before["projected_tags"][2:] == [["B-ORG", "O"], ["B-PER", "O"]]
    assert after["projected_tags"][2:] == [["O", "O"], ["B-PER", "O"]]
    assert after["projection_issues"] == ["", "", COMMON_WORD, ""]
    assert after["unprojected_entities"][2] == [{"start": 0, "end": 1, "label": "ORG", "reason": COMMON_WORD}]
    assert after["tgt_entities"][3] == before["tgt_entities"][3]
    report = with_evidence.report
    assert report["name_evidence"] == {"config": {"min_share": 0.5}, "dropped_spans": 1}
    assert report["unprojected"] == {COMMON_WORD: 1}
    assert report["incomplete_sentences"] == {COMMON_WORD: 1}
    assert with_evidence.provenance.method.params["name_evidence"] == {"min_share": 0.5}
    assert list(report["timings"])[-3:] == ["project", "keep_named", "stamp"]


def test_without_the_option_nothing_changes_and_no_step_runs(tmp_path):
    result = _run(tmp_path)
    ds, report = result.dataset["train"], result.report
    assert "name_evidence" not in report and "keep_named" not in report["timings"]
    assert "used_links" not in ds.column_names and "unfiltered_entities" not in ds.column_names
    assert "name_evidence" not in result.provenance.method.params
    assert ds["projection_issues"] == ["", "", "", ""]


def test_a_dropped_span_of_a_type_to_be_retyped_leaves_the_sentence_complete(tmp_path):
    pairs = dict(PAIRS, src_tags=[*PAIRS["src_tags"][:2], ["B-MISC", "O"], ["B-PER", "O"]])
    result = project_parallel(datasets.Dataset.from_dict(pairs), run=RunOptions(cache_dir=str(tmp_path / "c")),
                              split="train", label_map=["MISC=O"], retype_dropped=True,
                              name_evidence=NameEvidenceConfig())
    ds = result.dataset["train"]
    assert ds["typed_entities"][2] == [] and ds["projection_issues"][2] == ""
    assert ds["unprojected_entities"][2][0]["reason"] == COMMON_WORD
    assert list(result.report["timings"])[-4:] == ["project", "keep_named", "retype", "stamp"]


def test_the_stage_fingerprint_holds_its_parameters():
    stage = KeepNamed(NameEvidenceConfig(0.5), rows=4)
    assert stage.fingerprint("x") == KeepNamed(NameEvidenceConfig(0.5), rows=4).fingerprint("x")
    assert stage.fingerprint("x") != KeepNamed(NameEvidenceConfig(0.6), rows=4).fingerprint("x")
    assert stage.fingerprint("x") != replace(stage, optional_types=("MISC",)).fingerprint("x")
    assert stage.fingerprint("x") != stage.fingerprint("y")


def test_the_option_reaches_the_stage_from_the_command_line_and_method_options(tmp_path):
    def conll(rows_tokens, rows_tags, path):
        path.write_text("\n\n".join("\n".join(f"{w} {t}" for w, t in zip(words, tags))
                                    for words, tags in zip(rows_tokens, rows_tags)) + "\n")
        return path

    source = conll(PAIRS["src_tokens"], PAIRS["src_tags"], tmp_path / "en.conll")
    target = conll(PAIRS["tgt_tokens"], [["O"] * len(w) for w in PAIRS["tgt_tokens"]], tmp_path / "xx.conll")
    links = tmp_path / "links.txt"
    links.write_text("".join(" ".join(f"{i}-{j}" for i, j in row) + "\n" for row in PAIRS["alignments"]))
    code = main(["project-parallel", "--source", str(source), "--target", str(target), "--alignments", str(links),
                 "--name-evidence", "--output", str(tmp_path / "out"), "--report", str(tmp_path / "r.json"),
                 "--cache-dir", str(tmp_path / "cache")])
    assert code == 0
    assert json.loads((tmp_path / "r.json").read_text())["name_evidence"]["dropped_spans"] == 1
    assert MethodOptions(name_evidence=True).name_evidence_config() == NameEvidenceConfig()
    assert MethodOptions().name_evidence_config() is None
    assert MethodOptions(method="easyproject", name_evidence=True).name_evidence_config() is None
