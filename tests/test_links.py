import pytest

from projner.processing.align.links import (
    PharaohError,
    format_pharaoh,
    grow,
    grow_diag_final_and,
    invert,
    parse_pharaoh,
    symmetrize,
)


def test_pharaoh_parse_zero_and_one_indexed_with_possible_links():
    line = parse_pharaoh("1-1 2p3 3-2", one_indexed=True)
    assert line.sure == [(0, 0), (2, 1)]
    assert line.possible == [(1, 2)]
    assert parse_pharaoh("").sure == []
    assert format_pharaoh([(2, 1), (0, 0)], possible=[(1, 2)]) == "0-0 2-1 1p2"


@pytest.mark.parametrize("bad,message", [("0-x", "not a Pharaoh link"), ("0-1", "link .0-1. has index 0"),
                                         ("1-\u00b2", "not a Pharaoh link"), ("\u0661-2", "not a Pharaoh link")])
def test_pharaoh_errors_name_the_place(bad, message):
    with pytest.raises(PharaohError, match=f"f.txt, line 3: {message}"):
        parse_pharaoh(bad, one_indexed=bad == "0-1", where="f.txt, line 3: ")


def test_symmetrisations():
    fwd = [(0, 0), (1, 1), (2, 1), (3, 3)]
    rev = [(0, 0), (1, 1), (2, 2), (4, 4)]
    assert symmetrize(fwd, rev, "intersection") == [(0, 0), (1, 1)]
    assert symmetrize(fwd, rev, "union") == [(0, 0), (1, 1), (2, 1), (2, 2), (3, 3), (4, 4)]
    # (2,2) and (2,1) are diagonal/adjacent neighbours of (1,1) with an unaligned word: grown;
    # (3,3) and (4,4) join in the final-and step, both words being unaligned.
    assert grow_diag_final_and(fwd, rev) == [(0, 0), (1, 1), (2, 1), (2, 2), (3, 3), (4, 4)]
    # grow takes (2,1), beside (1,1) in its column, then (2,2) beside (2,1) in its row; (3,3) and
    # (4,4) touch no aligned point (gdfa's final-and step takes them).
    assert symmetrize(fwd, rev, "grow") == grow(fwd, rev) == [(0, 0), (1, 1), (2, 1), (2, 2)]
    assert symmetrize(fwd, rev, "forward") == fwd
    assert invert([(0, 2)]) == [(2, 0)]


def test_gdfa_grows_only_into_unaligned_words():
    fwd = [(0, 0), (1, 1), (1, 0)]
    rev = [(0, 0), (1, 1), (0, 1)]
    # Both words of (1,0) and (0,1) are already aligned after the intersection: nothing grows.
    assert grow_diag_final_and(fwd, rev) == [(0, 0), (1, 1)]


def test_grow_links_one_word_to_its_translation_written_as_several():
    """German ``die Mitgliedstaaten`` (1, 2), Italian ``gli Stati membri`` (1, 2, 3): the reverse
    direction links both Italian words to the compound, the intersection only ``membri``."""
    fwd = [(0, 0), (1, 1), (2, 3)]
    rev = [(0, 0), (1, 1), (2, 2), (2, 3)]
    assert symmetrize(fwd, rev, "intersection") == [(0, 0), (1, 1), (2, 3)]
    assert grow(fwd, rev) == [(0, 0), (1, 1), (2, 2), (2, 3)]
    # A union link beside an aligned point whose both words are aligned already is not taken.
    assert grow([(0, 0), (1, 1)], [(0, 0), (1, 1), (0, 1)]) == [(0, 0), (1, 1)]
