import pytest

from projner.languages import (
    LANGUAGES,
    MASAKHANER2_LANGUAGES,
    PANX_LANGUAGES,
    LanguageError,
    get_language,
)

PANX_CODES = "af ar bg bn de el en es et eu fa fi fr he hi hu id it ja jv ka kk ko ml mr ms my nl pt ru sw ta te th tl tr ur vi yo zh".split()
MASAKHANER2_CODES = "bam bbj ewe fon hau ibo kin lug luo mos nya pcm sna swa tsn twi wol xho yor zul".split()


def test_dataset_configs_cover_both_datasets():
    assert [lang.panx for lang in PANX_LANGUAGES] == [f"PAN-X.{c}" for c in PANX_CODES]
    assert sorted(lang.masakhaner2 for lang in MASAKHANER2_LANGUAGES) == MASAKHANER2_CODES


def test_lookup_by_every_spelling_gives_one_language():
    swahili = get_language("sw")
    for code in ("swa", "SWA", "swh", "swh_Latn", "PAN-X.sw", "Swahili"):
        assert get_language(code) is swahili
    assert swahili.nllb == "swh_Latn" and swahili.masakhaner2 == "swa"
    assert get_language("zh").nllb == "zho_Hans"
    assert get_language("yor").code == "yo"
    assert get_language("pcm").code == "pcm"


@pytest.mark.parametrize("code", ["bbj", "pcm"])
def test_languages_without_nllb_say_so(code):
    lang = get_language(code)
    assert lang.nllb is None
    with pytest.raises(LanguageError, match="NLLB-200 has no code"):
        lang.require_nllb()


def test_scripts_without_spaces():
    assert {lang.code for lang in LANGUAGES if not lang.spaces} == {"ja", "th", "zh", "my"}


def test_unknown_code_lists_close_matches():
    with pytest.raises(LanguageError, match=r"unknown language code 'yorr'.*yor"):
        get_language("yorr")


def test_codes_are_unique():
    for attr in ("iso639_3", "nllb", "panx", "masakhaner2", "iso639_1", "name"):
        values = [getattr(lang, attr) for lang in LANGUAGES if getattr(lang, attr)]
        assert len(values) == len(set(values)), attr


def test_stage_configs_hold_canonical_codes_so_every_spelling_is_one_cache_key():
    from projner.processing.stages.translation import (
        ProjectMarkedConfig,
        Translate,
        TranslateConfig,
    )
    from projner.processing.stages.words import DetokenizeConfig, SplitWordsConfig

    spellings = [TranslateConfig("en", code, model="m") for code in ("hau", "ha", "hausa", "Hausa", "hau_Latn")]
    assert {config.target_lang for config in spellings} == {"ha"}
    assert len({Translate(config).fingerprint("previous") for config in spellings}) == 1
    assert DetokenizeConfig(lang="yoruba") == DetokenizeConfig(lang="yo")
    assert SplitWordsConfig(lang="swh").lang == SplitWordsConfig(lang="swa").lang == "sw"
    assert ProjectMarkedConfig(target_lang="deu").target_lang == "de"
    with pytest.raises(LanguageError, match="close matches: yor"):
        TranslateConfig("en", "yorr")
