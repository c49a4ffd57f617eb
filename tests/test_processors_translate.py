"""The NLLB translation stage on the tiny random translator (plumbing, not quality)."""

from __future__ import annotations

import pickle

import datasets
import pytest

from projner.languages import LanguageError
from projner.processing.stages.translation import Translate, TranslateConfig

SENTENCES = [
    "Olúwadámilọ́lá lọ sí ìlú Èkó ní ọjọ́ Ajé.",
    "",
    "Àṣejèrè: Ẹ káàsán Alàgbà.",
    "Rais wa Kenya alizuru Dar es Salaam siku ya Jumatatu.",
    "Ìjọba",
]


pytestmark = pytest.mark.usefixtures("single_thread")


def make(tiny_models, **changes) -> Translate:
    options = {"source_lang": "yo", "target_lang": "en", "model": str(tiny_models["translator"]),
               "num_beams": 2, "max_new_tokens": 8, "batch_size": 2} | changes
    return Translate(TranslateConfig(**options))


def test_translations_come_back_in_input_order_whatever_the_batching(tiny_models):
    sorted_batches = make(tiny_models).translate(SENTENCES)
    assert len(sorted_batches) == len(SENTENCES)
    texts = [t.text for t in sorted_batches]
    assert len({t for t in texts if t}) >= 3, "tiny translator should depend on its input"
    assert texts[1] == "" and sorted_batches[1].pieces == 0
    assert all(t.pieces == 1 for i, t in enumerate(sorted_batches) if i != 1)
    one_by_one = make(tiny_models, batch_size=1, sort_by_length=False).translate(SENTENCES)
    assert [t.text for t in one_by_one] == texts


def test_the_target_language_is_forced_and_the_source_code_set(tiny_models):
    stage = make(tiny_models)
    english = [t.text for t in stage.translate(SENTENCES)]
    tokenizer = stage._tokenizer
    assert tokenizer("Ìjọba")["input_ids"][0] == tokenizer.convert_tokens_to_ids("yor_Latn")
    assert stage._forced_bos == tokenizer.convert_tokens_to_ids("eng_Latn")
    french = [t.text for t in make(tiny_models, target_lang="fr").translate(SENTENCES)]
    assert english != french


def test_long_inputs_are_cut_into_pieces_not_truncated(tiny_models):
    long_text = " ".join(SENTENCES)
    whole = make(tiny_models).translate([long_text])[0]
    cut = make(tiny_models, max_input_tokens=8).translate([long_text])[0]
    assert whole.pieces == 1
    assert cut.pieces > 3
    assert cut.generated_tokens > whole.generated_tokens  # every piece was translated


def test_translations_that_hit_the_length_limit_are_flagged(tiny_models):
    short = make(tiny_models, max_new_tokens=3).translate(SENTENCES)
    assert [t.complete for i, t in enumerate(short) if i != 1] == [False] * 4
    assert short[1].complete  # nothing to translate, nothing cut


def test_the_stage_pickles_without_its_model_and_reloads_it(tiny_models):
    stage = make(tiny_models)
    before = stage.translate(SENTENCES[:1])
    state = pickle.dumps(stage)
    assert len(state) < 10_000
    again = pickle.loads(state)
    assert again._model is None
    assert again.translate(SENTENCES[:1]) == before


def test_fingerprint_follows_output_parameters_only(tiny_models):
    base = make(tiny_models).fingerprint("prev")
    assert make(tiny_models).fingerprint("prev") == base
    assert make(tiny_models).fingerprint("other") != base
    for change in ({"num_beams": 1}, {"max_new_tokens": 9}, {"target_lang": "fr"},
                   {"max_input_tokens": 100}, {"dtype": "bfloat16"}, {"model": str(tiny_models["ner"])}):
        assert make(tiny_models, **change).fingerprint("prev") != base, change
    for change in ({"batch_size": 7}, {"sort_by_length": False}, {"device": "cpu"}):
        assert make(tiny_models, **change).fingerprint("prev") == base, change


