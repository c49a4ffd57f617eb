"""The mistakes a new user makes, as the user meets them on the command line: each is one line on
stderr and exit code 2, leaves no output or report behind, and leaves the user's files as they were;
or, where the input is usable, it is repaired or warned about and counted in the report."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import datasets
import pytest

from projner.cli import main

datasets.disable_progress_bars()

SOURCE = """John B-PER
lives O
in O
Paris B-LOC
. O

Acme B-ORG
hired O
Mary B-PER
Smith I-PER
. O

Berlin B-LOC
and O
Paris B-LOC
. O
"""
TARGET = SOURCE.replace("lives", "wohnt").replace("in O", "in O").replace("hired", "stellte")


def write_pair(folder: Path, source: str = SOURCE, target: str = TARGET) -> tuple[Path, Path, Path]:
    """Two sentence-aligned CoNLL files and identity links (the sentences have equal lengths)."""
    folder.mkdir(parents=True, exist_ok=True)
    src, tgt, links = folder / "src.conll", folder / "tgt.conll", folder / "links.txt"
    src.write_text(source, encoding="utf-8")
    tgt.write_text(target, encoding="utf-8")
    sentences = [block.splitlines() for block in source.strip().split("\n\n")] if source.strip() else []
    links.write_text("".join(" ".join(f"{i}-{i}" for i in range(len(s))) + "\n" for s in sentences),
                     encoding="utf-8")
    return src, tgt, links


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and a hash of its bytes: what 'untouched' is checked against."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """The command as the shell runs it: argparse's usage errors exit through SystemExit."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exit_:
        code = exit_.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_user_error(code: int, err: str, *fragments: str) -> None:
    """Exit 2 and exactly one line on stderr, holding every fragment."""
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1, err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def project(tmp_path: Path, *extra: object, source: str = SOURCE, target: str = TARGET) -> list[object]:
    src, tgt, links = write_pair(tmp_path / "in", source, target)
    return ["project-parallel", "--source", src, "--target", tgt, "--alignments", links,
            "--output", tmp_path / "out", "--report", tmp_path / "report.json", *extra]


# --- label maps ---------------------------------------------------------------------------------


@pytest.mark.parametrize("entry, said", [
    ("MISC=O=X", "label map entry 'MISC=O=X' is not of the form TYPE=NEW with one '='"),
    ("B-LOC=O", "names a tag"),
])
def test_a_malformed_label_map_entry_is_one_line_and_nothing_is_written(tmp_path, capsys, entry, said):
    argv = project(tmp_path, "--label-map", entry)
    before = snapshot(tmp_path / "in")
    code, _, err = run(argv, capsys)
    assert_user_error(code, err, "projner project-parallel: error:", said)
    assert not (tmp_path / "out").exists() and not (tmp_path / "report.json").exists()
    assert snapshot(tmp_path / "in") == before


def test_a_label_map_type_absent_from_the_data_warns_naming_the_types_present(tmp_path, capsys):
    code, _, err = run(project(tmp_path, "--label-map", "misc=O"), capsys)
    assert code == 0
    assert ("warning: label map entry misc=O: " in err and "has no entity type misc (types present: "
            "LOC, ORG, PER)" in err.replace("PER, LOC, ORG", "LOC, ORG, PER"))


def test_a_label_map_type_absent_from_both_files_is_said_of_each(tmp_path, capsys):
    code, _, err = run(project(tmp_path, "--label-map", "FOO=PER"), capsys)
    assert code == 0
    assert (f"label map entry FOO=PER: each of {tmp_path / 'in' / 'src.conll'} and "
            f"{tmp_path / 'in' / 'tgt.conll'} has no entity type FOO") in err


def test_with_strict_an_absent_label_map_type_is_an_error(tmp_path, capsys):
    code, _, err = run(project(tmp_path, "--label-map", "FOO=O", "--strict"), capsys)
    assert_user_error(code, err, "has no entity type FOO")
    assert not (tmp_path / "out").exists() and not (tmp_path / "report.json").exists()


