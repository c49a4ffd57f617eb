"""Detokenising gold words for the translator and splitting translations back into words."""

from __future__ import annotations

import dataclasses
import unicodedata
from itertools import pairwise

import datasets
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projner.languages import get_language
from projner.processing.stages.words import (
    Detokenize,
    DetokenizeConfig,
    SplitWords,
    SplitWordsConfig,
)
from projner.processing.text import (
    detokenize,
    is_combining_only,
    piece_spans,
    split_words,
)

EN, YO, ZH, JA, TH, FR = (get_language(c) for c in ("en", "yo", "zh", "ja", "th", "fr"))
ZH_CHARS, JA_CHARS, TH_CHARS = (dataclasses.replace(lang, segmenter=None) for lang in (ZH, JA, TH))
"""Scripts without spaces, split into grapheme clusters (no segmenter; see test_segmenters.py)."""


@pytest.mark.parametrize(
    ("words", "lang", "text"),
    [
        ("EU rejects German call to boycott British lamb .".split(), EN,
         "EU rejects German call to boycott British lamb."),
        ('He said " I do n\'t know , ( really ) " and John \'s 5 % rise .'.split(), EN,
         'He said "I don\'t know, (really)" and John\'s 5% rise.'),
        ("Olúwadámilọ́lá lọ sí ìlú Èkó ní ọjọ́ Ajé .".split(), YO, "Olúwadámilọ́lá lọ sí ìlú Èkó ní ọjọ́ Ajé."),
        (list("北京是中国的首都。"), ZH, "北京是中国的首都。"),
        (["東京", "New", "York", "で", "E", "R"], JA, "東京New YorkでER"),
        (["l'", "homme", "est", "là", "!", "¿", "Qué", "?"], FR, "l'homme est là! ¿Qué?"),
    ],
)
def test_detokenize_writes_running_text_and_each_words_span(words, lang, text):
    out, offsets = detokenize(words, lang)
    assert out == text
    assert [out[a:b] for a, b in offsets] == words


@pytest.mark.parametrize(
    ("words", "lang"),
    [
        ("EU rejects German call to boycott British lamb .".split(), EN),
        ('He said " I do n\'t know , ( really ) " and John \'s 5 % rise in the U.S. .'.split(), EN),
        ("Peter Blackburn visited Baden-Württemberg on 12:30 , paying 1,000.50 euros .".split(), EN),
        ("Olúwadámilọ́lá lọ sí ìlú Èkó ní ọjọ́ Ajé .".split(), YO),
        (list("北京是中国的首都。"), ZH_CHARS),
        (list("東京で会議が開かれた。"), JA_CHARS),
    ],
)
def test_split_words_inverts_detokenize(words, lang):
    text, _ = detokenize(words, lang)
    assert split_words(text, lang)[0] == words


def test_thai_without_a_segmenter_is_cut_into_grapheme_clusters_that_keep_their_marks():
    text = "กรุงเทพมหานคร"
    words, offsets = split_words(text, TH_CHARS)
    assert "".join(words) == text
    assert "รุ" in words  # consonant + vowel mark stay one word
    assert not any(is_combining_only(w) for w in words)
    assert [text[a:b] for a, b in offsets] == words


def test_combining_marks_never_leave_their_letter_and_a_stray_mark_rejoins_its_word():
    text = unicodedata.normalize("NFC", "Ọ̀yọ́ \u0301yìí lọ")
    words, offsets = split_words(text, YO)
    assert words == [unicodedata.normalize("NFC", "Ọ̀yọ́\u0301"), "yìí", "lọ"]
    for word, (a, b) in zip(words, offsets):
        assert unicodedata.normalize("NFC", "".join(text[a:b].split())) == word


def test_english_clitics_are_split_like_conll():
    words, _ = split_words("I can't see John’s car", EN)
    assert words == ["I", "ca", "n't", "see", "John", "’s", "car"]
    assert split_words("l'homme d'Italia", FR)[0] == ["l'homme", "d'Italia"]


def test_hausa_apostrophe_letters_start_a_word_and_quotes_elsewhere_do_not():
    hau = get_language("ha")
    assert split_words("Ga 'yan tawaye a 'Kano' da 'dan'uwa", hau)[0] == [
        "Ga", "'yan", "tawaye", "a", "'", "Kano", "'", "da", "'dan'uwa"]
    assert split_words("‘yan sanda", hau)[0] == ["‘yan", "sanda"]  # the gold's own spelling
    assert split_words("Ga 'yan", YO)[0] == ["Ga", "'", "yan"]


def test_split_words_refuses_text_that_is_not_nfc():
    with pytest.raises(ValueError, match="NFC"):
        split_words("o\u0323", YO)


_CHARACTERS = list("abẹọṣAÀÉ01.,'-(%北กร") + ["\u0301", "\u0300", "\u0323", "\u0e38"]


@settings(deadline=None)  # the first example of a language loads its segmenter's dictionary
@given(st.lists(st.text(st.sampled_from(_CHARACTERS), min_size=1, max_size=6), max_size=8),
       st.sampled_from([EN, YO, ZH, TH, ZH_CHARS, TH_CHARS]))
def test_offsets_always_point_at_the_words(words, lang):
    text = unicodedata.normalize("NFC", " ".join(words))
    out, offsets = split_words(text, lang)
    assert all(0 <= a < b <= len(text) for a, b in offsets)
    assert all(b1 <= a2 for (_, b1), (a2, _) in pairwise(offsets))
    for word, (a, b) in zip(out, offsets):
        assert unicodedata.normalize("NFC", "".join(text[a:b].split())) == word
        assert not is_combining_only(word) or a == 0
    assert "".join(out) == unicodedata.normalize("NFC", "".join(text.split()))  # nothing lost


def test_piece_spans_cut_at_sentences_then_words_then_characters():
    text = "Aaa bb. Ccc ddd eee! 東京です。北京"
    spans = piece_spans(text, lambda s: len(s) <= 8)
    assert [text[a:b] for a, b in spans] == ["Aaa bb.", "Ccc ddd", "eee!", "東京です。北京"]
    assert piece_spans(text, lambda s: True) == [(0, len(text))]
    spans = piece_spans("abcdefghij", lambda s: len(s) <= 3)
    assert ["abcdefghij"[a:b] for a, b in spans] == ["abc", "def", "ghi", "j"]


def test_stages_add_columns_through_map_and_fingerprint_by_parameters():
    ds = datasets.Dataset.from_dict({"tokens": [["Ìlú", "Èkó", "."], []]})
    detok = Detokenize(DetokenizeConfig(lang="yo"))
    ds = ds.map(detok, batched=True)
    assert ds["sentence"] == ["Ìlú Èkó.", ""]
    split = SplitWords(SplitWordsConfig(lang="yo", text_column="sentence"))
    ds = ds.map(split, batched=True)
    assert ds["tgt_tokens"] == [["Ìlú", "Èkó", "."], []]
    assert ds["translation_offsets"] == [[[0, 3], [4, 7], [7, 8]], []]
    assert ds.column_names == ["tokens", "sentence", "tgt_tokens", "translation_offsets"]
    assert detok.fingerprint("a") == Detokenize(DetokenizeConfig(lang="yo")).fingerprint("a")
    assert detok.fingerprint("a") != Detokenize(DetokenizeConfig(lang="en")).fingerprint("a")
    assert detok.fingerprint("a") != detok.fingerprint("b")