def test_map_in_two_processes_matches_one(tiny_models, tmp_path):
    ds = datasets.Dataset.from_dict({"sentence": SENTENCES})
    stage = make(tiny_models)
    one = ds.map(stage, batched=True, batch_size=2, with_rank=True, keep_in_memory=True)
    two = ds.map(stage, batched=True, batch_size=2, with_rank=True, num_proc=2,
                 cache_file_name=str(tmp_path / "two.arrow"))
    assert two["translation"] == one["translation"]
    assert one.column_names == ["sentence", "translation", "translation_pieces", "translation_complete"]


def test_languages_without_an_nllb_code_fail_early():
    with pytest.raises(LanguageError, match="NLLB-200 has no code"):
        Translate(TranslateConfig(source_lang="bbj", target_lang="en"))


def test_easyproject_stage_marks_entities_and_translates_each_entity_once(tiny_models, monkeypatch):
    from projner.processing.stages.translation import (
        EasyProjectTranslate,
        EasyProjectTranslateConfig,
        Translated,
        easyproject_translate_config,
    )

    config = easyproject_translate_config("en", "de", tokenizer=None, model=str(tiny_models["translator"]))
    stage = EasyProjectTranslate(EasyProjectTranslateConfig(translate=config))
    seen: list[list[str]] = []

    def echo(texts, rank=None):  # the translator's own behaviour is tested above
        seen.append(list(texts))
        return [Translated(t.upper(), 1, True, 1) for t in texts]

    monkeypatch.setattr(stage.translator, "translate", echo)
    out = stage({
        "src_tokens": [["Angela", "Merkel", "visited", "Paris", "."], ["Paris", "[", "again", "]"]],
        "src_tags": [["B-PER", "I-PER", "O", "B-LOC", "O"], ["B-LOC", "O", "O", "O"]],
    })
    assert seen[0] == ["[Angela Merkel] visited [Paris].", "[Paris] (again)"]
    assert seen[1] == ["Angela Merkel", "Paris"]  # each distinct entity string once
    assert out["marked_translation"] == ["[ANGELA MERKEL] VISITED [PARIS].", "[PARIS] (AGAIN)"]
    assert out["entity_translations"] == [["ANGELA MERKEL", "PARIS"], ["PARIS"]]
    assert EasyProjectTranslate(EasyProjectTranslateConfig(translate=easyproject_translate_config("en", "de"))
                                ).translator.config.tokenizer == "facebook/nllb-200-3.3B"


def test_project_marked_reads_spans_back_and_counts_what_it_cannot_match():
    from projner.processing.stages.translation import ProjectMarked, ProjectMarkedConfig

    stage = ProjectMarked(ProjectMarkedConfig(target_lang="de"))
    out = stage({
        "src_tokens": [["Angela", "Merkel", "visited", "Paris", "."], ["Bonn", "and", "Rome"]],
        "src_tags": [["B-PER", "I-PER", "O", "B-LOC", "O"], ["B-LOC", "O", "B-LOC"]],
        "marked_translation": ["[Angela Merkel] besuchte [Paris].", "[Bonn und Rom"],
        "entity_translations": [["Angela Merkel", "Paris"], ["Bonn", "Rom"]],
    })
    assert out["tgt_tokens"][0] == ["Angela", "Merkel", "besuchte", "Paris", "."]
    assert out["projected_tags"][0] == ["B-PER", "I-PER", "O", "B-LOC", "O"]
    assert out["translation"] == ["Angela Merkel besuchte Paris .", "Bonn und Rom"]  # a removed marker leaves a space
    text, offsets = out["translation"][0], out["translation_offsets"][0]
    assert [text[a:b] for a, b in offsets] == out["tgt_tokens"][0]
    assert out["projection_issues"] == ["", "entity without marked span+unbalanced markers"]
    assert out["projected_tags"][1] == ["O", "O", "O"] and out["easyproject_problems"][1]
