"""Typology report: reading results, URIEL distances (single and multi-source), correlations, and
``projner report`` end to end on the paper's published results."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import warnings

import numpy as np
import pytest
from scipy import stats

from projner.cli import main
from projner.typology.correlation import correlate
from projner.typology.distance import FEATURE_SETS, _lang2vec, cosine_distance, measure
from projner.typology.results import ResultsError, read_results

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def reference(shared_data):
    return sorted((shared_data / "reference-results").glob("*_metrics.csv"))


def _vector(code: str, feature_set: str) -> np.ndarray:
    return np.asarray(_lang2vec().get_features([code], FEATURE_SETS[feature_set])[code], dtype=float)


def test_paper_csvs_are_read_row_for_row(reference):
    results = read_results(reference)
    rows = sum(sum(1 for _ in csv.DictReader(path.open())) for path in reference)
    assert len(results) == rows
    yoruba = {r.method: r for r in results if r.dataset == "MasakhaNER 2.0" and r.language == "yo"}
    assert yoruba["model-transfer"].task == "model-transfer"
    assert yoruba["candidates/simalign/ner"].task == "translate-test"
    assert "align_src/awesome" in yoruba and "backtrans_candidates/awesome/dummy" in yoruba
    assert {r.dataset for r in results} == {"MasakhaNER 2.0", "XTREME PAN-X (WikiANN)", "Europarl-NER"}
    assert all(0.0 <= r.f1 <= 1.0 for r in results)


def test_distances_are_cosine_distances_of_uriel_vectors():
    single = measure(["de", "yo", "en"], ["en"], ["syntactic"])
    expected = cosine_distance(_vector("deu", "syntactic"), _vector("eng", "syntactic"))
    manual = 1 - _vector("deu", "syntactic") @ _vector("eng", "syntactic") / (
        np.linalg.norm(_vector("deu", "syntactic")) * np.linalg.norm(_vector("eng", "syntactic")))
    assert single.nearest["syntactic"]["de"] == pytest.approx(expected) == pytest.approx(manual)
    assert single.nearest["syntactic"]["en"] == pytest.approx(0.0, abs=1e-9)
    assert single.nearest["syntactic"]["de"] < single.nearest["syntactic"]["yo"]


def test_multi_source_nearest_and_centroid():
    sources = ["en", "fr"]
    both = measure(["yo", "it"], sources, ["syntactic"])
    from_en = measure(["yo", "it"], ["en"], ["syntactic"]).nearest["syntactic"]
    from_fr = measure(["yo", "it"], ["fr"], ["syntactic"]).nearest["syntactic"]
    for lang in ("yo", "it"):
        assert both.nearest["syntactic"][lang] == pytest.approx(min(from_en[lang], from_fr[lang]))
    centroid = (_vector("eng", "syntactic") + _vector("fra", "syntactic")) / 2
    assert both.to_set["syntactic"]["it"] == pytest.approx(
        cosine_distance(_vector("ita", "syntactic"), centroid))


def test_languages_without_features_are_listed_and_macrolanguages_mapped():
    result = measure(["eu", "sw", "de"], ["en"], ["genetic", "syntactic"])
    assert result.missing["genetic"] == ["eu"]  # Basque: a language isolate, no family vector
    assert "eu" not in result.nearest["genetic"] and "eu" in result.nearest["syntactic"]
    assert result.codes == {"sw": "swh"}
    assert result.missing["syntactic"] == []


def test_a_source_without_a_feature_set_leaves_that_set_out_and_is_listed(tmp_path, capsys):
    """Twi has no family vector: as a source, genetic distances are left out and Twi listed, the other
    feature sets measured as usual (before, the whole report failed)."""
    from projner.typology.distance import source_set_distances

    result = measure(["yo", "ha", "eu"], ["en", "tw"], ["genetic", "syntactic"])
    assert result.missing["genetic"] == ["tw", "eu"] and result.unmeasured("genetic") == ["tw"]
    assert result.nearest["genetic"] == result.to_set["genetic"] == {}
    assert set(result.nearest["syntactic"]) == {"yo", "ha", "eu"} and result.unmeasured("syntactic") == []
    assert source_set_distances("yo", ["tw"], "genetic") == {"nearest": None, "centroid": None, "diversity": None}
    results = tmp_path / "results.json"
    results.write_text(json.dumps([{"language": code, "method": "m", "dataset": "d", "f1": f1}
                                   for code, f1 in (("yo", 0.5), ("ha", 0.6), ("sw", 0.7))]))
    out = tmp_path / "out"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["report", str(results), "--output", str(out), "--source", "tw"]) == 0
    assert [str(w.message) for w in caught] == []  # an empty panel draws no legend, and says nothing
    assert "no genetic features in lang2vec for: tw (a source: no distances" in capsys.readouterr().out
    assert "- genetic: Twi (`tw`) (a source language: this feature set has no distances)" in (
        out / "report.md").read_text()
    rows = list(csv.DictReader((out / "results.csv").open()))
    assert all(r["genetic_nearest"] == "" and r["syntactic_nearest"] for r in rows)


def test_correlation_with_n_and_no_number_where_there_is_none():
    xs, ys = [0.1, 0.2, 0.3, 0.4, 0.5], [0.9, 0.7, 0.8, 0.1, 0.2]
    c = correlate(xs, ys)
    assert c.n == 5
    assert c.pearson_r == pytest.approx(stats.pearsonr(xs, ys).statistic)
    assert c.spearman_rho == pytest.approx(-0.8)  # ranks 1..5 against 5 3 4 1 2
    three = correlate([0.1, 0.2, 0.3], [0.3, 0.4, 0.5])
    assert three.n == 3 and three.pearson_r is None and three.spearman_p is None
    assert correlate([0.5] * 5, [0.1, 0.2, 0.3, 0.4, 0.5]).spearman_rho is None


def test_json_reports_export_folders_and_errors(tmp_path):
    scores = {"precision": 0.5, "recall": 0.5, "f1": 0.5, "per_type": {}}
    provenance = {
        "task": "translate-test",
        "source_dataset": {"name": "masakhane/masakhaner2", "pretty_name": "MasakhaNER 2.0",
                           "license": "cc-by-nc-4.0", "citation": "@x", "homepage": "https://x"},
        "source_language": "en", "target_language": "hau",
        "method": {"name": "candidates", "params": {}}, "aligner": {"name": "simalign", "params": {}},
        "models": [{"role": "translator", "id": "facebook/nllb-200-distilled-600M", "revision": "r"}],
        "labels": ["O", "B-PER", "I-PER"],
    }
    folder = tmp_path / "hub" / "ha"
    folder.mkdir(parents=True)
    (folder / "provenance.json").write_text(json.dumps(provenance))
    (folder / "report.json").write_text(json.dumps(
        {"scores": scores, "baseline": {"name": "model-transfer", "scores": {**scores, "f1": 0.4}}}))
    flat = tmp_path / "train.json"
    flat.write_text(json.dumps([{"language": "yor", "method": "train on silver", "task": "train",
                                 "dataset": "MasakhaNER 2.0", "scores": {"f1": 0.61}}]))
    results = read_results([tmp_path / "hub", flat])
    got = {(r.language, r.method, r.task): r.f1 for r in results}
    assert got == {("ha", "candidates/simalign", "translate-test"): 0.5,
                   ("ha", "model-transfer", "model-transfer"): 0.4,
                   ("yo", "train on silver", "train"): 0.61}
    with pytest.raises(ResultsError, match="two results for train on silver"):
        read_results([flat, flat])
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"language": "xx-unknown", "method": "m", "dataset": "d", "f1": 0.5}))
    with pytest.raises(ResultsError, match=r"bad.json, record 0: unknown language code"):
        read_results([bad])
    bad.write_text(json.dumps({"language": "yo", "method": "m", "dataset": "d", "f1": 55}))
    with pytest.raises(ResultsError, match="not a fraction"):
        read_results([bad])
    bad.write_text(json.dumps({"language": "yo", "method": "m", "dataset": "d", "f1": True}))
    with pytest.raises(ResultsError, match="F1 True is not a number"):
        read_results([bad])


@pytest.mark.parametrize("provenance, report, message", [
    ({"task": "translate-test"}, {"scores": {"f1": 0.5}}, "provenance.json: provenance: missing 'source_dataset'"),
    ({"task": "translate-test", "source_dataset": {"name": "a", "license": "mit"}, "method": "m"},
     {"scores": {"f1": 0.5}}, "provenance.json: provenance.method must be a mapping"),
    (None, [1], "report.json: expected a JSON object, got list"),
    (None, {"scores": [0.5]}, "report.json: scores must be an object with f1"),
    (None, {"scores": {"f1": 0.5}, "baseline": {"name": "b"}}, "report.json: baseline scores must be an object"),
    ("not UTF-8", {"scores": {"f1": 0.5}}, "provenance.json: not valid JSON"),
])
def test_malformed_export_folders_and_records_name_their_file(tmp_path, provenance, report, message):
    good = {"task": "project-parallel", "source_dataset": {"name": "a", "license": "mit"}, "source_language": "en",
            "target_language": "hau", "method": {"name": "m"}, "aligner": {"name": "a"},
            "labels": ["O", "B-PER", "I-PER"]}
    folder = tmp_path / "hub" / "ha"
    folder.mkdir(parents=True)
    if provenance == "not UTF-8":
        (folder / "provenance.json").write_bytes(b"\xff{}")
    else:
        (folder / "provenance.json").write_text(json.dumps(provenance or good))
    (folder / "report.json").write_text(json.dumps(report))
    with pytest.raises(ResultsError if "report.json" in message else ValueError, match=message):
        read_results([tmp_path / "hub"])
    record = tmp_path / "records.json"
    record.write_text(json.dumps([{"provenance": {"task": "translate-test"}, "scores": {"f1": 0.5}}]))
    with pytest.raises(ResultsError, match=r"records.json, record 0: provenance: missing 'source_dataset'"):
        read_results([record])
    record.write_bytes(b"\xff[]")
    with pytest.raises(ResultsError, match=r"records.json: not valid JSON"):
        read_results([record])


def test_report_command_on_the_paper_results(reference, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["report", *map(str, reference), "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "no genetic features in lang2vec for: eu, tw" in printed
    for name in ("report.md", "results.csv", "correlations.csv", "typology.png",
                 "f1_by_language_masakhaner-2-0.png", "f1_vs_distance_xtreme-pan-x-wikiann.png"):
        assert (out / name).is_file(), name
    assert (out / "typology.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    markdown = (out / "report.md").read_text()
    assert "- genetic: Basque (`eu`), Twi (`tw`)" in markdown
    assert "## MasakhaNER 2.0" in markdown and "## XTREME PAN-X (WikiANN)" in markdown
    # the reported correlation is the one recomputed from the results table
    rows = list(csv.DictReader((out / "results.csv").open()))
    panx = [r for r in rows if r["dataset"] == "XTREME PAN-X (WikiANN)" and r["method"] == "model-transfer"]
    assert len(panx) == 39 and all(r["genetic_nearest"] or r["language"] == "eu" for r in panx)
    x = [float(r["syntactic_nearest"]) for r in panx]
    y = [float(r["f1"]) for r in panx]
    corr = next(r for r in csv.DictReader((out / "correlations.csv").open())
                if r["dataset"] == "XTREME PAN-X (WikiANN)" and r["method"] == "model-transfer"
                and r["feature_set"] == "syntactic" and r["distance"] == "nearest")
    assert int(corr["n"]) == 39
    assert float(corr["pearson_r"]) == pytest.approx(stats.pearsonr(x, y).statistic, abs=1e-5)
    assert float(corr["spearman_rho"]) == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-5)


def test_report_command_multi_source_and_bad_input(reference, tmp_path, capsys):
    europarl = [p for p in reference if p.name.startswith("europarl")]
    out = tmp_path / "multi"
    assert main(["report", *map(str, europarl), "--output", str(out), "--source", "en", "fr"]) == 0
    header = next(csv.reader((out / "results.csv").open()))
    assert "syntactic_nearest" in header and "syntactic_set" in header
    markdown = (out / "report.md").read_text()
    assert "Correlation of F1 with distance (set)" in markdown
    assert "n/a (n=3)" in markdown  # three languages: no correlation is reported
    assert not (out / "typology.png").exists()  # three languages are too few for the summary
    assert main(["report", str(tmp_path / "missing.csv"), "--output", str(out)]) == 2
    assert "no such file" in capsys.readouterr().err


def test_source_set_results_get_their_own_table_figure_and_distances(tmp_path, capsys):
    from projner.typology.distance import source_set_distances

    records = [
        {"dataset": "Europarl-NER", "language": "it", "sources": ["es"], "method": "single", "f1": 0.92},
        {"dataset": "Europarl-NER", "language": "it", "sources": ["en", "de"], "method": "ilp", "f1": 0.89},
        {"dataset": "Europarl-NER", "language": "it", "sources": ["en", "de", "es"], "method": "ilp", "f1": 0.94},
        {"dataset": "Europarl-NER", "language": "it", "sources": ["en", "de", "es"], "method": "vote", "f1": 0.92},
    ]
    path = tmp_path / "sets.json"
    path.write_text(json.dumps(records))
    out = tmp_path / "report"
    assert main(["report", str(path), "--output", str(out)]) == 0
    assert "4 source-set results, 1 corpora" in capsys.readouterr().out
    assert (out / "f1_vs_source_set_europarl-ner.png").stat().st_size > 1000
    rows = list(csv.DictReader((out / "source_sets.csv").open()))
    assert [(r["sources"], r["method"], r["f1"]) for r in rows][1] == ("en+de", "ilp", "0.890000")
    three = source_set_distances("it", ["en", "de", "es"])
    assert rows[2]["diversity"] == f"{three['diversity']:.3f}" and float(rows[0]["diversity"]) == 0.0
    assert three["nearest"] == source_set_distances("it", ["es"])["nearest"] <= three["centroid"]
    vectors = [_vector(code, "syntactic") for code in ("eng", "deu", "spa")]
    pairwise = [cosine_distance(vectors[a], vectors[b]) for a, b in ((0, 1), (0, 2), (1, 2))]
    assert three["diversity"] == pytest.approx(sum(pairwise) / 3)
    assert "| Italian (`it`) | en+de+es |  | 94.0 | 92.0 |" in (out / "source_sets.md").read_text()
    records.append(dict(records[0]))
    path.write_text(json.dumps(records))
    assert main(["report", str(path), "--output", str(out)]) == 2
    assert "two results for single on Europarl-NER it from es" in capsys.readouterr().err


def test_report_output_folder_rules_and_inputs_without_results(tmp_path, capsys):
    """--output as the pipelines' --output: never a file, a user's folder only with --overwrite, a user's
    file never replaced, an earlier report rewritten; an input with nothing to report is an error."""
    results = tmp_path / "results.json"
    results.write_text(json.dumps([{"language": code, "method": "m", "dataset": "d", "f1": f1}
                                   for code, f1 in (("yo", 0.5), ("ha", 0.6), ("sw", 0.7))]))
    afile = tmp_path / "afile.txt"
    afile.write_text("mine")
    assert main(["report", str(results), "--output", str(afile)]) == 2
    assert "--output" in (err := capsys.readouterr().err) and "is a file, not a folder" in err
    users = tmp_path / "users"
    users.mkdir()
    (users / "report.md").write_text("MY NOTES")
    assert main(["report", str(results), "--output", str(users)]) == 2
    assert "projner did not write it" in capsys.readouterr().err
    assert main(["report", str(results), "--output", str(users), "--overwrite"]) == 2
    assert "holds files projner did not write (report.md)" in capsys.readouterr().err
    assert [p.name for p in users.iterdir()] == ["report.md"] and (users / "report.md").read_text() == "MY NOTES"
    out = tmp_path / "out"
    assert main(["report", str(results), "--output", str(out)]) == 0
    assert main(["report", str(results), "--output", str(out)]) == 0  # its own folder: rewritten
    header_only = tmp_path / "header.csv"
    header_only.write_text("lang,dataset,pipeline_type,aligner,candidate_selection,overall_f1\n")
    assert main(["report", str(header_only), "--output", str(tmp_path / "none")]) == 2
    assert "header.csv: no results in it" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()
    run_report = tmp_path / "tt.json"
    run_report.write_text(json.dumps({"task": "translate-test", "lang": "yo", "f1": 0.5, "complete": True}))
    assert main(["report", str(run_report), "--output", str(tmp_path / "none")]) == 2
    assert "a translate-test run report (--report)" in capsys.readouterr().err


def test_methods_on_no_dataset_stop_the_report_before_its_folder_is_made(tmp_path, capsys):
    results = tmp_path / "results.json"
    results.write_text(json.dumps(
        [{"language": code, "method": "m", "dataset": "d", "f1": f1} for code, f1 in (("yo", 0.5), ("ha", 0.6))]
        + [{"dataset": "d", "language": "it", "sources": ["es"], "method": "single", "f1": 0.9}]))
    out = tmp_path / "out"
    assert main(["report", str(results), "--output", str(out), "--methods", "nope"]) == 2
    assert "none of --methods is on d; available: m" in capsys.readouterr().err
    assert not out.exists()


def test_an_unknown_source_language_is_a_usage_error_naming_the_option(tmp_path, capsys):
    results = tmp_path / "results.json"
    results.write_text(json.dumps([{"language": "yo", "method": "m", "dataset": "d", "f1": 0.5}]))
    with pytest.raises(SystemExit) as exit_:
        main(["report", str(results), "--output", str(tmp_path / "out"), "--source", "en", "zz"])
    assert exit_.value.code == 2
    assert "argument --source: unknown language code 'zz'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def _fail_midway(*args, **kwargs):
    raise OSError(28, "No space left on device")


def _png_cut_short(self, fname, **kwargs):
    """``Figure.savefig`` that writes a PNG's first bytes, to a path or a stream, and fails."""
    with contextlib.ExitStack() as stack:
        stream = stack.enter_context(open(fname, "wb")) if isinstance(fname, str | os.PathLike) else fname
        stream.write(b"\x89PNG\r\n\x1a\n")
        _fail_midway()


