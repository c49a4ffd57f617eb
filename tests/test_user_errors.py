"""The mistakes a new user makes, as the user meets them on the command line: each is one line on
stderr and exit code 2, leaves no output or report behind, and leaves the user's files as they were;
or, where the input is usable, it is repaired or warned about and counted in the report."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from projner.cli import main

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
    code = main([str(a) for a in argv])
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