def test_a_label_map_swap_projects_and_publishes_the_swapped_types(tmp_path, capsys):
    code, _, err = run(project(tmp_path, "--label-map", "LOC=PER", "PER=LOC"), capsys)
    assert code == 0, err
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["f1"] == 1.0 and report["label_map"] == ["LOC=PER", "PER=LOC"]
    provenance = json.loads((tmp_path / "out" / "default" / "provenance.json").read_text())
    assert provenance["label_map"] == ["LOC=PER", "PER=LOC"]
    import pyarrow.parquet as pq

    table = pq.read_table(next((tmp_path / "out" / "default").glob("train-*.parquet")))
    assert table.column("src_tags").to_pylist()[0] == ["B-LOC", "O", "O", "B-PER", "O"]


# --- tag sets -----------------------------------------------------------------------------------


def test_a_tag_typo_is_reported_as_a_rare_type(tmp_path, capsys):
    typo = SOURCE.replace("Mary B-PER", "Mary B-PRE")
    code, _, err = run(project(tmp_path, source=typo), capsys)
    assert code == 0
    assert "src.conll: entity type PRE occurs 1 time(s); a tag typo?" in err
    assert "src.conll: entity type PRE is not in" in err
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["rare_types"]["source"] == ["ORG", "PER", "PRE"] and report["source_only_types"] == ["PRE"]


def test_a_rare_type_the_label_map_drops_is_not_warned_about(tmp_path, capsys):
    typo = SOURCE.replace("Mary B-PER", "Mary B-PRE")
    code, _, err = run(project(tmp_path, "--label-map", "PRE=O", source=typo), capsys)
    assert code == 0
    assert "PRE" not in err and "src.conll: entity type ORG occurs 1 time(s); a tag typo?" in err


def test_labels_restricts_the_tag_set_and_names_the_line_of_any_other(tmp_path, capsys):
    typo = SOURCE.replace("Mary B-PER", "Mary B-PRE")
    argv = project(tmp_path, "--labels", "PER,ORG,LOC", source=typo)
    before = snapshot(tmp_path / "in")
    code, _, err = run(argv, capsys)
    assert_user_error(code, err, "src.conll, line 9: tag 'B-PRE' is outside the label set")
    assert not (tmp_path / "out").exists() and not (tmp_path / "report.json").exists()
    assert snapshot(tmp_path / "in") == before


def test_an_i_tag_starting_an_entity_is_read_as_b_and_counted(tmp_path, capsys):
    iob1 = SOURCE.replace("Acme B-ORG", "Acme I-ORG")
    code, _, err = run(project(tmp_path, source=iob1, target=TARGET), capsys)
    assert code == 0
    assert "I-X starting an entity read as B-X: 1 in" in err
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["iob2_repaired"] == {"source": 1, "target": 0}
    assert report["f1"] == 1.0  # the repaired ORG is scored, not lost to seqeval's strict mode


def test_a_bioes_tag_stays_an_error(tmp_path, capsys):
    code, _, err = run(project(tmp_path, source=SOURCE.replace("Paris B-LOC\n.", "Paris S-LOC\n.", 1)), capsys)
    assert_user_error(code, err, "src.conll, line 4: tag 'S-LOC' is not IOB2")


# --- empty inputs -------------------------------------------------------------------------------


def test_empty_source_and_target_files_are_an_error_not_an_unloadable_folder(tmp_path, capsys):
    code, _, err = run(project(tmp_path, source="", target=""), capsys)
    assert_user_error(code, err, "no sentences in ", "src.conll")
    assert not (tmp_path / "out").exists() and not (tmp_path / "report.json").exists()


@pytest.mark.parametrize("text", ["", "\n\n  \n"])
def test_translate_train_says_an_empty_source_file_has_no_sentences(tmp_path, capsys, text):
    source = tmp_path / "src.conll"
    source.write_text(text, encoding="utf-8")
    code, _, err = run(["translate-train", "--source", source, "--source-lang", "en", "--lang", "hau",
                        "--output", tmp_path / "out"], capsys)
    assert_user_error(code, err, f"no sentences in {source}")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("option", ["--source", "--target", "--alignments"])
