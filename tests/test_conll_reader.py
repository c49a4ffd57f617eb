"""The shared CoNLL reader: what it accepts, and each kind of bad input with its message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from projner.builders.conll import (
    ConllError,
    ReadReport,
    UnlabelledFileError,
    read_conll,
)
from projner.builders.parallel import ParallelMismatchError, read_parallel
from projner.labels import MASAKHANER2_LABELS, PANX_LABELS, LabelMap


def write(tmp_path: Path, text: str | bytes, name: str = "data.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_docstart_crlf_bom_and_trailing_blank_lines(tmp_path):
    path = write(tmp_path, "\ufeff-DOCSTART- O\r\n\r\nAda B-PER\r\nsang O\r\n\r\n\r\n-DOCSTART- O\r\n"
                           "\r\nOslo B-LOC\r\n\r\n\r\n\r\n")
    report = ReadReport(str(path))
    sentences = list(read_conll(path, report=report))
    assert [s.tokens for s in sentences] == [["Ada", "sang"], ["Oslo"]]
    assert [s.tags for s in sentences] == [["B-PER", "O"], ["B-LOC"]]
    assert [s.line for s in sentences] == [3, 9]
    assert report.sentences == 2 and report.skipped == []


def test_bom_before_the_first_token_is_not_part_of_it(tmp_path):
    path = write(tmp_path, "\ufeffAda\tB-PER\n")
    assert next(read_conll(path)).tokens == ["Ada"]


@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_a_bom_before_a_docstart_line_leaves_an_untagged_file_untagged(tmp_path, bom):
    """With a byte-order mark, '-DOCSTART- -X- -X- O' was taken for a tagged first word, so an
    untagged --input (or --target) was refused as 'file has no labels; it cannot serve as gold'."""
    from projner.builders.parallel import has_tags
    from projner.processing.corpora import load_sentences

    path = tmp_path / "mine.conll"
    path.write_text(bom + "-DOCSTART- -X- -X- O\n\nOba\nAde\n\nMo\nwa\n", encoding="utf-8")
    assert not has_tags(path)
    assert load_sentences(path, "test").dataset["tokens"] == [["Oba", "Ade"], ["Mo", "wa"]]


def test_tab_separated_tokens_may_hold_spaces(tmp_path):
    path = write(tmp_path, "New York\tB-LOC\nis\tO\n")
    assert next(read_conll(path)).tokens == ["New York", "is"]


def test_tag_outside_the_label_set_names_file_line_and_text(tmp_path):
    path = write(tmp_path, "Ada B-PER\n\nEnglish B-MISC\n")
    with pytest.raises(ConllError) as err:
        list(read_conll(path, labels=MASAKHANER2_LABELS))
    assert (err.value.path, err.value.line, err.value.text) == (str(path), 3, "English B-MISC")
    assert f"{path}, line 3: tag 'B-MISC' is outside the label set" in str(err.value)


def test_label_map_applies_by_name_before_the_label_set_check(tmp_path):
    path = write(tmp_path, "English B-MISC\nday B-DATE\nAda B-PER\n")
    mapped = LabelMap.parse(["MISC=O", "DATE=O"])
    assert next(read_conll(path, labels=PANX_LABELS, label_map=mapped)).tags == ["O", "O", "B-PER"]


def test_tag_that_is_not_iob2(tmp_path):
    path = write(tmp_path, "Ada PERSON\n")
    with pytest.raises(ConllError, match=r"line 1: tag 'PERSON' is not IOB2.*'Ada PERSON'"):
        list(read_conll(path))


def test_wrong_column_count_says_which_column_is_missing(tmp_path):
    path = write(tmp_path, "Ada B-PER\nsang O loudly\n")
    with pytest.raises(ConllError, match=r"line 2: expected 2 columns, found 3: 'sang O loudly'"):
        list(read_conll(path))
    path = write(tmp_path, "Ada B-PER\n O\nsang O\n")  # the form of masakhaner2/xho/train.txt
    with pytest.raises(ConllError, match=r"line 2: expected 2 columns, found 1 \(the token is missing\): ' O'"):
        list(read_conll(path))
    path = write(tmp_path, "Ada B-PER\nsang\n")
    with pytest.raises(ConllError, match=r"found 1 \(the tag is missing\): 'sang'"):
        list(read_conll(path))


def test_empty_token_in_a_tab_separated_line(tmp_path):
    path = write(tmp_path, "Ada\tB-PER\n\tO\n")
    with pytest.raises(ConllError, match=r"line 2: empty token: '\\tO'"):
        list(read_conll(path))


def test_not_utf8_names_line_byte_and_context(tmp_path):
    path = write(tmp_path, "Ada B-PER\n\nZ\xfcrich B-LOC\n".encode("latin-1"))
    with pytest.raises(ConllError) as err:
        list(read_conll(path))
    assert err.value.line == 3
    assert "not UTF-8 (byte 0xfc at column 2)" in str(err.value)
    assert "Z\\xfcrich" in err.value.text


def test_unlabelled_file_is_refused_even_when_lenient(tmp_path):
    path = write(tmp_path, "Khartoum\n,\nSudan\n\nKuna\n")
    for lenient in (False, True):
        with pytest.raises(UnlabelledFileError, match=r"line 1: file has no labels.*'Khartoum'"):
            list(read_conll(path, lenient=lenient))
    assert [s.tokens for s in read_conll(path, labelled=False)] == [["Khartoum", ",", "Sudan"], ["Kuna"]]
    assert next(read_conll(path, labelled=False)).tags is None


def test_one_tagless_first_line_is_a_bad_line_not_an_unlabelled_file(tmp_path):
    path = write(tmp_path, " O\nAda B-PER\n")
    with pytest.raises(ConllError) as err:
        list(read_conll(path))
    assert not isinstance(err.value, UnlabelledFileError)
    assert "the token is missing" in str(err.value)


def test_lenient_reading_counts_every_skip_by_reason(tmp_path):
    text = ("Ada B-PER\n O\nsang O\n\n"          # a tagless line inside a sentence: line skipped
            "bad X-Y\nworse\n\n"                   # every line bad: the sentence is counted empty
            "Oslo B-LOC\n")
    path = write(tmp_path, text)
    report = ReadReport(str(path))
    sentences = list(read_conll(path, lenient=True, report=report))
    assert [s.tokens for s in sentences] == [["Ada", "sang"], ["Oslo"]]
    assert report.sentences == 2
    assert report.counts() == {"expected 2 columns, found 1 (the token is missing)": 1,
                               "tag 'X-Y' is not IOB2 (O, B-TYPE or I-TYPE)": 1,
                               "expected 2 columns, found 1 (the tag is missing)": 1,
                               "empty sentence": 1}
    assert [(s.line, s.text) for s in report.skipped] == [(2, " O"), (5, "bad X-Y"), (6, "worse"), (5, "")]
    assert ReadReport.from_dict(report.to_dict()) == report


def test_lenient_non_utf8_line_is_counted_and_can_empty_a_sentence(tmp_path):
    path = write(tmp_path, b"Ada B-PER\n\n\xff\xfe O\n\nOslo B-LOC\n")
    report = ReadReport(str(path))
    kept = list(read_conll(path, lenient=True, report=report, keep_empty=True))
    assert [s.tokens for s in kept] == [["Ada"], [], ["Oslo"]]
    assert report.counts() == {"not UTF-8": 1, "empty sentence": 1}


def test_token_prefix_of_raw_xtreme_files(tmp_path):
    path = write(tmp_path, "sw:Khartoum\tB-LOC\nsw:a:b\tO\n")
    assert next(read_conll(path, token_prefix="sw:")).tokens == ["Khartoum", "a:b"]
    with pytest.raises(ConllError, match="line 1: token lacks the prefix 'en:'"):
        list(read_conll(path, token_prefix="en:"))


def test_parallel_pairs_and_mismatch(tmp_path):
    src = write(tmp_path, "Ada B-PER\n\nOslo B-LOC\n", "src.txt")
    tgt = write(tmp_path, "Ada\n\nOslo\n", "tgt.txt")
    pairs = list(read_parallel(src, tgt, target_labelled=False))
    assert pairs[1] == {"id": "1", "src_tokens": ["Oslo"], "src_tags": ["B-LOC"],
                        "tgt_tokens": ["Oslo"], "tgt_tags": None}
    short = write(tmp_path, "Ada\n", "short.txt")
    with pytest.raises(ParallelMismatchError, match=r"src.txt has 2 sentences but .*short.txt has 1"):
        list(read_parallel(src, short, target_labelled=False))


def test_parallel_lenient_drops_a_pair_whose_side_is_emptied_and_counts_both(tmp_path):
    src = write(tmp_path, "Ada B-PER\n\nOslo B-LOC\n\nRome B-LOC\n", "src.txt")
    tgt = write(tmp_path, "Ada B-PER\n\nOslo\n\nRoma B-LOC\n", "tgt.txt")
    reports = (ReadReport(str(src)), ReadReport(str(tgt)))
    pairs = list(read_parallel(src, tgt, lenient=True, reports=reports))
    assert [p["id"] for p in pairs] == ["0", "2"]  # ids stay positions: the files still line up
    assert reports[0].counts() == {"aligned sentence in the other file is empty": 1}
    assert reports[1].counts() == {"expected 2 columns, found 1 (the tag is missing)": 1, "empty sentence": 1}
    assert reports[0].sentences == reports[1].sentences == 2


def test_real_files_of_every_rahimi_language_match_an_independent_block_count(shared_data):
    """amh, ibo and kin are not among XTREME's 40 PAN-X configs, so the reader is checked directly."""
    for path in sorted((shared_data / "panx-rahimi").glob("*/*.txt")):
        blocks = [b for b in re.split(r"\n[ \t]*\n", path.read_text(encoding="utf-8")) if b.strip()]
        assert sum(1 for _ in read_conll(path, labels=PANX_LABELS)) == len(blocks), path
