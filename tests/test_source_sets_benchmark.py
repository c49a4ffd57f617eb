"""The source-set benchmark's verdict over several eflomal draws (pure bookkeeping on records)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "source_sets.py"
spec = importlib.util.spec_from_file_location("source_sets_benchmark", BENCHMARK)
source_sets = importlib.util.module_from_spec(spec)
sys.modules["source_sets_benchmark"] = source_sets
spec.loader.exec_module(source_sets)

EUROPARL = source_sets.CORPORA["europarl"].name


def draw(single_es: float, single_en: float, others: float) -> list[dict]:
    """One draw's records for the Italian target: two single sources and all the others."""
    common = {"dataset": EUROPARL, "language": "it", "task": "project-parallel"}
    return [{**common, "sources": ["es"], "method": "single", "f1": single_es},
            {**common, "sources": ["en"], "method": "single-gdfa", "f1": single_en},
            {**common, "sources": ["en", "de", "es"], "method": "ilp", "f1": others},
            {**common, "sources": ["en", "de", "es"], "method": "vote", "f1": others - 0.01}]


def test_gain_is_against_the_best_single_source_of_the_same_draw():
    (gain,) = source_sets.all_others_gains(draw(0.93, 0.935, 0.945), "ilp")
    assert gain["best"] == "en single-gdfa"
    assert gain["gain"] == pytest.approx(1.0)


def test_several_draws_are_judged_on_the_mean_gain(capsys):
    draws = [draw(0.93, 0.90, 0.951), draw(0.935, 0.90, 0.946)]  # gains +2.1 and +1.1: mean +1.6
    assert source_sets.summary(draws, "ilp")
    printed = capsys.readouterr().out
    assert "1 of 2 draws reach +1.5" in printed
    assert source_sets.summary([draws[1]], "ilp") is False
    assert source_sets.summary([draw(0.935, 0.90, 0.946), draw(0.935, 0.90, 0.948)], "ilp") is False


def test_mean_records_keep_every_draw():
    merged = source_sets.mean_records([draw(0.93, 0.90, 0.95), draw(0.94, 0.90, 0.96)])
    ilp = next(r for r in merged if r["method"] == "ilp")
    assert ilp["f1"] == pytest.approx(0.955)
    assert ilp["f1_draws"] == [0.95, 0.96]
    assert source_sets.mean_records([draw(0.93, 0.90, 0.95)]) == draw(0.93, 0.90, 0.95)


def test_pud_names_is_scored_with_adjacent_names_joined_as_its_gold_defines_names():
    from projner.processing.project.spans import ScoredSpan, Span

    gold = [["B-NAME", "I-NAME", "O"]]  # one maximal run of proper names: all the gold can say
    two_names = [[ScoredSpan(Span(0, 1, "NAME"), 1.0), ScoredSpan(Span(1, 2, "NAME"), 1.0)]]
    assert source_sets.f1(gold, two_names) == 0.0
    assert source_sets.f1(gold, two_names, adjacent_joined=True) == 100.0
    assert source_sets.CORPORA["pud"].adjacent_joined and not source_sets.CORPORA["europarl"].adjacent_joined