def test_a_missing_input_file_is_a_usage_error_naming_its_option(tmp_path, capsys, option):
    argv = project(tmp_path)
    argv[argv.index(option) + 1] = tmp_path / "nosuch.conll"
    code, _, err = run(argv, capsys)
    assert_user_error(code, err, f"argument {option}: {tmp_path / 'nosuch.conll'}: no such file")
    assert not (tmp_path / "out").exists()


def test_a_folder_given_as_the_input_file_is_a_usage_error(tmp_path, capsys):
    code, _, err = run(["translate-test", "--input", tmp_path, "--lang", "yo", "--output", tmp_path / "out"], capsys)
    assert_user_error(code, err, f"argument --input: {tmp_path}: is a folder, not a file")


# --- outputs ------------------------------------------------------------------------------------


def test_an_output_folder_holding_the_users_readme_is_refused_before_any_work(tmp_path, capsys):
    argv = project(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "README.md").write_text("# My project\n\nMy own notes.\n")
    before = snapshot(tmp_path)
    code, out, err = run(argv, capsys)
    assert_user_error(code, err, "README.md was not written by projner and is never replaced")
    assert out == "" and snapshot(tmp_path) == before and not (tmp_path / "report.json").exists()


def test_an_output_folder_projner_did_not_write_needs_overwrite_and_keeps_the_users_files(tmp_path, capsys):
    argv = project(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine\n")
    code, _, err = run(argv, capsys)
    assert_user_error(code, err, "the folder exists and projner did not write it", "--overwrite")
    assert not (tmp_path / "report.json").exists()
    code, _, err = run([*argv, "--overwrite"], capsys)
    assert code == 0, err
    assert (tmp_path / "out" / "notes.txt").read_text() == "mine\n"
    assert (tmp_path / "out" / "default" / "provenance.json").is_file()


def test_an_output_that_is_a_file_is_refused_before_any_work(tmp_path, capsys):
    argv = project(tmp_path)
    (tmp_path / "out").write_text("a file of mine\n")
    code, out, err = run(argv, capsys)
    assert_user_error(code, err, "--output", "is a file, not a folder")
    assert out == "" and (tmp_path / "out").read_text() == "a file of mine\n"
    assert not (tmp_path / "report.json").exists()


@pytest.mark.parametrize("where", ["proc", "read-only"])
def test_an_output_in_a_folder_that_cannot_be_written_is_refused_before_any_work(tmp_path, capsys, where):
    if where == "proc":
        output = Path("/proc/projner-out")
        if not Path("/proc").is_dir():
            pytest.skip("no /proc on this system")
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders; /proc covers this case")
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        output = locked / "out"
    argv = project(tmp_path)
    argv[argv.index("--output") + 1] = output
    code, out, err = run(argv, capsys)
    assert_user_error(code, err, f"--output {output}: cannot write in")
    assert out == "" and not output.exists() and not (tmp_path / "report.json").exists()


def test_a_report_projner_did_not_write_is_not_replaced(tmp_path, capsys):
    argv = project(tmp_path)
    (tmp_path / "report.json").write_text("my notes\n")
    code, _, err = run(argv, capsys)
    assert_user_error(code, err, "--report", "the file exists and projner did not write it")
    assert (tmp_path / "report.json").read_text() == "my notes\n" and not (tmp_path / "out").exists()


def test_the_report_is_written_last_and_says_complete_and_a_rerun_may_replace_it(tmp_path, capsys):
    argv = project(tmp_path)
    assert run(argv, capsys)[0] == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["complete"] is True
    assert (tmp_path / "report.json").stat().st_mtime_ns >= max(
        p.stat().st_mtime_ns for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert run(argv, capsys)[0] == 0  # projner's own folder and report: replaced without --overwrite


def test_a_failure_while_writing_leaves_no_output_and_no_report(tmp_path, capsys, monkeypatch):
    from projner.dataset_cards import export

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "_write_shards", disk_full)
    code, _, err = run(project(tmp_path), capsys)
    warned, failed = err.strip().splitlines()[:-1], err.strip().splitlines()[-1:]
    assert all(": warning: " in line for line in warned)  # what reading the files found, said before
    assert_user_error(code, "\n".join(failed), "No space left on device")
    assert not (tmp_path / "out").exists() and not (tmp_path / "report.json").exists()
    assert not any(p.name.startswith(".projner-tmp") for p in tmp_path.iterdir())


def test_align_output_that_is_a_folder_is_refused_before_any_work(tmp_path, capsys):
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("a b ||| c d\n", encoding="utf-8")
    (tmp_path / "links").mkdir()
    code, out, err = run(["align", "--input", pairs, "--output", tmp_path / "links", "--model", tmp_path / "none"],
                         capsys)
    assert_user_error(code, err, f"--output {tmp_path / 'links'}: is a folder; give a file name")
    assert out == "" and list((tmp_path / "links").iterdir()) == []


# --- pipelines: names, values and models checked before anything loads ---------------------------------------


@pytest.mark.parametrize("options, said", [
    (["--lang", "de"], "MasakhaNER 2.0 has no German (de) config; its languages: "),
    (["--lang", "yorr"], "unknown language code 'yorr'; close matches: yor"),
    (["--lang", "yo", "--limit", "0"], "argument --limit: 0 is not at least 1"),
    (["--lang", "yo", "--limit", "-3"], "argument --limit: -3 is not at least 1"),
    (["--lang", "yo", "--ner-batch-size", "0"], "argument --ner-batch-size: 0 is not at least 1"),
    (["--lang", "yo", "--translate-batch-size", "-1"], "argument --translate-batch-size: -1 is not at least 1"),
    (["--lang", "yo", "--num-beams", "0"], "argument --num-beams: 0 is not at least 1"),
    (["--lang", "yo", "--max-new-tokens", "0"], "argument --max-new-tokens: 0 is not at least 1"),
    (["--lang", "yo", "--ner-model", "./no/such/model"], "--ner-model ./no/such/model: no such folder"),
])
@pytest.mark.parametrize("command", ["model-transfer", "translate-test"])
def test_pipeline_mistakes_are_one_line_before_any_model_loads(tmp_path, capsys, command, options, said):
    code, out, err = run([command, "--dataset", "masakhaner2", "--data-dir", tmp_path / "no-data", *options,
                          "--output", tmp_path / "out", "--report", tmp_path / "report.json"], capsys)
    assert_user_error(code, err, f"projner {command}: error: ", said)
    assert out == "" and not (tmp_path / "out").exists() and not (tmp_path / "report.json").exists()


def test_an_align_batch_size_below_one_is_a_usage_error(tmp_path, capsys):
    code, out, err = run(["translate-test", "--dataset", "masakhaner2", "--data-dir", tmp_path / "no-data",
                          "--lang", "yo", "--align-batch-size", "0", "--output", tmp_path / "out"], capsys)
    assert_user_error(code, err, "projner translate-test: error: argument --align-batch-size: 0 is not at least 1")
    assert out == "" and not (tmp_path / "out").exists()


def test_translate_train_without_a_source_says_conll2003_needs_its_folder(tmp_path, capsys):
    code, _, err = run(["translate-train", "--lang", "hau", "--output", tmp_path / "out"], capsys)
    assert_user_error(code, err, "--source conll2003 reads a local copy", "--data-dir", "--source-lang")


def test_translate_train_refuses_a_language_nllb_does_not_cover_before_reading_the_source(tmp_path, capsys):
    code, _, err = run(["translate-train", "--lang", "bbj", "--data-dir", tmp_path / "no-data",
                        "--output", tmp_path / "out"], capsys)
    assert_user_error(code, err, "NLLB-200 has no code for Ghomala (bbj)")
    assert not (tmp_path / "out").exists()


# --- align ----------------------------------------------------------------------------------------


def test_align_names_the_line_that_is_not_utf8_and_writes_nothing(tmp_path, capsys):
    pairs = tmp_path / "pairs.txt"
    pairs.write_bytes(b"a b ||| c d\n" + "Z\xfcrich ||| Zurich\n".encode("latin-1"))
    code, _, err = run(["align", "--input", pairs, "--output", tmp_path / "links.txt", "--aligner", "eflomal"], capsys)
    assert_user_error(code, err, f"{pairs}, line 2: not UTF-8 (byte 0xfc at column 2)")
    assert not (tmp_path / "links.txt").exists()


def test_align_refuses_an_empty_input(tmp_path, capsys):
    (tmp_path / "pairs.txt").write_text("")
    code, _, err = run(["align", "--input", tmp_path / "pairs.txt", "--output", tmp_path / "links.txt",
                        "--aligner", "eflomal"], capsys)
    assert_user_error(code, err, "no sentence pairs in ")
    assert not (tmp_path / "links.txt").exists()


# --- the official corpora with defaults -----------------------------------------------------------


@pytest.mark.slow
def test_masakhaner2_xho_train_runs_with_defaults_its_known_defect_counted(tiny_models, shared_data, tmp_path,
                                                                             capsys):
    code, _, err = run(["model-transfer", "--dataset", "masakhaner2", "--lang", "xho", "--split", "train",
                        "--data-dir", shared_data / "masakhaner2", "--limit", "2",
                        "--ner-model", tiny_models["ner"], "--cache-dir", tmp_path / "cache",
                        "--report", tmp_path / "report.json"], capsys)
    assert code == 0, err
    assert "projner model-transfer: warning: " in err and "xho/train.txt: 2 line(s) with a tag but no token" in err
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["input_skipped"] == {"tag without a token (known defect, line skipped)": 2}
    assert report["sentences"] == 2 and report["complete"] is True


def test_a_ner_label_map_naming_a_type_the_model_lacks_warns_with_the_models_types(tiny_models):
    from projner.labels import LabelMapWarning
    from projner.processing.stages.tagging import Label, LabelConfig

    stage = Label(LabelConfig(label_map=("MISC=O", "PERSON=PER"), model=str(tiny_models["ner"])))
    with pytest.warns(LabelMapWarning, match=r"label map entry PERSON=PER: the NER model .* has no entity type "
                                             r"PERSON \(types present: LOC, MISC, ORG, PER\)"):
        stage.label_mapping()


@pytest.mark.parametrize("command", ["model-transfer", "project-parallel"])
def test_a_cache_dir_that_is_a_file_names_the_option(tmp_path, capsys, command):
    afile = tmp_path / "afile"
    afile.write_text("x")
    argv = (project(tmp_path, "--cache-dir", afile) if command == "project-parallel" else
            ["model-transfer", "--input", write_pair(tmp_path / "in", SOURCE, TARGET)[1], "--lang", "yo",
             "--ner-model", tmp_path, "--cache-dir", afile, "--output", tmp_path / "out"])
    code, _, err = run(argv, capsys)
    assert_user_error(code, err, f"--cache-dir {afile}: is a file, not a folder")
    assert not (tmp_path / "out").exists()


def test_an_empty_gold_split_is_an_error_naming_its_file(fixtures, tmp_path, capsys):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(fixtures / "masakhaner2", data)
    (data / "yor" / "test.txt").write_text("\n")
    code, _, err = run(["model-transfer", "--dataset", "masakhaner2", "--lang", "yo", "--data-dir", data,
                        "--cache-dir", tmp_path / "cache", "--output", tmp_path / "out",
                        "--report", tmp_path / "report.json"], capsys)
    assert_user_error(code, err, f"no sentences in {data / 'yor' / 'test.txt'}")
    assert not (tmp_path / "out").exists() and not (tmp_path / "report.json").exists()


@pytest.mark.slow
def test_with_strict_the_known_defect_is_an_error_naming_its_line(shared_data, tmp_path, capsys):
    code, _, err = run(["model-transfer", "--dataset", "masakhaner2", "--lang", "xho", "--split", "train",
                        "--data-dir", shared_data / "masakhaner2", "--strict", "--cache-dir", tmp_path / "cache",
                        "--report", tmp_path / "report.json"], capsys)
    assert_user_error(code, err, "xho/train.txt, line 44520: expected 2 columns, found 1 (the token is missing)")
    assert not (tmp_path / "report.json").exists()


def test_with_strict_a_ner_label_map_type_the_model_lacks_is_an_error(tiny_models, fixtures, tmp_path, capsys):
    code, _, err = run(["model-transfer", "--dataset", "masakhaner2", "--lang", "yo", "--limit", "1",
                        "--data-dir", fixtures / "masakhaner2", "--ner-model", tiny_models["ner"],
                        "--ner-label-map", "MISC=O", "PERSON=PER", "--strict", "--cache-dir", tmp_path / "cache",
                        "--output", tmp_path / "out"], capsys)
    said = "\n".join(line for line in err.splitlines() if line.startswith("projner "))  # not transformers' bars
    assert_user_error(code, said, "label map entry PERSON=PER: the NER model", "has no entity type PERSON")
    assert not (tmp_path / "out").exists()


def test_debug_shows_the_traceback_of_a_user_error(tmp_path, capsys):
    from projner.errors import UserError

    (tmp_path / "pairs.txt").write_text("")
    argv = ["align", "--input", tmp_path / "pairs.txt", "--output", tmp_path / "links.txt", "--aligner", "eflomal"]
    with pytest.raises(UserError, match="no sentence pairs in"):
        main([str(a) for a in [*argv, "--debug"]])
    with pytest.raises(UserError, match="no sentence pairs in"):
        main(["--debug", *(str(a) for a in argv)])
    assert run(argv, capsys)[0] == 2


def test_ctrl_c_is_one_line_and_exit_130_not_a_traceback(tmp_path, capsys, monkeypatch):
    import projner.commands.project_parallel as command

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "run", interrupted)
    code, _, err = run(project(tmp_path), capsys)
    said = ("projner project-parallel: interrupted; nothing unfinished was published, and a rerun reuses the "
            "stages the cache holds")
    assert code == 130 and err.strip().splitlines() == [said]


