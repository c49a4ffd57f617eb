import unicodedata

from projner.processing.text import is_combining_only, normalize_words


def test_lone_tone_marks_rejoin_the_previous_word_and_are_composed():
    # "Ọ̀yọ́" as MT output splits it: O + dot below, a lone grave; "yo", a lone dot below + acute.
    words = ["Ilu", "O\u0323", "\u0300", "yo", "\u0323\u0301"]
    out, origin = normalize_words(words)
    assert out == ["Ilu", "\u1ECC\u0300", "y\u1ECD\u0301"]
    assert out[1:] == [unicodedata.normalize("NFC", w) for w in ("Ọ̀", "yọ́")]
    assert origin == [0, 1, 1, 2, 2]
    assert not any(is_combining_only(w) for w in out)


def test_a_leading_mark_stays_a_word():
    out, origin = normalize_words(["\u0300", "a"])
    assert out == ["\u0300", "a"] and origin == [0, 1]
