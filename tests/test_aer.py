"""Alignment error rate: hand-computed cases, index detection, the CLI, and the real gold sets."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from projner.cli import main
from projner.processing.align.aer import (
    alignment_error_rate,
    looks_one_indexed,
    read_links,
)
from projner.processing.align.links import format_pharaoh, parse_pharaoh


def test_hand_computed_sentence() -> None:
    # S = {(0,0), (2,2)}, P = S + {(1,1)}; A = {(0,0), (1,1), (2,1)}
    gold = [parse_pharaoh("1-1 2p2 3-3", one_indexed=True)]
    scores = alignment_error_rate(gold, [[(0, 0), (1, 1), (2, 1)]])
    assert (scores.predicted, scores.sure, scores.possible) == (3, 2, 3)
    assert (scores.predicted_in_sure, scores.predicted_in_possible) == (1, 2)
    assert scores.precision == pytest.approx(2 / 3)
    assert scores.recall == pytest.approx(1 / 2)
    assert scores.aer == pytest.approx(1 - (1 + 2) / (3 + 2))


def test_counts_are_summed_over_the_corpus_not_averaged() -> None:
    gold = [parse_pharaoh("0-0 1-1"), parse_pharaoh("0-0 1-1 2-2 3-3 4p4")]
    pred = [[(0, 1)], [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4)]]
    scores = alignment_error_rate(gold, pred)
    # |A| = 6, |S| = 6, |A∩S| = 4, |A∩P| = 5
    assert scores.precision == pytest.approx(5 / 6)
    assert scores.recall == pytest.approx(4 / 6)
    assert scores.aer == pytest.approx(1 - 9 / 12)


def test_edge_cases() -> None:
    gold = [parse_pharaoh("0-0")]
    assert alignment_error_rate(gold, [[(0, 0)]]).aer == 0.0
    nothing = alignment_error_rate(gold, [[]])
    assert math.isnan(nothing.precision) and nothing.recall == 0.0 and nothing.aer == 1.0
    with pytest.raises(ValueError, match="no sure links"):
        alignment_error_rate([parse_pharaoh("0p0")], [[(0, 0)]])
    with pytest.raises(ValueError, match="1 gold sentences but 2"):
        alignment_error_rate(gold, [[], []])


def test_index_detection() -> None:
    assert looks_one_indexed(["1-1 2p3", "", "4-2"])
    assert not looks_one_indexed(["1-1 2p3", "0-4"])
    assert not looks_one_indexed(["3p0"])


def _sure_only(path: Path, out: Path, drop_every: int = 0) -> int:
    """Write the sure links of a gold file 0-indexed, dropping every ``drop_every``-th; return drops."""
    lines, _ = read_links(path, one_indexed=True)
    dropped, count, rows = 0, 0, []
    for line in lines:
        kept = []
        for link in line.sure:
            count += 1
            if drop_every and count % drop_every == 0:
                dropped += 1
            else:
                kept.append(link)
        rows.append(format_pharaoh(kept))
    out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return dropped


@pytest.mark.parametrize("name", ["enfr", "roen"])
def test_real_gold_against_itself_and_a_known_perturbation(shared_data: Path, tmp_path: Path, name: str) -> None:
    gold_path = shared_data / "word-alignment-gold" / f"{name}.gold"
    gold, one_indexed = read_links(gold_path)
    assert one_indexed  # detected: the gold sets count words from 1
    sure = sum(len(line.sure) for line in gold)
    assert alignment_error_rate(gold, [line.sure for line in gold]).aer == 0.0
    assert alignment_error_rate(gold, [line.sure + line.possible for line in gold]).aer == 0.0

    # Dropping k sure links: precision stays 1, recall (S−k)/S, AER 1 − 2(S−k)/(2S−k).
    pred_path = tmp_path / "pred.txt"
    k = _sure_only(gold_path, pred_path, drop_every=7)
    pred, pred_one = read_links(pred_path)
    assert not pred_one and k > 0
    scores = alignment_error_rate(gold, [line.sure for line in pred])
    assert scores.precision == 1.0
    assert scores.recall == pytest.approx((sure - k) / sure)
    assert scores.aer == pytest.approx(1 - 2 * (sure - k) / (2 * sure - k))


def test_cli_prints_scores_and_the_indexing(shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    gold_path = shared_data / "word-alignment-gold" / "roen.gold"
    pred_path = tmp_path / "pred.txt"
    _sure_only(gold_path, pred_path)
    assert main(["aer", "--gold", str(gold_path), "--pred", str(pred_path)]) == 0
    out = capsys.readouterr().out
    assert "1-indexed (detected)" in out and "0-indexed (detected)" in out
    assert "precision 1.0000  recall 1.0000  AER 0.0000" in out
    # Reading the 0-indexed predictions as 1-indexed shifts every link: a large error, not a crash.
    assert main(["aer", "--gold", str(gold_path), "--pred", str(gold_path), "--pred-zero-indexed"]) == 0
    assert "AER 0.0000" not in capsys.readouterr().out


def test_cli_errors_name_the_problem(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    gold = tmp_path / "gold.txt"
    gold.write_text("1-1\n2-2\n", encoding="utf-8")
    short = tmp_path / "short.txt"
    short.write_text("0-0\n", encoding="utf-8")
    assert main(["aer", "--gold", str(gold), "--pred", str(short)]) == 2
    assert "has 2 lines but" in capsys.readouterr().err
    bad = tmp_path / "bad.txt"
    bad.write_text("0-0\n0-x\n", encoding="utf-8")
    assert main(["aer", "--gold", str(gold), "--pred", str(bad)]) == 2
    assert f"{bad}, line 2: not a Pharaoh link" in capsys.readouterr().err
    bad.write_text("0-0\n1-\u00b2\n", encoding="utf-8")  # str.isdigit accepts a superscript two
    assert main(["aer", "--gold", str(gold), "--pred", str(bad)]) == 2
    assert f"{bad}, line 2: not a Pharaoh link: '1-\u00b2'" in capsys.readouterr().err
