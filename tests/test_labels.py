import pytest

from projner.labels import (
    CONLL2003_LABELS,
    MASAKHANER2_LABELS,
    PANX_LABELS,
    LabelMap,
    LabelMapError,
    LabelMapWarning,
    entity_types,
    labels_for_types,
)


def test_hub_label_orders():
    assert PANX_LABELS == ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC")
    assert MASAKHANER2_LABELS[-2:] == ("B-DATE", "I-DATE")
    assert labels_for_types(entity_types(CONLL2003_LABELS)) == CONLL2003_LABELS


def test_label_map_drops_and_renames_by_type():
    label_map = LabelMap.parse(["MISC=O", "PERSON=PER"])
    assert label_map.map_tags(["B-MISC", "I-MISC", "B-PERSON", "I-PERSON", "B-LOC", "O"]) == [
        "O", "O", "B-PER", "I-PER", "B-LOC", "O"]
    assert label_map.map_labels(CONLL2003_LABELS) == PANX_LABELS
    assert label_map.as_strings() == ["MISC=O", "PERSON=PER"]


@pytest.mark.parametrize("bad", ["MISC", "=O", "B-MISC=O"])
def test_label_map_rejects_malformed_entries(bad):
    with pytest.raises(ValueError, match="label map entry"):
        LabelMap.parse([bad])


@pytest.mark.parametrize("bad, said", [
    ("MISC=O=X", "with one '='"), ("MISC=", "with one '='"), ("O=PER", "O is not an entity type"),
    ("MI SC=O", "is not an entity type name"), ("PER=B-LOC", "names a tag"),
])
def test_label_map_entries_have_one_equals_sign_and_type_names_on_both_sides(bad, said):
    with pytest.raises(LabelMapError, match=said):
        LabelMap.parse([bad])


def test_label_map_refuses_one_type_mapped_two_ways():
    with pytest.raises(LabelMapError, match="already mapped to O"):
        LabelMap.parse(["MISC=O", "MISC=PER"])


def test_a_swap_applies_both_entries_at_once():
    swap = LabelMap.parse(["LOC=PER", "PER=LOC"])
    assert swap.map_tags(["B-PER", "I-PER", "B-LOC", "O", "B-ORG"]) == ["B-LOC", "I-LOC", "B-PER", "O", "B-ORG"]
    assert not swap.maps_away("PER") and not swap.maps_away("LOC")
    assert set(entity_types(swap.map_labels(PANX_LABELS))) == {"PER", "ORG", "LOC"}


def test_an_absent_type_warns_naming_the_types_present_and_is_an_error_when_strict():
    label_map = LabelMap.parse(["misc=O", "FOO=O"])
    with pytest.warns(LabelMapWarning) as caught:
        label_map.check_types(["PER", "MISC"], where="x.conll")
    messages = [str(w.message) for w in caught]
    assert messages[0] == ("label map entry misc=O: x.conll has no entity type misc (types present: PER, MISC); "
                           "did you mean MISC?")
    assert messages[1].startswith("label map entry FOO=O: x.conll has no entity type FOO (types present: PER, MISC)")
    with pytest.raises(LabelMapError, match="no entity type misc"):
        label_map.check_types(["PER", "MISC"], where="x.conll", strict=True)
