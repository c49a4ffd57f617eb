"""``projner project-parallel`` and ``projner demo``: the Hub folder they write (every sentence
published, card honest about what was not recorded), the report, errors that name what is wrong."""

import json

import datasets
import pytest

from projner.cli import main
from projner.dataset_cards.folder import read_front_matter, validate_hub_folder

REQUIRED_REPORT_KEYS = {"f1", "precision", "recall", "per_type", "sentences", "source_entities",
                        "projected_entities", "unprojected", "projection_seconds"}


@pytest.fixture()
def pair(fixtures):
    folder = fixtures / "europarl-ner"
    return folder / "en-europarl.test.conll02", folder / "de-europarl.test.conll02", folder / "eflomal.en-de.gdfa.txt"


def run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    """Loading an exported folder must not need the Hub."""
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def load(folder, config, tmp_path):
    return datasets.load_dataset(str(folder), config, cache_dir=str(tmp_path / "hf-cache"))


def test_projects_with_given_links_and_writes_dataset_and_report(pair, tmp_path, capsys):
    source, target, links = pair
    code, out, _ = run(["project-parallel", "--source", str(source), "--target", str(target),
                        "--alignments", str(links), "--label-map", "MISC=O", "--solver", "greedy",
                        "--output", str(tmp_path / "out"), "--report", str(tmp_path / "report.json")], capsys)
    assert code == 0 and "F1" in out
    report = json.loads((tmp_path / "report.json").read_text())
    assert REQUIRED_REPORT_KEYS <= set(report)
    assert report["sentences"] == 4 and report["method"] == "candidates+greedy"
    assert 0.0 <= report["f1"] <= 1.0 and report["projection_seconds"] >= 0
    assert report["source_entities"] == report["projected_entities"] + sum(report["unprojected"].values())
    # no --source-lang/--target-lang: a Hub folder all the same, config "default"
    assert "load_dataset(" in out and "'default'" in out
    saved = load(tmp_path / "out", "default", tmp_path)["train"]
    assert len(saved) == 4  # every sentence pair, complete or not (an evaluation run)
    assert {"tokens", "ner_tags", "src_tokens", "src_tags", "alignments", "tgt_entities", "src_entities",
            "method", "projection_issues"} <= set(saved.column_names)
    names = saved.features["ner_tags"].feature.names
    assert [names[i] for i in saved[1]["ner_tags"][12:14]] == ["B-ORG", "I-ORG"]  # Europäischen Parlaments
    assert saved[1]["tokens"][12] == "Europäischen"
    assert saved[1]["alignments"][:2] == [[0, 0], [1, 1]]
    config_dir = tmp_path / "out" / "default"
    statistics = json.loads((config_dir / "statistics.json").read_text())["splits"]["train"]
    assert statistics["keep_dropped"] is True and statistics["dropped"] == {}
    assert statistics["incomplete"] == report["incomplete_sentences"]
    assert sum(statistics["incomplete"].values()) == sum(1 for r in saved["projection_issues"] if r)
    folder_report = json.loads((config_dir / "report.json").read_text())
    assert folder_report["scores"]["f1"] == report["f1"]
    provenance = json.loads((config_dir / "provenance.json").read_text())
    assert provenance["task"] == "project-parallel" and provenance["label_map"] == ["MISC=O"]
    assert provenance["source_language"] is None and provenance["target_language"] is None
    metadata, body = read_front_matter(tmp_path / "out" / "README.md")
    assert "language" not in metadata and "source_datasets" not in metadata
    assert metadata["license"] == "unknown" and "was not recorded" in metadata["license_details"]
    assert "Target language: not recorded" in body and "--target-lang CODE" in body
    assert "no citation was recorded for these files" in body
    assert "()" not in body and "@" not in body.split("The source data:")[1].split("```bibtex")[0]


