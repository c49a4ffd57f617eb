"""Several sources at once, and the guarantee that one source projects exactly as before."""

from __future__ import annotations

import hashlib
import json

import datasets
import pytest

from projner.cli import main
from projner.labels import LabelMap

EN_DE_PIN = {
    "f1": 0.9114688128772637, "precision": 0.9207317073170732, "recall": 0.9023904382470119,
    "projected_entities": 492, "unprojected": {"overlap": 2, "unaligned": 28},
    "tags_sha256": "0b882c5f74fcc850cf90204f2694353a9ecec972759838fa07e890d8e7feccbd",
}
"""Europarl-NER en→de through the reference intersection links, measured before several sources
existed (project-parallel, MISC=O): one source must keep giving exactly this."""


@pytest.mark.slow
def test_single_source_europarl_en_de_is_unchanged_to_the_last_digit(shared_data, tmp_path, capsys):
    folder = shared_data / "europarl-ner"
    code = main(["project-parallel", "--source", str(folder / "en-europarl.test.conll02"),
                 "--target", str(folder / "de-europarl.test.conll02"),
                 "--alignments", str(folder / "alignments" / "eflomal.en-de.intersection.txt"),
                 "--label-map", "MISC=O", "--source-lang", "en", "--target-lang", "de",
                 "--output", str(tmp_path / "out"), "--report", str(tmp_path / "report.json")])
    capsys.readouterr()
    assert code == 0
    report = json.loads((tmp_path / "report.json").read_text())
    for key in ("f1", "precision", "recall", "projected_entities", "unprojected"):
        assert report[key] == EN_DE_PIN[key], key
    split = datasets.load_dataset(str(tmp_path / "out"), "de")["train"]
    names = split.features["ner_tags"].feature.names
    tags = [[names[t] for t in row] for row in split["ner_tags"]]
    assert hashlib.sha256(json.dumps(tags).encode()).hexdigest() == EN_DE_PIN["tags_sha256"]


def _projected(entities, ids=("a", "b"), words=(["Romano", "Prodi", "a", "Roma"], ["nulla"])):
    return datasets.Dataset.from_dict({"id": list(ids), "tgt_tokens": [list(w) for w in words],
                                       "tgt_tags": [["B-PER", "I-PER", "O", "B-LOC"], ["O"]],
                                       "tgt_entities": entities})


def entity(start, end, label, score=1.0):
    return {"start": start, "end": end, "label": label, "score": score}


def test_combine_projections_keeps_each_source_and_counts_the_decisions():
    from projner.processing.multisource import combine_projections
    from projner.processing.project.combine import CombineConfig

    sources = [("en", _projected([[entity(0, 2, "PER"), entity(3, 4, "LOC")], []])),
               ("de", _projected([[entity(0, 2, "PER"), entity(3, 4, "LOC")], []])),
               ("es", _projected([[entity(1, 2, "PER")], [entity(0, 1, "ORG")]]))]
    for config in (CombineConfig(method="vote"), CombineConfig()):
        result = combine_projections(sources, config)
        assert result.dataset["projected_tags"] == [["B-PER", "I-PER", "O", "B-LOC"], ["O"]]
        assert result.dataset["tgt_tags"] == [["B-PER", "I-PER", "O", "B-LOC"], ["O"]]
        assert result.dataset["tgt_entities_es"] == sources[2][1]["tgt_entities"]
        assert result.dataset["combine_voters"][0] == [["en", "de"], ["en", "de"]]
        assert result.report["sources"] == ["en", "de", "es"]
        assert result.report["counts"]["kept"] == 2 and result.report["counts"]["dropped"] == 2
    vote = combine_projections(sources, CombineConfig(method="vote"))
    assert vote.report["min_agree"] == 2 and vote.report["weights"] is None
    weights = combine_projections(sources).report["weights"]
    assert weights["en"] == weights["de"] > weights["es"]


def test_combine_projections_refuses_sources_of_other_sentences():
    from projner.processing.multisource import combine_projections

    one = ("en", _projected([[], []]))
    with pytest.raises(ValueError, match="differ at target sentence 1"):
        combine_projections([one, ("de", _projected([[], []], ids=("a", "c")))])
    with pytest.raises(ValueError, match="distinct"):
        combine_projections([one, one])
    with pytest.raises(ValueError, match="no tgt_entities"):
        combine_projections([one, ("de", _projected([[], []]).remove_columns("tgt_entities"))])


