"""Plain-text inputs (links, sentences, extra parallel text) read as UTF-8 lines: a bad byte names
the file, line and column on the command line, and a byte-order mark is no part of the first line."""

from __future__ import annotations

import pytest

from projner.cli import main
from projner.text_lines import NotUtf8Error, numbered_lines

SOURCE = "John B-PER\nlives O\n\nMary B-PER\nsings O\n"


def test_lines_are_numbered_from_one_and_a_byte_order_mark_is_dropped(tmp_path):
    path = tmp_path / "links.txt"
    path.write_bytes("\ufeff0-0 1-1\r\n\n1-0\n".encode())
    assert list(numbered_lines(path)) == [(1, "0-0 1-1\r\n"), (2, "\n"), (3, "1-0\n")]


def test_a_byte_that_is_not_utf8_names_file_line_and_column(tmp_path):
    path = tmp_path / "links.txt"
    path.write_bytes(b"0-0\n0-0 \xe4 1-1\n")
    with pytest.raises(NotUtf8Error, match=r"links\.txt, line 2: not UTF-8 \(byte 0xe4 at column 5\): '0-0 \\xe4 1-1'"):
        list(numbered_lines(path))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_file_is_named_as_such(tmp_path, encoding):
    path = tmp_path / "src.conll"
    path.write_bytes((SOURCE if encoding == "utf-16" else "\ufeff" + SOURCE).encode(encoding))  # one mark each
    with pytest.raises(NotUtf8Error, match=r"src\.conll, line 1: UTF-16 \(it starts with UTF-16's byte-order mark\), "
                                           "not UTF-8: save it as UTF-8: 'John B-PER'"):
        list(numbered_lines(path))


def pair(tmp_path):
    src, tgt = tmp_path / "src.conll", tmp_path / "tgt.conll"
    src.write_text(SOURCE, encoding="utf-8")
    tgt.write_text(SOURCE, encoding="utf-8")
    return src, tgt


@pytest.mark.parametrize("option", ["--alignments", "--extra-parallel"])
def test_every_text_input_of_project_parallel_says_where_it_is_not_utf8(tmp_path, capsys, option):
    src, tgt = pair(tmp_path)
    bad, good = tmp_path / "bad.txt", tmp_path / "good.txt"
    bad.write_bytes(b"0-0 1-1\ncaf\xe9\n")
    good.write_text("cafe\ncafe\n", encoding="utf-8")
    given = [bad] if option == "--alignments" else [good, bad]
    code = main([str(a) for a in ["project-parallel", "--source", src, "--target", tgt, option, *given,
                                  "--output", tmp_path / "out"]])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1, err
    assert f"{bad}, line 2: not UTF-8 (byte 0xe9 at column 4): 'caf\\xe9'" in err


def test_alignments_with_a_byte_order_mark_are_read(tmp_path, capsys):
    src, tgt = pair(tmp_path)
    links = tmp_path / "links.txt"
    links.write_bytes("\ufeff0-0 1-1\n0-0 1-1\n".encode())
    assert main([str(a) for a in ["project-parallel", "--source", src, "--target", tgt, "--alignments", links,
                                  "--output", tmp_path / "out", "--report", tmp_path / "r.json"]]) == 0
    assert '"f1": 1.0' in (tmp_path / "r.json").read_text()


def test_aer_names_the_gold_file_that_is_not_utf8(tmp_path, capsys):
    gold, pred = tmp_path / "gold.txt", tmp_path / "pred.txt"
    gold.write_bytes(b"0-0 1-1\n0\xe4-1\n")
    pred.write_text("0-0\n0-1\n", encoding="utf-8")
    assert main(["aer", "--gold", str(gold), "--pred", str(pred)]) == 2
    assert f"{gold}, line 2: not UTF-8 (byte 0xe4 at column 2)" in capsys.readouterr().err