def test_given_languages_name_the_config_and_bad_codes_are_refused(pair, tmp_path, capsys):
    source, target, links = pair
    common = ["project-parallel", "--source", str(source), "--target", str(target), "--alignments", str(links)]
    code, _, _ = run([*common, "--source-lang", "en", "--target-lang", "deu", "--split", "test",
                      "--output", str(tmp_path / "out")], capsys)
    assert code == 0
    metadata = validate_hub_folder(tmp_path / "out")
    assert metadata["configs"][0]["config_name"] == "de" and metadata["language"] == ["de", "en"]
    assert set(load(tmp_path / "out", "de", tmp_path)) == {"test"}
    code, _, err = run([*common, "--target-lang", "klingon", "--output", str(tmp_path / "bad")], capsys)
    assert code == 2 and "--target-lang: unknown language code 'klingon'" in err
    code, _, err = run([*common, "--split", "dev-1", "--output", str(tmp_path / "bad")], capsys)
    assert code == 2 and "--split 'dev-1'" in err and not (tmp_path / "bad").exists()


def test_unlabelled_target_is_projected_without_scores(pair, tmp_path, capsys):
    source, target, links = pair
    plain = tmp_path / "de.txt"
    plain.write_text("".join(line.split("\t")[0].rstrip("\n") + "\n" if line.strip() else "\n"
                             for line in target.read_text(encoding="utf-8").splitlines(keepends=True)),
                     encoding="utf-8")
    code, out, _ = run(["project-parallel", "--source", str(source), "--target", str(plain),
                        "--alignments", str(links), "--method", "heuristic", "--output", str(tmp_path / "out"),
                        "--report", str(tmp_path / "r.json")], capsys)
    assert code == 0 and "F1" not in out
    report = json.loads((tmp_path / "r.json").read_text())
    assert "f1" not in report and report["projected_entities"] >= 1
    assert "no_gold_reason" in json.loads((tmp_path / "out" / "default" / "report.json").read_text())


def test_sentence_count_mismatch_names_both_counts(pair, tmp_path, capsys):
    source, target, links = pair
    short = tmp_path / "short.conll"
    short.write_text(target.read_text(encoding="utf-8").split("\n\n")[0] + "\n", encoding="utf-8")
    code, _, err = run(["project-parallel", "--source", str(source), "--target", str(short),
                        "--alignments", str(links), "--output", str(tmp_path / "o")], capsys)
    assert code == 2 and "has 4 sentences but" in err and "short.conll has 1" in err


def test_bad_alignment_files_name_file_line_and_counts(pair, tmp_path, capsys):
    source, target, links = pair
    three = tmp_path / "three.txt"
    three.write_text("".join(links.read_text().splitlines(keepends=True)[:3]))
    code, _, err = run(["project-parallel", "--source", str(source), "--target", str(target),
                        "--alignments", str(three), "--output", str(tmp_path / "o")], capsys)
    assert code == 2 and "has 3 lines but the CoNLL files have 4 sentence pairs" in err
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("0-0\n0-0 99-1\n0-0\n0-0\n")
    code, _, err = run(["project-parallel", "--source", str(source), "--target", str(target),
                        "--alignments", str(wrong), "--output", str(tmp_path / "o")], capsys)
    assert code == 2 and "wrong.txt, line 2: link 99-1 lies outside" in err


def test_eflomal_end_to_end_and_unknown_aligner(pair, tmp_path, capsys):
    source, target, _ = pair
    code, _, _ = run(["project-parallel", "--source", str(source), "--target", str(target),
                      "--aligner-runs", "1", "--label-map", "MISC=O", "--output", str(tmp_path / "o"),
                      "--report", str(tmp_path / "r.json")], capsys)
    assert code == 0
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["aligner"]["name"] == "eflomal" and report["aligner"]["params"]["runs"] == 1
    code, _, err = run(["project-parallel", "--source", str(source), "--target", str(target),
                        "--aligner", "giza", "--output", str(tmp_path / "o2")], capsys)
    assert code == 2 and "unknown aligner 'giza'" in err
    (tmp_path / "x.en").write_text("a house\nthe car\n")
    (tmp_path / "x.de").write_text("ein Haus\n")
    code, _, err = run(["project-parallel", "--source", str(source), "--target", str(target),
                        "--extra-parallel", str(tmp_path / "x.en"), str(tmp_path / "x.de"),
                        "--output", str(tmp_path / "o3")], capsys)
    assert code == 2 and "x.en has 2 lines but" in err and "x.de has 1" in err


