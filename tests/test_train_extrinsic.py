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


def test_hausa_apostrophe_letters_are_glued_to_their_word():
    words, tags, glued = extrinsic.rejoin_apostrophe_splits(
        ["ga", "'", "yan", "tawaye", "'", "Kano", "'", "ne"], ["O", "O", "B-ORG", "I-ORG", "O", "B-LOC", "O", "O"],
        "bdyBDY")
    assert words == ["ga", "'yan", "tawaye", "'", "Kano", "'", "ne"] and glued == 1
    assert tags == ["O", "B-ORG", "I-ORG", "O", "B-LOC", "O", "O"]
    # a quote before "da" in another language stays a quote
    assert extrinsic.rejoin_apostrophe_splits(["'", "yan"], ["O", "O"])[0] == ["'", "yan"]


def test_projner_silver_comes_from_translate_trains_steps(tmp_path):
    """MISC is projected, retyped where the corpus calls its text a place, else dropped; an
    unprojected MISC never drops a sentence; an unprojected LOC does."""
    Pair = extrinsic.Pair
    pairs = [Pair(k, ["the", "German", "call"], ["O", "O", "O"], ["O", "B-MISC", "O"], ["kiran", "Jamus"], ["O", "O"])
             for k in range(2)]
    pairs += [Pair(2 + k, ["in", "Germany"], ["O", "B-LOC"], ["O", "B-LOC"], ["a", "Jamus"], ["O", "B-LOC"])
              for k in range(3)]
    pairs += [Pair(5, ["German", "Paris"], ["O", "B-LOC"], ["B-MISC", "B-LOC"], ["x"], ["O"])]
    links = [[(1, 1), (2, 0)]] * 2 + [[(0, 0), (1, 1)]] * 3 + [[]]
    method = extrinsic.MethodOptions(aligner="eflomal")
    tags, dropped, stats = extrinsic.project_silver(pairs, links, method, method.projection_config(), tmp_path)
    assert tags[:5] == [["O", "B-LOC"]] * 5
    assert dropped == ["", "", "", "", "", "unaligned"]
    assert stats["retyped"] == {"MISC": {"LOC": 2}}  # projected MISC spans by what they became
    off = extrinsic.MethodOptions(aligner="eflomal", retype_dropped=False)
    tags, dropped, _ = extrinsic.project_silver(pairs, links, off, off.projection_config(), tmp_path / "off")
    assert tags[:2] == [["O", "O"]] * 2 and dropped[-1] == "unaligned"
