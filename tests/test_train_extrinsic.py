"""The extrinsic benchmark's harness: pairing translations with English by the map, end to end."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "extrinsic_nllb.py"
spec = importlib.util.spec_from_file_location("extrinsic_nllb", BENCHMARK)
extrinsic = importlib.util.module_from_spec(spec)
sys.modules["extrinsic_nllb"] = extrinsic
spec.loader.exec_module(extrinsic)

# made-up translations of the made-up English fixture (tests/fixtures/conll2003): sentence 2 is
# "English weather was mild .", sentence 0 "Ada Lovelace visited Paris ."
SILVER = ("Yanayin O\nIngila O\nya O\nyi O\ndadi O\n.\tO\n\n"
          "Wani O\nabu O\n\n"
          "Ada B-PER\nLovelace I-PER\nta O\nziyarci O\nParis B-LOC\n. O\n\n")


@pytest.fixture
def data_dir(tmp_path, fixtures):
    root = tmp_path / "data"
    shutil.copytree(fixtures / "conll2003", root / "conll2003-en")
    (root / "tprojection-silver" / "map").mkdir(parents=True)
    (root / "tprojection-silver" / "xx.train.txt").write_text(SILVER, encoding="utf-8")
    (root / "tprojection-silver" / "map" / "xx.json").write_text(json.dumps([2, None, 0]))
    (root / "tprojection-silver" / "yy.train.txt").write_text(SILVER, encoding="utf-8")  # no map: not run
    (root / "masakhaner2" / "xx").mkdir(parents=True)
    (root / "masakhaner2" / "xx" / "test.txt").write_text(
        "Ada B-PER\nta O\nziyarci O\nParis B-LOC\nranar O\nLitinin B-DATE\n\n", encoding="utf-8")
    return root


def test_pairs_follow_the_map_and_null_entries_are_counted(data_dir):
    assert extrinsic.languages_in(data_dir) == ["xx"]
    pairs, stats = extrinsic.load_pairs(data_dir, "xx")
    assert [p.english_index for p in pairs] == [2, 0]
    assert pairs[0].src_words == ["English", "weather", "was", "mild", "."]
    assert pairs[0].src_tags == ["O"] * 5  # MISC → O
    assert pairs[1].tgt_words[:2] == ["Ada", "Lovelace"] and pairs[1].tprojection_tags[0] == "B-PER"
    assert stats["pairs"] == 2 and stats["silver_sentences"] == 3
    assert stats["skipped"] == {"null map entry": 1} and stats["same_entity_count"] == 1.0


def test_a_map_that_does_not_fit_is_an_error_naming_it(data_dir):
    map_path = data_dir / "tprojection-silver" / "map" / "xx.json"
    map_path.write_text(json.dumps([2, None, 7]))
    with pytest.raises(ValueError, match=r"xx\.json, entry 2: 7 is not an English sentence index"):
        extrinsic.load_pairs(data_dir, "xx")
    map_path.write_text(json.dumps([2, 0]))
    with pytest.raises(ValueError, match="2 entries but .* has 3 sentences"):
        extrinsic.load_pairs(data_dir, "xx")
    with pytest.raises(FileNotFoundError, match="zz.train.txt: missing"):
        extrinsic.load_pairs(data_dir, "zz")


def test_benchmark_runs_end_to_end_and_writes_its_report(data_dir, tmp_path, capsys):
    report = tmp_path / "report.json"
    assert extrinsic.main(["--lang", "all", "--data-dir", str(data_dir), "--report", str(report),
                           "--cache-dir", str(tmp_path / "cache"), "--eflomal-runs", "1"]) == 0
    result = json.loads(report.read_text())
    assert result["lang"] == "xx" and result["pairs"] == 2
    (run,) = result["runs"]
    assert result["sentences"] == run["sentences"] == 2 - sum(run["dropped"].values())
    for key in ("projner_f1", "tprojection_f1", "agreement_f1"):
        assert 0.0 <= result[key] <= 1.0 and result[key] == run[key]
    (training,) = run["trainings"]
    assert result["difference"] == training["projner"]["f1"] - training["tprojection"]["f1"]
    assert "DATE" not in training["tprojection"]["per_type"]
    assert len(list((tmp_path / "cache").glob("xx.run0.*.links"))) == 1
    assert "xx " in capsys.readouterr().out
    again = tmp_path / "again.json"
    extrinsic.main(["--lang", "xx", "--data-dir", str(data_dir), "--report", str(again),
                    "--cache-dir", str(tmp_path / "cache"), "--eflomal-runs", "1", "--keep-unprojected"])
    repeat = json.loads(again.read_text())
    assert repeat["runs"][0]["alignments_cached"] is True
    assert repeat["sentences"] == 2 and repeat["keep_unprojected"] is True
    # T-Projection's silver holds the test sentence's names: the CRF trained on it finds some
    assert repeat["tprojection_f1"] > 0.0
    assert repeat["runs"][0]["trainings"][0]["tprojection"]["per_type"]["PER"]["support"] == 1


def test_elisions_split_in_three_are_glued():
    words, tags, glued = extrinsic.rejoin_apostrophe_splits(
        ["n", "'", "ime", "n", '"', "ụlọ", "O", "'", "Neal", "kwuru", '"', "Ọ", "dị", "'"],
        ["O", "O", "O", "O", "O", "O", "B-PER", "I-PER", "I-PER", "O", "O", "O", "O", "O"])
    assert words == ["n'ime", "n'ụlọ", "O'Neal", "kwuru", '"', "Ọ", "dị", "'"]
    assert tags == ["O", "O", "B-PER", "O", "O", "O", "O", "O"] and glued == 6
    words, tags, _ = extrinsic.rejoin_apostrophe_splits(["na", "O", "'", "Neal"], ["O", "O", "O", "B-PER"])
    assert words == ["na", "O'Neal"] and tags == ["O", "B-PER"]


def test_apostrophe_split_words_are_glued_and_keep_their_entity():
    words, tags, glued = extrinsic.rejoin_apostrophe_splits(
        ["reshen", "Jam", "'iyyar", "Socialist", "ma", "'aikatar", "ra", "'ayin", "'", "Kano", "'"],
        ["O", "B-ORG", "I-ORG", "I-ORG", "O", "B-ORG", "O", "O", "O", "B-LOC", "O"])
    assert words == ["reshen", "Jam'iyyar", "Socialist", "ma'aikatar", "ra'ayin", "'", "Kano", "'"]
    assert tags == ["O", "B-ORG", "I-ORG", "B-ORG", "O", "O", "B-LOC", "O"]
    assert glued == 3


def test_paired_subsamples_are_seeded_and_shared():
    kept = list(range(0, 200, 2))
    first, second = extrinsic.training_subsets(kept, 2), extrinsic.training_subsets(kept, 2)
    assert first == second and first[0] != first[1]
    assert all(len(s) == 90 and set(s) <= set(kept) for s in first)
    assert extrinsic.training_subsets(kept, 0) == [tuple(kept)]


def test_prefixed_names_are_linked_to_their_stem():
    assert [extrinsic.name_stem(w) for w in ("weGermany", "n'Awka", "muHarare", "Germany", "McDonald", "kuona")] == [
        "Germany", "Awka", "Harare", None, None, None]
    source = ["Talks", "with", "Germany", "and", "Harare", "ended"]
    target = ["Hurukuro", "neGermany", "nemuHarrare", "dzapera"]
    entities = [extrinsic.Span(2, 3, "LOC"), extrinsic.Span(4, 5, "LOC")]
    links = extrinsic.prefixed_name_links(source, entities, target, [(0, 0), (2, 3), (5, 3)])
    assert links == [(0, 0), (2, 1), (4, 2), (5, 3)]


def test_misc_spans_take_the_type_their_words_have_elsewhere():
    Span = extrinsic.Span
    words = [["kiran", "Jamus"], ["a", "Jamus"], ["Jamus", "ta"], ["JAMUS", "!"], ["harshen", "Jamusanci"],
             ["Turai", "ORG"]] + [["Turai"]] * 5
    spans = [[Span(1, 2, "MISC")], [Span(1, 2, "LOC")], [Span(0, 1, "LOC")], [Span(0, 1, "LOC")],
             [Span(1, 2, "MISC")], [Span(0, 1, "MISC")]] + [[Span(0, 1, t)] for t in ("LOC", "ORG", "LOC", "ORG", "LOC")]
    out = extrinsic.retype_misc(words, spans)
    assert out[0] == [Span(1, 2, "LOC")]  # Jamus (any case) is LOC 3 times out of 3
    assert out[4] == []  # Jamusanci (the language) is never projected as a name: dropped
    assert out[5] == []  # Turai: LOC 3 times but only 3 of 5: too mixed to decide
    assert out[1:4] == spans[1:4] and out[6:] == spans[6:]


def test_a_prefixed_misc_word_is_typed_by_its_stem():
    Span = extrinsic.Span
    words = [["mauto", "eRussia"], ["kuRussia"], ["Russia"], ["muRussia", "."]]
    spans = [[Span(1, 2, "MISC")], [Span(0, 1, "LOC")], [Span(0, 1, "LOC")], [Span(0, 1, "LOC")]]
    assert extrinsic.retype_misc(words, spans)[0] == [Span(1, 2, "LOC")]