def _write_conll(path, sentences):
    path.write_text("\n\n".join("\n".join(f"{w}\t{t}" for w, t in s) for s in sentences) + "\n", encoding="utf-8")
    return path


def test_project_parallel_with_several_sources_combines_them_and_keeps_each(tmp_path, capsys):
    """Three sources onto one Italian target through given links (identity links where the words
    match): the majority fixes the one source whose links put the name on the wrong word."""
    target = _write_conll(tmp_path / "it.conll", [
        [("Romano", "B-PER"), ("Prodi", "I-PER"), ("visita", "O"), ("Roma", "B-LOC")],
        [("Il", "O"), ("Parlamento", "B-ORG"), ("vota", "O")]])
    sources, links = [], []
    for lang, first, second in (("en", "0-0 1-1 2-2 3-3", "0-0 1-1 2-2"), ("de", "0-0 1-1 2-2 3-3", "0-0 1-1 2-2"),
                                ("es", "0-0 1-1 2-3 3-2", "0-0 1-2 2-1")):
        sources.append(_write_conll(tmp_path / f"{lang}.conll", [
            [("Romano", "B-PER"), ("Prodi", "I-PER"), ("visits", "O"), ("Rome", "B-LOC")],
            [("The", "O"), ("Parliament", "B-ORG"), ("votes", "O")]]))
        links.append(tmp_path / f"{lang}.links")
        links[-1].write_text(f"{first}\n{second}\n")
    out, report = tmp_path / "out", tmp_path / "report.json"
    code = main(["project-parallel", "--source", *map(str, sources), "--source-lang", "en", "de", "es",
                 "--alignments", *map(str, links), "--target", str(target), "--target-lang", "it",
                 "--combine", "vote", "--no-name-links", "--output", str(out), "--report", str(report)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "source es: 3 of 3 entities projected, F1 33.33" in printed
    assert "strict IOB2 of the combination: F1 100.00" in printed
    data = json.loads(report.read_text())
    assert data["sources"] == ["en", "de", "es"] and data["min_agree"] == 2
    assert data["counts"]["kept"] == 3 and data["source_reports"]["en"]["f1"] == 1.0
    split = datasets.load_dataset(str(out), "it")["train"]
    assert [(e["start"], e["end"], e["label"]) for e in split["tgt_entities_es"][1]] == [(2, 3, "ORG")]
    assert split["combine_voters"][1] == [["en", "de"]]
    provenance = json.loads((out / "it" / "provenance.json").read_text())
    assert provenance["source_language"] == "en,de,es" and provenance["method"]["name"] == "combine"


@pytest.mark.parametrize("sources, extra, said", [
    (2, ["--combine", "vote", "--min-agree", "3"], "min_agree 3 is more than the 2 voters: no span could be kept"),
    (1, ["--combine", "vote", "--min-agree", "2"], "min_agree applies when several sources are combined; one was given"),
    (2, ["--min-agree", "2"], "min_agree is the vote method's; ilp weighs the voters instead"),
])
def test_a_min_agree_no_span_could_meet_or_nothing_would_use_is_refused(tmp_path, capsys, sources, extra, said):
    target = _write_conll(tmp_path / "it.conll", [[("Roma", "B-LOC")]])
    source = _write_conll(tmp_path / "en.conll", [[("Rome", "B-LOC")]])
    (tmp_path / "l").write_text("0-0\n")
    code = main(["project-parallel", "--source", *[str(source)] * sources, "--alignments",
                 *[str(tmp_path / "l")] * sources, "--target", str(target), "--output", str(tmp_path / "o"), *extra])
    assert code == 2
    assert said in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_project_parallel_sources_need_one_link_file_and_language_each(tmp_path, capsys):
    target = _write_conll(tmp_path / "it.conll", [[("Roma", "B-LOC")]])
    source = _write_conll(tmp_path / "en.conll", [[("Rome", "B-LOC")]])
    (tmp_path / "l").write_text("0-0\n")
    code = main(["project-parallel", "--source", str(source), str(source), "--source-lang", "en",
                 "--alignments", str(tmp_path / "l"), str(tmp_path / "l"), "--target", str(target),
                 "--output", str(tmp_path / "o")])
    assert code == 2
    assert "2 --source file(s) but 1 --source-lang: give one" in capsys.readouterr().err
    code = main(["project-parallel", "--source", str(source), str(source), "--alignments", str(tmp_path / "l"),
                 "--target", str(target), "--output", str(tmp_path / "o")])
    assert code == 2
    assert "2 --source file(s) but 1 --alignments: give one" in capsys.readouterr().err
    code = main(["project-parallel", "--source", str(source), str(source), "--source-lang", "en", "xx-nope",
                 "--target", str(target), "--output", str(tmp_path / "o")])
    assert code == 2 and "--source-lang" in capsys.readouterr().err


def test_translate_test_through_two_pivots_combines_the_projections_back(tiny_models, tmp_path, fixtures):
    """Plumbing with the tiny random models: each pivot translated, labelled and projected back on its
    own, then combined on the original words and scored against the gold."""
    from projner.processing.corpora import load_gold
    from projner.processing.evaluate import ner_scores
    from projner.processing.multisource import translate_test_pivots
    from projner.processing.options import RunOptions
    from projner.processing.project.combine import CombineConfig

    run = RunOptions(translator=str(tiny_models["translator"]), ner_model=str(tiny_models["ner"]),
                     aligner_model=str(tiny_models["aligner"]), cache_dir=str(tmp_path / "cache"), num_beams=1,
                     max_new_tokens=8)
    data = load_gold("masakhaner2", "yo", "test", data_dir=str(fixtures / "masakhaner2"),
                     cache_dir=tmp_path / "gold").dataset
    result = translate_test_pivots(data, "yo", ["en", "fr"], run=run, combine=CombineConfig(method="vote", min_agree=1))
    out = result.dataset["test"]
    assert len(out) == len(data) and out["tokens"] == data["tokens"]
    assert {"tgt_entities_en", "tgt_entities_fr", "combine_voters", "combine_counts"} <= set(out.column_names)
    report = result.report
    assert set(report["source_reports"]) == {"en", "fr"}
    assert report["source_reports"]["fr"]["sentences"] == len(data)
    names = out.features["ner_tags"].feature.names
    gold = [[names[t] for t in row] for row in out["ner_tags"]]
    assert report["f1"] == ner_scores(gold, out["projected_tags"],
                                      label_map=LabelMap.parse(report["eval_label_map"]) or None)["f1"]
    for spans, en, fr in zip(out["tgt_entities"], out["tgt_entities_en"], out["tgt_entities_fr"]):
        proposed = {(e["start"], e["end"]) for e in en + fr}
        assert {(e["start"], e["end"]) for e in spans} <= proposed  # nothing comes from nowhere
    assert result.provenance.source_language == "en,fr" and result.provenance.method.name == "combine"


def test_translate_train_from_two_languages_pools_both_silver_corpora(tiny_models, tmp_path, fixtures, capsys):
    """CoNLL files in English and German, each translated into Yorùbá and projected on its own (tiny
    random models: plumbing only), pooled with the language each sentence came from."""
    folder = fixtures / "europarl-ner"
    common = ["--translator", str(tiny_models["translator"]), "--ner-model", str(tiny_models["ner"]),
              "--aligner-model", str(tiny_models["aligner"]), "--num-beams", "1", "--max-new-tokens", "6",
              "--cache-dir", str(tmp_path / "cache"), "--aligner", "eflomal", "--limit", "3", "--keep-partial"]
    code = main(["translate-train", "--source", str(folder / "en-europarl.test.conll02"),
                 str(folder / "de-europarl.test.conll02"), "--source-lang", "en", "de", "--lang", "yo",
                 "--report", str(tmp_path / "r.json"), "--output", str(tmp_path / "out"), *common])
    assert code == 0, capsys.readouterr()
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["sentences"] == 6 and set(report["source_reports"]) == {"en:en-europarl.test", "de:de-europarl.test"}
    assert report["kept"] == sum(r["kept"] for r in report["source_reports"].values())
    provenance = json.loads((tmp_path / "out" / "yo" / "provenance.json").read_text())
    assert provenance["source_language"] == "en,de"
    split = datasets.load_dataset(str(tmp_path / "out"), "yo")["train"]
    assert sorted(set(split["source_language"])) == ["de", "en"]
    assert main(["translate-train", "--source", str(folder / "de-europarl.test.conll02"), "--lang", "yo",
                 *common]) == 2
    assert "give its language with --source-lang" in capsys.readouterr().err


def test_translate_test_through_two_pivots_on_unlabelled_sentences_scores_nothing(tiny_models, tmp_path, fixtures):
    """Sentences without gold tags: each pivot labels and projects them, the combination is counted,
    and no score is claimed anywhere (the pivots' reason is the report's)."""
    from projner.processing.corpora import load_gold
    from projner.processing.multisource import translate_test_pivots
    from projner.processing.options import RunOptions
    from projner.processing.project.combine import CombineConfig

    run = RunOptions(translator=str(tiny_models["translator"]), ner_model=str(tiny_models["ner"]),
                     aligner_model=str(tiny_models["aligner"]), cache_dir=str(tmp_path / "cache"), num_beams=1,
                     max_new_tokens=8)
    data = load_gold("masakhaner2", "yo", "test", data_dir=str(fixtures / "masakhaner2"),
                     cache_dir=tmp_path / "gold").dataset.remove_columns("ner_tags")
    result = translate_test_pivots(data, "yo", ["en", "fr"], run=run, combine=CombineConfig(method="vote", min_agree=1))
    report, out = result.report, result.dataset["test"]
    assert result.scores is None and result.gold is None and "no gold tags" in result.no_gold_reason
    assert report["no_gold"] == result.no_gold_reason and "f1" not in report
    assert all("f1" not in own and own["no_gold"] for own in report["source_reports"].values())
    assert len(out) == len(data) and "ner_tags" not in out.column_names
    assert sum(report["predicted_entities"].values()) == sum(t.startswith("B-") for row in out["projected_tags"]
                                                             for t in row)


def test_run_views_project_every_run_each_way_unvoted():
    from projner.processing.align.statistical import run_views

    # two runs of one sentence pair: forward and reverse links, source-first
    runs = [([[(0, 0), (1, 1)]], [[(0, 0), (1, 2)]]), ([[(0, 0)]], [[(0, 0), (2, 1)]])]
    views = run_views(runs)
    assert list(views) == ["run0/intersection", "run0/gdfa", "run1/intersection", "run1/gdfa"]
    assert views["run0/intersection"] == [[(0, 0)]] and views["run1/intersection"] == [[(0, 0)]]
    assert set(views["run0/gdfa"][0]) >= {(0, 0), (1, 1)}


def _views_files(tmp_path):
    target = _write_conll(tmp_path / "it.conll", [
        [("Romano", "B-PER"), ("Prodi", "I-PER"), ("visita", "O"), ("Roma", "B-LOC")],
        [("Il", "O"), ("Parlamento", "B-ORG"), ("vota", "O")]] * 3)
    sources = [_write_conll(tmp_path / f"{lang}.conll", [
        [("Romano", "B-PER"), ("Prodi", "I-PER"), (verb, "O"), (city, "B-LOC")],
        [("The", "O"), ("Parliament", "B-ORG"), ("votes", "O")]] * 3)
        for lang, verb, city in (("en", "visits", "Rome"), ("de", "besucht", "Rom"), ("es", "visita", "Roma"))]
    return sources, target


def test_project_parallel_views_vote_grouped_by_source(tmp_path, capsys):
    """--views 2: each source aligned by two eflomal runs, each run's intersection and gdfa links a
    voter of its own; the Combine stage gets every view, named by its source, and the views of one
    source share its reliability."""
    sources, target = _views_files(tmp_path)
    out, report = tmp_path / "out", tmp_path / "report.json"
    code = main(["project-parallel", "--source", *map(str, sources), "--source-lang", "en", "de", "es",
                 "--target", str(target), "--target-lang", "it", "--views", "2", "--no-name-links",
                 "--output", str(out), "--report", str(report)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    data = json.loads(report.read_text())
    views = [f"{lang}/run{k}/{sym}" for lang in ("en", "de", "es") for k in (0, 1) for sym in ("intersection", "gdfa")]
    assert data["views"] == 2 and data["sources"] == views and list(data["source_reports"]) == views
    for lang in ("en", "de", "es"):
        assert len({data["weights"][v] for v in views if v.startswith(lang)}) == 1, lang
    split = datasets.load_dataset(str(out), "it")["train"]
    assert "tgt_entities_es_run1_gdfa" in split.column_names
    assert all(set(voters) <= set(views) for row in split["combine_voters"] for voters in row)
    provenance = json.loads((out / "it" / "provenance.json").read_text())
    assert provenance["source_language"] == "en,de,es"
    assert provenance["aligner"] == {"name": "eflomal views", "params": {
        "aligner": "eflomal", "runs": 2, "symmetrizations": ["intersection", "gdfa"]}}


def test_views_need_eflomal_and_unaligned_sources(tmp_path):
    from projner.builders.parallel import parallel_pairs
    from projner.processing.multisource import SourcePairs, source_views
    from projner.processing.stages.correspondence import AlignConfig

    sources, target = _views_files(tmp_path)
    pairs, _ = parallel_pairs(sources[0], target)
    with pytest.raises(ValueError, match="need the eflomal aligner"):
        source_views(SourcePairs("en", pairs), 2, AlignConfig("neural"))
    aligned = pairs.add_column("alignments", [[[0, 0]]] * len(pairs))
    with pytest.raises(ValueError, match="given alignments"):
        source_views(SourcePairs("en", aligned), 2)
    for options, ignored in (({"symmetrization": "grow"}, "symmetrization='grow'"), ({"runs": 5}, "runs=5")):
        with pytest.raises(ValueError, match=f"the aligner's {ignored} would be ignored"):
            source_views(SourcePairs("en", pairs), 2, AlignConfig("eflomal", options))
    views = source_views(SourcePairs("en", pairs, "en"), 1, AlignConfig("eflomal", {"symmetrization": "intersection"}))
    assert [v.name for v in views] == ["en/run0/intersection", "en/run0/gdfa"]
    assert all(v.lang == "en" and "alignments" in v.pairs["train"].column_names for v in views)


def test_grouping_views_changes_the_weights_and_the_combine_fingerprint():
    from projner.processing.multisource import combine_projections, voter_column
    from projner.processing.stages.combination import Combine, CombineColumns

    spans = [[entity(0, 2, "PER"), entity(3, 4, "LOC")], []]
    sources = [("en/a", _projected(spans)), ("en/b", _projected(spans)),
               ("de/a", _projected([[entity(0, 2, "PER")], []])), ("es/a", _projected([[entity(1, 2, "PER")], []]))]
    alone = combine_projections(sources).report["weights"]
    grouped = combine_projections(sources, groups=["en", "en", "de", "es"]).report["weights"]
    assert grouped != alone
    columns = CombineColumns(voters=tuple(voter_column("tgt_entities", n) for n, _ in sources))
    fingerprints = {Combine(columns, names=tuple(n for n, _ in sources), weights=tuple(w.values())).fingerprint("x")
                    for w in (alone, grouped)}
    assert len(fingerprints) == 2
    with pytest.raises(ValueError, match="4 groups for"):
        combine_projections(sources[:3], groups=["en", "en", "de", "es"])


def test_project_parallel_keeps_an_unprojected_entity_after_a_batch_without_any(tmp_path):
    """300 pairs, only the last with an entity that has no link: the project step's list column
    must not be typed null by a first batch without one."""
    from projner.processing.options import RunOptions
    from projner.processing.pipelines import project_parallel

    rows = 300
    pairs = datasets.Dataset.from_dict({
        "src_tokens": [["Rome", "x"]] * rows, "src_tags": [["B-LOC", "O"]] * rows,
        "tgt_tokens": [["Qwz", "y"]] * rows,
        "alignments": [[[0, 0], [1, 1]]] * (rows - 1) + [[[1, 1]]]})
    result = project_parallel(pairs, run=RunOptions(cache_dir=str(tmp_path)))
    out = result.dataset["train"]
    assert out["unprojected_entities"][:-1] == [[]] * (rows - 1)
    assert [e["reason"] for e in out["unprojected_entities"][-1]] == ["unaligned"]


@pytest.mark.parametrize("order", ["strings first", "ids first"])
def test_translate_train_pools_string_tags_and_class_label_ids_by_their_names(tiny_models, tmp_path, order):
    """One corpus with IOB2 strings, one with ClassLabel ids in another label order: the pooled
    corpus names every tag as its own corpus did (ids were cast to the strings '5', '6', ...)."""
    from projner.processing.multisource import SourceCorpus, translate_train_sources
    from projner.processing.options import RunOptions

    run = RunOptions(translator=str(tiny_models["translator"]), ner_model=str(tiny_models["ner"]),
                     aligner_model=str(tiny_models["aligner"]), cache_dir=str(tmp_path / "cache"), num_beams=1,
                     max_new_tokens=6)
    words = [["Romano", "Prodi", "visits", "Rome"], ["The", "Parliament", "votes"]]
    tags = [["B-PER", "I-PER", "O", "B-LOC"], ["O", "B-ORG", "O"]]
    strings = datasets.Dataset.from_dict({"tokens": words, "ner_tags": tags})
    names = ["O", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-PER", "I-PER"]
    ids = datasets.Dataset.from_dict(
        {"tokens": words, "ner_tags": [[names.index(t) for t in row] for row in tags]},
        features=datasets.Features({"tokens": datasets.List(datasets.Value("string")),
                                    "ner_tags": datasets.List(datasets.ClassLabel(names=names))}))
    sources = [SourceCorpus("strings", strings, "en"), SourceCorpus("ids", ids, "de")]
    if order == "ids first":
        sources.reverse()
    from projner.processing.options import MethodOptions

    result = translate_train_sources(sources, "yo", run=run, method=MethodOptions(keep_partial=True),
                                     source_label_map=[])  # no MISC to map
    pooled = result.dataset["train"]
    feature = pooled.features["ner_tags"].feature
    as_names = [[feature.names[t] if isinstance(feature, datasets.ClassLabel) else t for t in row]
                for row in pooled["ner_tags"]]
    assert {tag for row in as_names for tag in row} <= set(names), as_names
    assert sorted(set(pooled["source_language"])) == ["de", "en"]


def test_sources_named_alike_or_written_to_one_column_are_refused_before_any_projection(tmp_path, capsys,
                                                                                      monkeypatch):
    """'--source-lang en en' failed only after every source was projected ('source names must be
    distinct'), and names that differ but make one column ('a.b', 'a_b') with datasets' 'duplicated
    columns'; now refused up front, naming the sources' files and the column."""
    from projner.processing import pipelines
    from projner.processing.multisource import SourcePairs, project_parallel_sources

    target = _write_conll(tmp_path / "it.conll", [[("Roma", "B-LOC")]])
    en = _write_conll(tmp_path / "en.conll", [[("Rome", "B-LOC")]])
    other = _write_conll(tmp_path / "en2.conll", [[("Rome", "B-LOC")]])
    (tmp_path / "l").write_text("0-0\n")

    def never(*args, **kwargs):
        raise AssertionError("projected before the names were checked")

    monkeypatch.setattr(pipelines, "project_parallel", never)
    code = main(["project-parallel", "--source", str(en), str(other), "--source-lang", "en", "en",
                 "--alignments", str(tmp_path / "l"), str(tmp_path / "l"), "--target", str(target),
                 "--output", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "en.conll" in err and "en2.conll" in err and "tgt_entities_en" in err
    pairs = datasets.Dataset.from_dict({"src_tokens": [["Rome"]], "src_tags": [["B-LOC"]], "tgt_tokens": [["Roma"]],
                                        "alignments": [[[0, 0]]]})
    with pytest.raises(ValueError, match="'a.b' and 'a_b' would both be written as tgt_entities_a_b"):
        project_parallel_sources([SourcePairs("a.b", pairs), SourcePairs("a_b", pairs)])


def test_two_sources_of_one_language_still_record_it_in_the_provenance():
    """'--source-lang en eng' (or two English corpora): the provenance's source language was None,
    and the card said it was not recorded."""
    from projner.processing.multisource import SourcePairs, project_parallel_sources

    pairs = datasets.Dataset.from_dict({"src_tokens": [["Rome"]], "src_tags": [["B-LOC"]], "tgt_tokens": [["Roma"]],
                                        "alignments": [[[0, 0]]]})
    result = project_parallel_sources([SourcePairs("en", pairs, "en"), SourcePairs("eng", pairs, "eng"),
                                       SourcePairs("es", pairs, "es")], target_lang="it")
    assert result.provenance.source_language == "en,es"
    partial = project_parallel_sources([SourcePairs("en", pairs, "en"), SourcePairs("x", pairs)], target_lang="it")
    assert partial.provenance.source_language is None


@pytest.mark.parametrize("pivots", [["yo"], ["en", "yor"]])
def test_a_pivot_that_is_the_target_language_is_refused_before_any_model_loads(tmp_path, pivots):
    from projner.processing.multisource import translate_test_pivots
    from projner.processing.options import RunOptions
    from projner.processing.pipelines import translate_test

    target = datasets.Dataset.from_dict({"tokens": [["Ade", "lo"]], "ner_tags": [["B-PER", "O"]]})
    run = RunOptions(translator=str(tmp_path / "none"), ner_model=str(tmp_path / "none"), cache_dir=str(tmp_path))
    with pytest.raises(ValueError, match="hold the target language 'yo'"):
        translate_test_pivots(target, "yo", pivots, run=run)
    with pytest.raises(ValueError, match="pivot language 'yor' is the target language 'yo'"):
        translate_test(target, "yo", pivot_lang="yor", run=run)
    assert list(tmp_path.iterdir()) == []
