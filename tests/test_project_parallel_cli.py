"""``projner project-parallel`` and ``projner demo``: output, report, errors that name what is wrong."""

import json

import datasets
import pytest

from projner.cli import main

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
    saved = datasets.load_from_disk(str(tmp_path / "out"))["train"]
    assert len(saved) == 4
    assert {"tgt_tokens", "projected_tags", "alignments", "tgt_entities", "src_entities", "method",
            "dropped_reason"} <= set(saved.column_names)
    assert saved[1]["projected_tags"][12:14] == ["B-ORG", "I-ORG"]      # Europäischen Parlaments
    assert saved[1]["alignments"][:2] == [[0, 0], [1, 1]]
    folder_report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert folder_report["scores"]["f1"] == report["f1"]
    provenance = json.loads((tmp_path / "out" / "provenance.json").read_text())
    assert provenance["task"] == "project-parallel" and provenance["label_map"] == ["MISC=O"]


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
    assert "no_gold_reason" in json.loads((tmp_path / "out" / "report.json").read_text())


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
    code, out, _ = run(["project-parallel", "--source", str(source), "--target", str(target),
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


def test_demo_prints_scores_on_the_bundled_sample(shared_data, tmp_path, capsys):
    links = shared_data / "europarl-ner" / "alignments" / "eflomal.en-de.gdfa.txt"
    code, out, _ = run(["demo", "--alignments", str(links), "--output", str(tmp_path / "demo")], capsys)
    assert code == 0
    assert "799 sentence pairs" in out and "strict IOB2" in out
    f1 = float(out.split("F1 ")[1].split()[0])
    assert 0 < f1 <= 100
    provenance = json.loads((tmp_path / "demo" / "provenance.json").read_text())
    assert provenance["source_language"] == "en" and provenance["target_language"] == "de"
