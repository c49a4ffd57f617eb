"""The one language table: codes, dataset configs, NLLB-200 codes, script and word spacing.

Every stage that needs to know something about a language asks this table, so that a code is
spelled one way in the whole project and an unknown code fails early with the close matches.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache

from projner.errors import UserError


@dataclass(frozen=True, slots=True)
class Language:
    """One language and the names it goes by in the datasets and models projner uses."""

    name: str
    iso639_3: str
    iso639_1: str | None
    script: str
    spaces: bool
    """Whether the script separates words by spaces (False for ja, th, zh, my)."""
    segmenter: str | None
    """Where ``spaces`` is False: the word segmenter (``processing.segmenters``) that splits the
    language's text, if one exists; without it (or where it is not installed) grapheme clusters."""
    nllb: str | None
    """NLLB-200 (FLORES-200) code; None where NLLB-200 does not cover the language."""
    panx: str | None = None
    """XTREME PAN-X config name, e.g. ``PAN-X.de``."""
    masakhaner2: str | None = None
    """MasakhaNER 2.0 config name (ISO 639-3)."""

    @property
    def code(self) -> str:
        """The code projner writes: ISO 639-1 where it exists, else ISO 639-3 (as the Hub does)."""
        return self.iso639_1 or self.iso639_3

    def require_nllb(self) -> str:
        """The NLLB-200 code, or an error saying NLLB-200 has none for this language."""
        if self.nllb is None:
            raise LanguageError(
                f"NLLB-200 has no code for {self.name} ({self.iso639_3}): it cannot be translated "
                "with NLLB-200; pass a translator that covers it or use a related language"
            )
        return self.nllb


class LanguageError(UserError):
    """An unknown language code, or a language that lacks what a step needs."""


def _lang(name: str, iso3: str, iso1: str | None, script: str, nllb: str | None, *,
          panx: bool = False, masakhaner2: bool = False, spaces: bool = True,
          segmenter: str | None = None) -> Language:
    return Language(
        name=name,
        iso639_3=iso3,
        iso639_1=iso1,
        script=script,
        spaces=spaces,
        segmenter=segmenter,
        nllb=nllb,
        panx=f"PAN-X.{iso1}" if panx else None,
        masakhaner2=iso3 if masakhaner2 else None,
    )