@pytest.mark.parametrize("device, said", [
    ("cuda", "device 'cuda': this torch sees no CUDA device; use cpu or auto"),
    ("cuda:7", "device 'cuda:7': this torch sees no CUDA device"),
    ("bogus", "device 'bogus' is not one of auto, cpu, cuda, cuda:N, mps"),
])
def test_a_device_the_machine_cannot_serve_is_a_usage_error_before_any_work(tmp_path, capsys, monkeypatch,
                                                                             device, said):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    source = tmp_path / "in.conll"
    source.write_text(SOURCE, encoding="utf-8")
    code, _, err = run(["translate-test", "--input", source, "--lang", "yo", "--device", device,
                        "--output", tmp_path / "out"], capsys)
    assert_user_error(code, err, f"argument --device: {said}")


def test_a_cuda_index_past_the_devices_present_is_refused(monkeypatch):
    import torch

    from projner.processing.runtime import check_device

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert check_device("cuda:1") == "cuda:1"
    with pytest.raises(ValueError, match=r"there are 2 CUDA device\(s\), cuda:0 to cuda:1"):
        check_device("cuda:2")


@pytest.mark.parametrize("command", ["model-transfer", "translate-test"])
def test_a_conll_file_named_txt_is_refused_not_read_as_a_sentence_a_line(tmp_path, capsys, command):
    """MasakhaNER's own files are test.txt: as --input each 'word TAG' line became a two-word
    sentence ('Paris', 'B-LOC'), labelled, published and left unscored without a word."""
    given = tmp_path / "test.txt"
    given.write_text("-DOCSTART- O\n\n" + SOURCE, encoding="utf-8")
    code, out, err = run([command, "--input", given, "--lang", "yo", "--ner-model", tmp_path,
                          "--output", tmp_path / "out"], capsys)
    assert_user_error(code, err, f"{given}: every line is a word and a tag ('John B-PER', line 3)",
                      "a CoNLL file", ".conll")
    assert out == "" and not (tmp_path / "out").exists()


