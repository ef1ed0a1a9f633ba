"""The fictional country Estoria: deterministic, clearly fictional, realistic where it matters."""

import numpy as np
import pandas as pd
import pytest

from losi_course.data import load_egdi_2022, load_losi_2022_cities
from losi_course.errors import LosiInputError
from losi_course.fictional import (ASSESSOR_NAMES, COUNTRY_NAME, MUNICIPALITY_NAMES, NOTICE, REGIONS,
                                   FictionalCountry, load_fictional_country, make_fictional_country)
from losi_course.framework import load_instrument
from losi_course.scoring import score_assessment, score_table

INSTRUMENT = load_instrument("2024")
TABLES = ("municipalities", "assessments_a", "assessments_b", "consensus")
SEEDS = (0, 1, 2, 3, 2023)


@pytest.fixture(scope="module")
def estoria() -> FictionalCountry:
    return load_fictional_country()


@pytest.fixture(scope="module")
def countries() -> list[FictionalCountry]:
    return [make_fictional_country(seed, n) for seed in SEEDS for n in (25, 32, 40)]


def test_same_seed_gives_identical_data():
    first, second = make_fictional_country(11, 30), make_fictional_country(11, 30)
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))
    assert first.assessors == second.assessors


def test_different_seeds_give_different_data():
    first, second = make_fictional_country(11, 30), make_fictional_country(12, 30)
    assert not first.consensus.equals(second.consensus)


def test_default_country_is_seed_2023_with_32_municipalities(estoria):
    reference = make_fictional_country(2023, 32)
    assert estoria.name == COUNTRY_NAME == "Estoria"
    assert estoria.seed == 2023 and len(estoria.municipalities) == 32
    pd.testing.assert_frame_equal(estoria.consensus, reference.consensus)


def test_load_returns_independent_copies():
    first = load_fictional_country()
    first.consensus.iloc[:, :] = 0
    first.municipalities.loc[0, "population"] = -1
    second = load_fictional_country()
    assert second.consensus.to_numpy().sum() > 0
    assert (second.municipalities["population"] > 0).all()


def test_sizes_and_shapes(countries):
    for country in countries:
        table = country.municipalities
        n_portal = int(table["has_portal"].sum())
        assert list(table.columns) == ["municipality", "region", "population", "has_portal"]
        assert table["municipality"].is_unique
        assert 3 <= len(table) - n_portal <= 5
        for name in ("assessments_a", "assessments_b", "consensus"):
            answers = getattr(country, name)
            assert answers.shape == (n_portal, 95)
            assert answers.index.name == "municipality"
            assert list(answers.columns) == list(INSTRUMENT.ids)
            assert set(np.unique(answers.to_numpy())) <= {0, 1}
        with_portal = set(table.loc[table["has_portal"], "municipality"])
        assert set(country.consensus.index) == with_portal == set(country.assessors)
        assert all(a != b and a in ASSESSOR_NAMES and b in ASSESSOR_NAMES for a, b in country.assessors.values())


def test_regions_population_and_capital(estoria):
    table = estoria.municipalities
    assert set(table["region"]) <= set(REGIONS) and 4 <= table["region"].nunique() <= 5
    assert (table["population"] > 0).all()
    capital = table.loc[table["population"].idxmax()]
    assert capital["region"] == "Capital District" and bool(capital["has_portal"])


def test_every_table_is_flagged_fictional(estoria):
    for name in TABLES:
        attrs = getattr(estoria, name).attrs
        assert attrs["fictional"] is True and attrs["notice"] == NOTICE
    assert "fictional" in estoria.notice.lower() and "fictional" in estoria.description.lower()
    assert "fictional" in repr(estoria).lower()


def test_names_are_invented():
    real = set(load_egdi_2022()["country"]) | set(load_losi_2022_cities()["city"])
    assert "Velmora" not in MUNICIPALITY_NAMES
    assert not real & set(MUNICIPALITY_NAMES)
    assert len(set(MUNICIPALITY_NAMES)) == len(MUNICIPALITY_NAMES) >= 40


def test_assessors_differ_within_the_designed_band(countries):
    for country in countries:
        differ = (country.assessments_a != country.assessments_b).to_numpy().mean()
        assert 0.05 <= differ <= 0.12, (country.seed, differ)
        # each assessor also departs from the reconciled answers, but only a little
        for answers in (country.assessments_a, country.assessments_b):
            off = (answers != country.consensus).to_numpy().mean()
            assert 0.01 <= off <= 0.08


def test_human_items_disagree_more_than_auto_items(countries):
    tiers = pd.Series({i.id: i.automation for i in INSTRUMENT})
    for country in countries:
        by_tier = (country.assessments_a != country.assessments_b).mean().groupby(tiers).mean()
        assert by_tier["HUMAN"] > by_tier["HINT"] > 0
        assert by_tier["HUMAN"] > by_tier["AUTO"]


def test_services_provision_is_weakest_nationally(countries):
    criteria = list(INSTRUMENT.criteria)
    for country in countries:
        averages = score_table(country.consensus)[criteria].mean()
        assert averages.idxmin() == "Services Provision", country.seed


def test_maturity_follows_population_and_levels_vary(estoria):
    scores = score_table(estoria.consensus)
    population = estoria.municipalities.set_index("municipality")["population"].reindex(scores.index)
    assert np.corrcoef(np.log(population), scores["losi"])[0, 1] > 0.2
    assert scores["level"].nunique() >= 3


def test_published_2022_shares_are_loosely_followed(countries):
    known = {i.id: i.adoption_2022 for i in INSTRUMENT if i.adoption_2022 is not None}
    pooled = pd.concat([c.consensus for c in countries])[list(known)].mean()
    published = pd.Series(known)
    assert np.corrcoef(pooled, published)[0, 1] > 0.6


@pytest.mark.parametrize("bad", [24, 41, 0, 32.0, True, "32"])
def test_bad_number_of_municipalities_is_refused(bad):
    with pytest.raises(LosiInputError, match="municipalities"):
        make_fictional_country(n_municipalities=bad)


@pytest.mark.parametrize("bad", [-1, 1.5, "2023", None])
def test_bad_seed_is_refused(bad):
    with pytest.raises(LosiInputError, match="seed"):
        make_fictional_country(seed=bad)


def test_assessment_of_one_municipality(estoria):
    name = estoria.assessed[0]
    for source, table in (("consensus", estoria.consensus), ("a", estoria.assessments_a),
                          ("b", estoria.assessments_b)):
        assessment = estoria.assessment(name, source)
        assert assessment.is_complete and "fictional" in assessment.country
        assert score_assessment(assessment).indicators_met == int(table.loc[name].sum())
    with pytest.raises(LosiInputError, match="not an assessed municipality"):
        estoria.assessment("Velmora")
    with pytest.raises(LosiInputError, match="source"):
        estoria.assessment(name, "c")
