"""Words of scripts without spaces: real segmenters through the language table, graphemes without them."""

from __future__ import annotations

import dataclasses
import unicodedata
import warnings

import pytest

from projner.languages import LANGUAGES, get_language
from projner.processing import segmenters
from projner.processing.segmenters import SegmenterMissingWarning, segmenter_version
from projner.processing.stages.words import SplitWords, SplitWordsConfig
from projner.processing.text import is_combining_only, split_words


def test_the_language_table_names_a_segmenter_only_for_scripts_without_spaces():
    named = {lang.code: lang.segmenter for lang in LANGUAGES if lang.segmenter}
    assert named == {"th": "pythainlp", "ja": "sudachipy", "zh": "jieba"}
    assert all(not get_language(code).spaces for code in named)
    assert set(named.values()) == set(segmenters.SEGMENTERS)
    assert get_language("my").segmenter is None  # Burmese: grapheme clusters


@pytest.mark.parametrize(
    ("lang", "package", "text", "words"),
    [
        ("zh", "jieba", "北京是中国的首都。", ["北京", "是", "中国", "的", "首都", "。"]),
        ("ja", "sudachipy", "東京で会議が開かれた。", ["東京", "で", "会議", "が", "開か", "れ", "た", "。"]),
        ("th", "pythainlp", "กรุงเทพมหานครเป็นเมืองหลวง", ["กรุงเทพมหานคร", "เป็น", "เมืองหลวง"]),
    ],
)
def test_a_language_with_a_segmenter_is_split_into_its_words(lang, package, text, words):
    pytest.importorskip(package)
    out, offsets = split_words(text, get_language(lang))
    assert out == words
    assert [text[a:b] for a, b in offsets] == words


def test_segmented_words_never_hold_a_space_even_where_the_dictionary_has_one():
    pytest.importorskip("sudachipy")
    text = "ニューヨークとNew Yorkは同じ。"  # Sudachi's dictionary has "New York" as one entry
    words, offsets = split_words(text, get_language("ja"))
    assert "New" in words and "York" in words
    assert not any(char.isspace() for word in words for char in word)
    assert [text[a:b] for a, b in offsets] == words


def test_pieces_that_cut_a_grapheme_cluster_are_joined_and_skipped_text_is_kept():
    text = "กุ้งเผา"  # ก + ุ + ้ form one cluster
    spans = segmenters._pieces_to_spans(text, ["ก", "ุ้ง", "เผา"], offset=10)
    assert [text[a - 10:b - 10] for a, b in spans] == ["กุ้ง", "เผา"]
    spans = segmenters._pieces_to_spans("abcdef", ["ab", "ef"], offset=0)  # "cd" dropped by the segmenter
    assert [("abcdef")[a:b] for a, b in spans] == ["ab", "cd", "ef"]


def test_without_the_segmenter_words_are_graphemes_and_one_line_names_the_extra(monkeypatch):
    def missing() -> None:
        raise ImportError("No module named 'jieba'", name="jieba")

    monkeypatch.setitem(segmenters._LOADERS, "jieba", missing)
    segmenters._load.cache_clear()
    segmenter_version.cache_clear()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            words, _ = split_words("北京是首都", get_language("zh"))
            split_words("上海", get_language("zh"))  # warned once per process, not per sentence
        caught = [w for w in caught if issubclass(w.category, SegmenterMissingWarning)]
        assert words == list("北京是首都")
        assert len(caught) == 1
        message = str(caught[0].message)
        assert "\n" not in message and "projner[chinese]" in message and "jieba" in message
        assert segmenter_version("jieba") == "graphemes"
        fallback = SplitWords(SplitWordsConfig(lang="zh")).fingerprint("x")
    finally:
        monkeypatch.undo()
        segmenters._load.cache_clear()
        segmenter_version.cache_clear()
    pytest.importorskip("jieba")
    # The words depend on whether the segmenter is there, and so does the cache of the stage.
    assert SplitWords(SplitWordsConfig(lang="zh")).fingerprint("x") != fallback
    assert segmenter_version("jieba").startswith("jieba==")


@pytest.mark.parametrize("lang", ["th", "ja", "zh"])
def test_segmented_text_loses_nothing_and_keeps_marks_on_their_letters(lang):
    language = get_language(lang)
    pytest.importorskip(segmenters.SEGMENTERS[language.segmenter].packages[0])
    text = unicodedata.normalize("NFC", "นายโคริ ชูลแมน \u0e38กล่าว 東京と北京 2024年 (AB-12) ฯลฯ")
    words, offsets = split_words(text, language)
    assert "".join(words) == "".join(text.split())
    assert all(not is_combining_only(w) for w in words[1:])
    for word, (a, b) in zip(words, offsets):
        assert "".join(text[a:b].split()) == word


def test_a_language_without_a_segmenter_in_the_table_stays_graphemes():
    no_segmenter = dataclasses.replace(get_language("th"), segmenter=None)
    assert split_words("กรุงเทพ", no_segmenter)[0] == ["ก", "รุ", "ง", "เ", "ท", "พ"]