def test_a_txt_file_of_sentences_is_still_read_a_sentence_a_line(tmp_path):
    from projner.processing.corpora import load_sentences

    given = tmp_path / "mine.txt"
    given.write_text("Ọba O\nMo wà ní Ìbàdàn\n\n", encoding="utf-8")
    read = load_sentences(given, "test")
    assert read.dataset["tokens"] == [["Ọba", "O"], ["Mo", "wà", "ní", "Ìbàdàn"]]
    assert read.skipped == {"empty line": 1}


@pytest.mark.parametrize("argv, dest, expected", [
    (["project-parallel", "--target", "{t}", "--output", "o", "--source", "{s}", "--source", "{t}",
      "--alignments", "{l}", "--alignments", "{l}", "--source-lang", "en", "--source-lang", "de"],
     ("source", "alignments", "source_lang"), (["{s}", "{t}"], ["{l}", "{l}"], ["en", "de"])),
    (["project-parallel", "--source", "{s}", "--target", "{t}", "--output", "o",
      "--label-map", "MISC=O", "--label-map", "LOC=PER"], ("label_map",), (["MISC=O", "LOC=PER"],)),
    (["translate-train", "--lang", "hau", "--source", "{s}", "--source", "{t}", "--source-lang", "en", "de",
      "--source-label-map", "MISC=O", "--source-label-map", "LOC=PER", "--ner-label-map", "MISC=O",
      "--ner-label-map", "PER=O"], ("source", "source_lang", "source_label_map", "ner_label_map"),
     (["{s}", "{t}"], ["en", "de"], ["MISC=O", "LOC=PER"], ["MISC=O", "PER=O"])),
    (["translate-train", "--lang", "hau", "--source-label-map", "LOC=PER"], ("source", "source_label_map"),
     (["conll2003"], ["LOC=PER"])),
    (["model-transfer", "--input", "{t}", "--lang", "yo", "--ner-label-map"], ("ner_label_map",), ([],)),
    (["report", "r.csv", "--output", "o", "--source", "en", "--source", "fr", "--methods", "a",
      "--methods", "b"], ("source", "methods"), (["en", "fr"], ["a", "b"])),
])
def test_a_list_option_given_twice_keeps_both_lists(tmp_path, argv, dest, expected):
    """argparse kept only the last list of a repeated option: '--source a.conll --source b.conll'
    projected b alone, '--label-map MISC=O --label-map DATE=O' kept MISC; every given value counts
    now, and the first occurrence replaces the default."""
    from projner.cli import build_parser

    src, tgt, links = write_pair(tmp_path)
    fill = lambda text: text.format(s=src, t=tgt, l=links)
    args = build_parser().parse_args([fill(a) for a in argv])
    for name, values in zip(dest, expected, strict=True):
        got = [str(v) for v in getattr(args, name)]
        assert got == [fill(v) for v in values], name


def test_a_report_that_is_an_input_file_is_refused_even_with_overwrite(tmp_path, capsys):
    """--overwrite (given for the --output folder) let --report replace the run's own --source."""
    argv = project(tmp_path, "--overwrite")
    source = argv[argv.index("--source") + 1]
    argv[argv.index("--report") + 1] = source.parent / "." / source.name
    code, _, err = run(argv, capsys)
    assert_user_error(code, err, f"--report {source.parent / '.' / source.name}: is the input file {source}")
    assert source.read_text(encoding="utf-8") == SOURCE and not (tmp_path / "out").exists()


def test_align_output_that_is_its_input_is_refused_even_with_overwrite(tmp_path, capsys):
    pairs = tmp_path / "pairs.txt"
    pairs.write_text("a b ||| c d\n", encoding="utf-8")
    code, _, err = run(["align", "--input", pairs, "--output", pairs, "--overwrite", "--aligner", "eflomal"],
                         capsys)
    assert_user_error(code, err, f"--output {pairs}: is the input file {pairs}")
    assert pairs.read_text(encoding="utf-8") == "a b ||| c d\n"
