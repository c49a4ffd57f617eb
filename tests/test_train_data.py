"""Training and gold data from every source kind: CoNLL, save_to_disk, Hub layout, builders."""

from __future__ import annotations

import unicodedata

import datasets
import pytest
import train_corpus

from projner.labels import LabelMap
from projner.training.data import (
    DataError,
    TaggedSentence,
    label_list,
    load_many,
    load_sentences,
)
from projner.training.gold import builder_split

TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-DATE", "I-DATE"]
LABELS = datasets.ClassLabel(names=TAGS)
GOLD_FEATURES = datasets.Features({"tokens": datasets.List(datasets.Value("string")),
                                   "ner_tags": datasets.List(LABELS)})


def _gold_rows(corpus):
    return {"tokens": [w for w, _ in corpus],
            "ner_tags": [[TAGS.index(t) for t in tags] for _, tags in corpus]}


def test_conll_words_are_nfc_stray_marks_rejoin_and_tags_are_mapped(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Ọ̀yọ́")
    path = tmp_path / "silver.conll"
    path.write_text(f"Ade B-PER\nlọ O\n{decomposed} B-LOC\nní O\nọjọ O\n\u0301 O\nAjé B-DATE\n\n"
                    "Kano I-LOC\n. O\n\n", encoding="utf-8")
    sentences, (report,) = load_sentences(path, label_map=LabelMap.parse(["DATE=O"]))
    first, second = sentences
    assert first.words == ["Ade", "lọ", "Ọ̀yọ́", "ní", "ọjọ́", "Ajé"]
    assert all(unicodedata.is_normalized("NFC", w) for w in first.words)
    assert first.tags == ["B-PER", "O", "B-LOC", "O", "O", "O"]
    assert second.tags == ["B-LOC", "O"] and report.invalid_iob2 == 1 and report.repaired
    assert first.origin.endswith("line 1") and report.kept == report.read == 2
    gold, (gold_report,) = load_sentences(path, repair=False)
    assert gold[1].tags == ["I-LOC", "O"] and gold_report.invalid_iob2 == 1 and not gold_report.repaired
    assert "1 with invalid IOB2 (kept as given)" in gold_report.summary()


def test_bad_conll_line_names_file_and_line_or_is_counted_when_lenient(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_text("Kano B-LOC\nya O\nwrong tag X-PER\n\nAbuja B-LOC\n\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.conll, line 3"):
        load_sentences(path)
    sentences, (report,) = load_sentences(path, lenient=True)
    assert len(sentences) == 2 and sum(report.dropped.values()) == 1


def test_save_to_disk_folder_reads_classlabel_names(tmp_path):
    corpus = train_corpus.sentences(5, seed=1)
    corpus = [(w, [t if "ORG" not in t else "O" for t in tags]) for w, tags in corpus]
    ds = datasets.Dataset.from_dict(_gold_rows(corpus), features=GOLD_FEATURES)
    datasets.DatasetDict({"train": ds, "test": ds.select([0])}).save_to_disk(tmp_path / "dd")
    sentences, (report,) = load_sentences(tmp_path / "dd")
    assert [(s.words, s.tags) for s in sentences] == [(w, t) for w, t in corpus]
    assert report.source.endswith("dd[train]")
    test, _ = load_sentences(tmp_path / "dd", split="test")
    assert len(test) == 1
    with pytest.raises(DataError, match=r"no split 'dev' \(it has train, test\)"):
        load_sentences(tmp_path / "dd", split="dev")
    ds.save_to_disk(tmp_path / "single")
    assert len(load_sentences(tmp_path / "single")[0]) == 5


def _hub_folder(root, configs: dict[str, list]):
    lines = ["---", "configs:"]
    for name, rows in configs.items():
        ds = datasets.Dataset.from_dict(_gold_rows(rows), features=GOLD_FEATURES)
        (root / name).mkdir(parents=True)
        ds.to_parquet(root / name / "train-00000-of-00001.parquet")
        lines += [f"- config_name: {name}", "  data_files:", "  - split: train", f"    path: {name}/train-*"]
    (root / "README.md").write_text("\n".join(lines + ["---", "# silver"]) + "\n", encoding="utf-8")
    return root


def test_hub_layout_folder_mixes_configs_or_picks_some(tmp_path):
    strip = lambda corpus: [(w, [t if "ORG" not in t else "O" for t in tags]) for w, tags in corpus]
    hau, ibo = strip(train_corpus.sentences(4, seed=1)), strip(train_corpus.sentences(3, seed=2))
    folder = _hub_folder(tmp_path / "hub", {"hau": hau, "ibo": ibo})
    mixed, reports = load_sentences(folder)
    assert len(mixed) == 7 and [r.source.rsplit("[", 1)[1] for r in reports] == ["hau/train]", "ibo/train]"]
    only, _ = load_sentences(folder, configs=["ibo"])
    assert [s.words for s in only] == [w for w, _ in ibo]
    with pytest.raises(DataError, match="no config yor"):
        load_sentences(folder, configs=["yor"])


def test_projection_output_columns_and_dropped_rows_are_counted(tmp_path):
    ds = datasets.Dataset.from_dict({
        "tokens": [["Musa", "went", "to", "Kano"]] * 3,
        "tgt_tokens": [["Musa", "ya", "je", "Kano"], [], ["Musa", "Kano"]],
        "projected_tags": [["B-PER", "O", "O", "B-LOC"], [], ["B-PER", "I-PER"]],
        "dropped_reason": ["", "no translation", ""],
    })
    ds.save_to_disk(tmp_path / "run")
    sentences, (report,) = load_many([tmp_path / "run", tmp_path / "run"])[0], load_sentences(tmp_path / "run")[1]
    assert len(sentences) == 4 and sentences[0].words == ["Musa", "ya", "je", "Kano"]
    assert report.read == 3 and report.kept == 2 and report.dropped == {"no translation": 1}
    assert label_list(sentences) == ("O", "B-PER", "I-PER", "B-LOC", "I-LOC")


def test_rows_that_cannot_be_read_are_errors_naming_the_row(tmp_path):
    ds = datasets.Dataset.from_dict({"tokens": [["a", "b"], ["c"]], "ner_tags": [["O", "O"], ["O", "O"]]})
    ds.save_to_disk(tmp_path / "mismatch")
    with pytest.raises(DataError, match=r"mismatch\[train\], row 1: 1 words in 'tokens' but 2 tags"):
        load_sentences(tmp_path / "mismatch")
    ids = datasets.Dataset.from_dict({"tokens": [["a"]], "ner_tags": [[0]]})
    ids.save_to_disk(tmp_path / "ids")
    with pytest.raises(DataError, match="reads tags by name"):
        load_sentences(tmp_path / "ids")
    bad = datasets.Dataset.from_dict({"tokens": [["a"]], "ner_tags": [["PER"]]})
    bad.save_to_disk(tmp_path / "bad")
    with pytest.raises(DataError, match=r"row 0: tag 'PER' in 'ner_tags' is not IOB2"):
        load_sentences(tmp_path / "bad")
    other = datasets.Dataset.from_dict({"words": [["a"]]})
    other.save_to_disk(tmp_path / "other")
    with pytest.raises(DataError, match="needs columns tgt_tokens/projected_tags or tokens/ner_tags"):
        load_sentences(tmp_path / "other")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="not a CoNLL file, a save_to_disk folder"):
        load_sentences(tmp_path / "empty")
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_sentences(tmp_path / "nowhere")


def test_gold_split_through_the_masakhaner2_builder(fixtures, tmp_path):
    sentences, report = builder_split("masakhaner2", "yor", "test", data_dir=fixtures,
                                      label_map=LabelMap.parse(["DATE=O"]), cache_dir=tmp_path)
    expected, _ = load_sentences(fixtures / "masakhaner2" / "yor" / "test.txt",
                                 label_map=LabelMap.parse(["DATE=O"]), repair=False)
    assert [(s.words, s.tags) for s in sentences] == [(s.words, s.tags) for s in expected]
    assert report.kept == len(expected) > 0 and not report.repaired
    with pytest.raises(DataError, match="MasakhaNER 2.0 has no German"):
        builder_split("masakhaner2", "de", data_dir=fixtures, cache_dir=tmp_path)


def test_hub_folders_with_the_same_name_never_share_a_cache(tmp_path):
    """datasets keys local folders by name and config; each load must still read its own files."""
    strip = lambda corpus: [(w, [t if "ORG" not in t else "O" for t in tags]) for w, tags in corpus]
    first = _hub_folder(tmp_path / "a" / "silver", {"hau": strip(train_corpus.sentences(2, seed=1))})
    second = _hub_folder(tmp_path / "b" / "silver", {"hau": strip(train_corpus.sentences(5, seed=2))})
    assert len(load_sentences(first)[0]) == 2
    assert len(load_sentences(second)[0]) == 5


def test_a_projner_export_folder_is_training_data(tmp_path):
    """What ``projner export`` publishes (one config per language) loads back by name, mixed or not."""
    from projner.dataset_cards.export import export_hub_folder
    from projner.dataset_cards.provenance import Component, ModelRef, Provenance
    from projner.dataset_cards.sources import known_source
    from projner.labels import CONLL2003_LABELS

    def provenance(target: str) -> dict:
        return Provenance(
            task="translate-train", source_dataset=known_source("conll2003", split="train"),
            source_language="en", target_language=target, method=Component("candidates", {}),
            aligner=Component("eflomal", {}), labels=CONLL2003_LABELS, created="2025-03-01",
            models=(ModelRef("translator", "facebook/nllb-200-distilled-600M", "f8d333a098d19b4fd9a8b18f"),),
        ).to_dict()

    corpus = train_corpus.sentences(6, seed=4)
    rows = {"tokens": [w for w, _ in corpus], "ner_tags": [["O"] * len(w) for w, _ in corpus],
            "tgt_tokens": [w for w, _ in corpus],
            "projected_tags": [[t.replace("DATE", "MISC") for t in tags] for _, tags in corpus],
            "dropped_reason": [""] * 5 + ["unaligned"]}
    folder = tmp_path / "silver"
    for lang in ("ha", "yo"):
        export_hub_folder({"train": datasets.Dataset.from_dict(rows)}, folder, config_name=lang,
                          provenance=provenance(lang))
    sentences, reports = load_sentences(folder, label_map=LabelMap.parse(["MISC=O"]))
    assert len(sentences) == 10 and [r.kept for r in reports] == [5, 5]
    assert sentences[0].words == corpus[0][0]
    assert sentences[0].tags == [t if "DATE" not in t else "O" for t in corpus[0][1]]
    assert len(load_sentences(folder, configs=["yo"])[0]) == 5


def test_a_source_without_sentences_is_an_error_naming_it(tmp_path):
    """An empty file or split would train on nothing or score nothing, and say so only in a number."""
    empty = tmp_path / "empty.conll"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match=r"empty.conll: no sentences$"):
        load_sentences(empty)
    folder = _hub_folder(tmp_path / "hub", {"hau": []})  # an export whose every sentence was dropped
    with pytest.raises(DataError, match=r"hub\[hau/train\]: no sentences$"):
        load_sentences(folder)
    rows = {"tgt_tokens": [["a"]], "projected_tags": [["O"]], "dropped_reason": ["unaligned"]}
    datasets.Dataset.from_dict(rows).save_to_disk(tmp_path / "dropped")
    with pytest.raises(DataError, match=r"dropped\[train\]: no sentences \(dropped 1 × unaligned\)"):
        load_sentences(tmp_path / "dropped")


