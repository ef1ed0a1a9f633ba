"""The LOSI framework as data: both editions, ids, lookups."""

import pytest

from losi_course.errors import LosiInputError, UnknownIndicatorError
from losi_course.framework import AUTOMATION_TIERS, CRITERIA_2022, CRITERIA_2024, load_instrument


def test_2024_instrument_has_95_unique_indicators_in_6_criteria():
    losi = load_instrument("2024")
    assert losi.size == len(losi) == 95
    assert len(set(losi.ids)) == 95
    assert losi.criteria == CRITERIA_2024
    assert losi.criterion_sizes == {
        "Institutional Framework": 6, "Content Provision": 30, "Services Provision": 22,
        "Participation and Engagement": 15, "E-Government Literacy": 10, "Technology": 12,
    }


def test_the_duplicated_code_236_gets_two_stable_ids():
    losi = load_instrument("2024")
    assert losi["236-IF"].criterion == "Institutional Framework"
    assert losi["236-PE"].criterion == "Participation and Engagement"
    assert losi["236-pe"].id == "236-PE"
    with pytest.raises(UnknownIndicatorError, match="ambiguous.*236-IF.*236-PE"):
        losi["236"]


def test_every_indicator_carries_the_fields_a_form_needs():
    for ind in load_instrument("2024"):
        assert ind.label and ind.description and ind.rationale, ind.id
        assert 1 <= len(ind.steps) <= 6, ind.id
        assert ind.automation in AUTOMATION_TIERS
        assert ind.adoption_2022 is None or 0 < ind.adoption_2022 < 1


def test_2024_items_that_match_2022_participation_items_carry_their_adoption():
    losi = load_instrument("2024")
    assert losi["279"].adoption_2022 == pytest.approx(0.1918)
    assert losi["273"].adoption_2022 == pytest.approx(0.8630)
    assert sum(1 for i in losi if i.adoption_2022 is not None) == 16  # 'real time communication' has no match


def test_2022_edition_is_modelled_as_known_items_plus_counts():
    losi22 = load_instrument("2022")
    assert losi22.criteria == CRITERIA_2022
    assert losi22.size == 86 and sum(losi22.criterion_sizes.values()) == 86
    assert losi22.criterion_sizes == {
        "Institutional Framework": 8, "Content Provision": 25, "Services Provision": 18,
        "Participation and Engagement": 17, "Technology": 18,
    }
    assert not losi22.complete
    assert [i.id for i in losi22] == [f"PE{k}" for k in range(1, 18)]
    assert losi22.in_criterion("Technology") == ()
    with pytest.raises(LosiInputError, match="only 17 of its 86"):
        losi22.require_complete("a sheet")


@pytest.mark.parametrize("typed, expected", [("#281", "281"), (" 281 ", "281"), (281, "281"),
                                             ("225A", "225a"), ("269B", "269b"), (281.0, "281")])
def test_ids_are_resolved_from_what_people_type(typed, expected):
    assert load_instrument().resolve_id(typed) == expected


def test_unknown_ids_suggest_close_matches():
    with pytest.raises(UnknownIndicatorError) as caught:
        load_instrument().resolve_id("2811")
    assert "281" in str(caught.value) and "losi-course indicators" in str(caught.value)


def test_criteria_by_name_or_code():
    losi = load_instrument()
    assert losi.criterion_name("tec") == "Technology"
    assert len(losi.in_criterion("Services Provision")) == 22
    with pytest.raises(LosiInputError, match="not a criterion"):
        losi.criterion_name("Budget")


def test_unknown_edition():
    with pytest.raises(LosiInputError, match="no LOSI 2018 instrument"):
        load_instrument("2018")


def test_table_view_matches_the_objects():
    frame = load_instrument().to_frame()
    assert list(frame["id"]) == list(load_instrument().ids)
    assert frame["id"].is_unique