@pytest.mark.parametrize("broken", ["results.csv", "f1_by_language_d.png"])
def test_a_rerun_that_fails_while_writing_a_file_leaves_the_earlier_file_whole(tmp_path, monkeypatch, broken):
    """Each file goes to a temporary sibling and is renamed into place: a rerun that dies in the middle
    of one leaves the earlier report's file as it was, and nothing half-written beside it; published
    files get the umask's permissions."""
    from matplotlib.figure import Figure

    from projner.typology import render

    results = tmp_path / "results.json"
    results.write_text(json.dumps([{"language": code, "method": "m", "dataset": "d", "f1": f1}
                                   for code, f1 in (("yo", 0.5), ("ha", 0.6), ("sw", 0.7))]))
    out = tmp_path / "out"
    mask = os.umask(0o022)
    try:
        assert main(["report", str(results), "--output", str(out)]) == 0
    finally:
        os.umask(mask)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert broken in before and {p.stat().st_mode & 0o777 for p in out.iterdir()} == {0o644}
    if broken.endswith(".csv"):
        monkeypatch.setattr(render, "_fmt", _fail_midway)  # after the header, at the first row's cells
    else:
        monkeypatch.setattr(Figure, "savefig", _png_cut_short)
    with pytest.raises(OSError, match="No space left on device"):
        main(["report", str(results), "--output", str(out)])
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