LANGUAGES: tuple[Language, ...] = (
    # XTREME PAN-X (40 languages)
    _lang("Afrikaans", "afr", "af", "Latn", "afr_Latn", panx=True),
    _lang("Arabic", "ara", "ar", "Arab", "arb_Arab", panx=True),
    _lang("Bulgarian", "bul", "bg", "Cyrl", "bul_Cyrl", panx=True),
    _lang("Bengali", "ben", "bn", "Beng", "ben_Beng", panx=True),
    _lang("German", "deu", "de", "Latn", "deu_Latn", panx=True),
    _lang("Greek", "ell", "el", "Grek", "ell_Grek", panx=True),
    _lang("English", "eng", "en", "Latn", "eng_Latn", panx=True),
    _lang("Spanish", "spa", "es", "Latn", "spa_Latn", panx=True),
    _lang("Estonian", "est", "et", "Latn", "est_Latn", panx=True),
    _lang("Basque", "eus", "eu", "Latn", "eus_Latn", panx=True),
    _lang("Persian", "fas", "fa", "Arab", "pes_Arab", panx=True),
    _lang("Finnish", "fin", "fi", "Latn", "fin_Latn", panx=True),
    _lang("French", "fra", "fr", "Latn", "fra_Latn", panx=True),
    _lang("Hebrew", "heb", "he", "Hebr", "heb_Hebr", panx=True),
    _lang("Hindi", "hin", "hi", "Deva", "hin_Deva", panx=True),
    _lang("Hungarian", "hun", "hu", "Latn", "hun_Latn", panx=True),
    _lang("Indonesian", "ind", "id", "Latn", "ind_Latn", panx=True),
    _lang("Italian", "ita", "it", "Latn", "ita_Latn", panx=True),
    _lang("Japanese", "jpn", "ja", "Jpan", "jpn_Jpan", panx=True, spaces=False, segmenter="sudachipy"),
    _lang("Javanese", "jav", "jv", "Latn", "jav_Latn", panx=True),
    _lang("Georgian", "kat", "ka", "Geor", "kat_Geor", panx=True),
    _lang("Kazakh", "kaz", "kk", "Cyrl", "kaz_Cyrl", panx=True),
    _lang("Korean", "kor", "ko", "Hang", "kor_Hang", panx=True),
    _lang("Malayalam", "mal", "ml", "Mlym", "mal_Mlym", panx=True),
    _lang("Marathi", "mar", "mr", "Deva", "mar_Deva", panx=True),
    _lang("Malay", "msa", "ms", "Latn", "zsm_Latn", panx=True),
    _lang("Burmese", "mya", "my", "Mymr", "mya_Mymr", panx=True, spaces=False),
    _lang("Dutch", "nld", "nl", "Latn", "nld_Latn", panx=True),
    _lang("Portuguese", "por", "pt", "Latn", "por_Latn", panx=True),
    _lang("Russian", "rus", "ru", "Cyrl", "rus_Cyrl", panx=True),
    _lang("Swahili", "swa", "sw", "Latn", "swh_Latn", panx=True, masakhaner2=True),
    _lang("Tamil", "tam", "ta", "Taml", "tam_Taml", panx=True),
    _lang("Telugu", "tel", "te", "Telu", "tel_Telu", panx=True),
    _lang("Thai", "tha", "th", "Thai", "tha_Thai", panx=True, spaces=False, segmenter="pythainlp"),
    _lang("Tagalog", "tgl", "tl", "Latn", "tgl_Latn", panx=True),
    _lang("Turkish", "tur", "tr", "Latn", "tur_Latn", panx=True),
    _lang("Urdu", "urd", "ur", "Arab", "urd_Arab", panx=True),
    _lang("Vietnamese", "vie", "vi", "Latn", "vie_Latn", panx=True),
    _lang("Yoruba", "yor", "yo", "Latn", "yor_Latn", panx=True, masakhaner2=True),
    _lang("Chinese", "zho", "zh", "Hans", "zho_Hans", panx=True, spaces=False, segmenter="jieba"),
    # MasakhaNER 2.0 (20 languages; swa and yor above)
    _lang("Bambara", "bam", "bm", "Latn", "bam_Latn", masakhaner2=True),
    _lang("Ghomala", "bbj", None, "Latn", None, masakhaner2=True),
    _lang("Ewe", "ewe", "ee", "Latn", "ewe_Latn", masakhaner2=True),
    _lang("Fon", "fon", None, "Latn", "fon_Latn", masakhaner2=True),
    _lang("Hausa", "hau", "ha", "Latn", "hau_Latn", masakhaner2=True),
    _lang("Igbo", "ibo", "ig", "Latn", "ibo_Latn", masakhaner2=True),
    _lang("Kinyarwanda", "kin", "rw", "Latn", "kin_Latn", masakhaner2=True),
    _lang("Luganda", "lug", "lg", "Latn", "lug_Latn", masakhaner2=True),
    _lang("Dholuo", "luo", None, "Latn", "luo_Latn", masakhaner2=True),
    _lang("Mossi", "mos", None, "Latn", "mos_Latn", masakhaner2=True),
    _lang("Chichewa", "nya", "ny", "Latn", "nya_Latn", masakhaner2=True),
    _lang("Nigerian Pidgin", "pcm", None, "Latn", None, masakhaner2=True),
    _lang("Shona", "sna", "sn", "Latn", "sna_Latn", masakhaner2=True),
    _lang("Setswana", "tsn", "tn", "Latn", "tsn_Latn", masakhaner2=True),
    _lang("Twi", "twi", "tw", "Latn", "twi_Latn", masakhaner2=True),
    _lang("Wolof", "wol", "wo", "Latn", "wol_Latn", masakhaner2=True),
    _lang("Xhosa", "xho", "xh", "Latn", "xho_Latn", masakhaner2=True),
    _lang("Zulu", "zul", "zu", "Latn", "zul_Latn", masakhaner2=True),
    # Further WikiANN languages in the XTREME preprocessed dev files and the Rahimi splits
    _lang("Amharic", "amh", "am", "Ethi", "amh_Ethi"),
    _lang("Azerbaijani", "aze", "az", "Latn", "azj_Latn"),
    _lang("Gujarati", "guj", "gu", "Gujr", "guj_Gujr"),
    _lang("Lithuanian", "lit", "lt", "Latn", "lit_Latn"),
    _lang("Punjabi", "pan", "pa", "Guru", "pan_Guru"),
    _lang("Polish", "pol", "pl", "Latn", "pol_Latn"),
    _lang("Quechua", "que", "qu", "Latn", "quy_Latn"),
    _lang("Romanian", "ron", "ro", "Latn", "ron_Latn"),
    _lang("Ukrainian", "ukr", "uk", "Cyrl", "ukr_Cyrl"),
)

PANX_LANGUAGES: tuple[Language, ...] = tuple(lang for lang in LANGUAGES if lang.panx)
MASAKHANER2_LANGUAGES: tuple[Language, ...] = tuple(lang for lang in LANGUAGES if lang.masakhaner2)


@cache
def _index() -> dict[str, Language]:
    """Every spelling a user may type, lower-cased, to its language."""
    index: dict[str, Language] = {}
    for lang in LANGUAGES:
        keys = [lang.iso639_3, lang.iso639_1, lang.nllb, lang.panx, lang.name]
        for key in keys:
            if key:
                index[key.lower()] = lang
    # ISO 639-3 individual-language codes that users meet for macrolanguages above.
    for alias, target in {"swh": "swa", "arb": "ara", "pes": "fas", "zsm": "msa", "ekk": "est",
                          "azj": "aze", "quy": "que", "cmn": "zho", "aka": "twi"}.items():
        index.setdefault(alias, index[target])
    return index


def get_language(code: str) -> Language:
    """Look a language up by ISO 639-1/639-3 code, NLLB code, PAN-X config or English name."""
    if not isinstance(code, str):
        raise TypeError(f"a language code is a string ('de', 'deu', 'German'), got {type(code).__name__} {code!r}")
    found = _index().get(code.strip().lower())
    if found is not None:
        return found
    close = difflib.get_close_matches(code.strip().lower(), _index().keys(), n=5, cutoff=0.6)
    hint = f"; close matches: {', '.join(close)}" if close else ""
    raise LanguageError(f"unknown language code {code!r}{hint}")


def canonical_codes(config: object, *fields: str) -> None:
    """Replace a frozen config's language fields by their canonical codes (``hausa``/``hau`` → ``ha``).

    Called from ``__post_init__``: a stage's cache key then names the language, not its spelling,
    and an unknown code fails when the config is made, before any model loads.
    """
    for name in fields:
        object.__setattr__(config, name, get_language(getattr(config, name)).code)