def test_neural_aligner_takes_its_own_options_and_refuses_eflomal_ones(pair, tmp_path, capsys):
    from projner.testing.tiny_models import build_aligner

    source, target, _ = pair
    model = build_aligner(tmp_path / "aligner")
    code, _, err = run(["project-parallel", "--source", str(source), "--target", str(target),
                        "--aligner", "neural", "--model", str(model), "--align-method", "itermax",
                        "--layer", "2", "--label-map", "MISC=O", "--output", str(tmp_path / "o"),
                        "--report", str(tmp_path / "r.json")], capsys)
    assert code == 0, err
    report = json.loads((tmp_path / "r.json").read_text())
    params = report["aligner"]["params"]
    assert report["aligner"]["name"] == "neural"
    assert (params["model"], params["method"], params["layer"]) == (str(model), "itermax", 2)
    code, _, err = run(["project-parallel", "--source", str(source), "--target", str(target),
                        "--aligner", "neural", "--model", str(model), "--aligner-runs", "2",
                        "--output", str(tmp_path / "o2")], capsys)
    assert code == 2 and "--aligner-runs: eflomal options" in err


def test_demo_prints_scores_on_the_bundled_sample(shared_data, tmp_path, capsys):
    links = shared_data / "europarl-ner" / "alignments" / "eflomal.en-de.gdfa.txt"
    code, out, _ = run(["demo", "--alignments", str(links), "--output", str(tmp_path / "demo")], capsys)
    assert code == 0
    assert "799 sentence pairs" in out and "strict IOB2" in out
    f1 = float(out.split("F1 ")[1].split()[0])
    assert 0 < f1 <= 100
    provenance = json.loads((tmp_path / "demo" / "de" / "provenance.json").read_text())
    assert provenance["source_language"] == "en" and provenance["target_language"] == "de"
    # the README's main job ends with a Hub folder that load_dataset reads: every sentence, scored
    corpus = load(tmp_path / "demo", "de", tmp_path)
    assert set(corpus) == {"test"} and len(corpus["test"]) == 799
    assert corpus["test"].features["ner_tags"].feature.names == ["O", "B-PER", "I-PER", "B-ORG", "I-ORG",
                                                                 "B-LOC", "I-LOC"]
    metadata, body = read_front_matter(tmp_path / "demo" / "README.md")
    assert metadata["license"] == "cc-by-sa-4.0" and metadata["language"] == ["de", "en"]
    scores = json.loads((tmp_path / "demo" / "de" / "report.json").read_text())["scores"]
    assert f"{100 * scores['f1']:.2f}" == f"{f1:.2f}"  # the folder's scores are the ones printed
    assert f"| **{100 * scores['f1']:.1f}** |" in body  # and the card's
    assert "Koehn" in body and "Agerri" in body


def test_neural_and_eflomal_together_with_one_option(pair, tmp_path, capsys):
    from projner.testing.tiny_models import build_aligner

    source, target, _ = pair
    model = build_aligner(tmp_path / "aligner")
    code, _, err = run(["project-parallel", "--source", str(source), "--target", str(target),
                        "--aligner", "neural+eflomal", "--model", str(model), "--aligner-runs", "1",
                        "--label-map", "MISC=O", "--output", str(tmp_path / "o"),
                        "--report", str(tmp_path / "r.json")], capsys)
    assert code == 0, err
    report = json.loads((tmp_path / "r.json").read_text())
    params = report["aligner"]["params"]
    assert report["aligner"]["name"] == "neural+eflomal" and params["combination"] == "fill"
    assert params["neural"]["model"] == str(model) and params["eflomal"]["runs"] == 1