def test_predictions_keep_three_columns_whatever_the_words_hold(tmp_path):
    from projner.training.scoring import write_predictions

    gold = [TaggedSentence(["New York", "a\tb", "."], ["B-LOC", "B-ORG", "O"], "x")]
    path = tmp_path / "predictions.txt"
    write_predictions(path, gold, [["B-LOC", "O", "O"]])
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert rows == [["New York", "B-LOC", "B-LOC"], ["a b", "B-ORG", "O"], [".", "O", "O"]]


def test_a_folder_of_dataset_folders_is_not_one_dataset(tmp_path):
    """``--train runs/`` (a folder holding several export folders) was read as one Hub folder:
    datasets globs parquet files at any depth, so every run's train split was silently mixed."""
    strip = lambda corpus: [(w, [t if "ORG" not in t else "O" for t in tags]) for w, tags in corpus]
    _hub_folder(tmp_path / "runs" / "a", {"hau": strip(train_corpus.sentences(2, seed=1))})
    _hub_folder(tmp_path / "runs" / "b", {"hau": strip(train_corpus.sentences(3, seed=2))})
    with pytest.raises(DataError, match=r"runs: not one dataset but a folder holding dataset folders \(a, b\)"):
        load_sentences(tmp_path / "runs")
    assert len(load_sentences(tmp_path / "runs" / "b")[0]) == 3
