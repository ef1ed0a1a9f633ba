"""The shipped data: published check values re-derived, provenance, integrity guard."""


import pytest

from losi_course import data, datafiles
from losi_course.errors import DataIntegrityError, LosiInputError


def test_egdi_has_the_193_member_states_with_unique_codes():
    egdi = data.load_egdi_2022()
    assert len(egdi) == 193
    assert egdi["iso3"].is_unique and egdi["country"].is_unique
    assert egdi["egdi_2022"].between(0, 1).all()


def test_egdi_world_mean_matches_the_published_average():
    egdi = data.load_egdi_2022()
    assert round(egdi["egdi_2022"].mean(), 4) == data.losi_2022_check_value("egdi2022_world_average")


@pytest.mark.parametrize("region", ["africa", "americas", "asia", "europe", "oceania"])
def test_regional_means_match_the_recorded_check_values(region):
    egdi = data.load_egdi_2022()
    mean = egdi.loc[egdi["region"].str.lower() == region, "egdi_2022"].mean()
    assert round(mean, 4) == data.losi_2022_check_value(f"egdi2022_mean_{region}_derived")


def test_region_sizes_are_the_surveys_five_regions():
    counts = data.load_egdi_2022()["region"].value_counts().to_dict()
    assert counts == {"Africa": 54, "Asia": 47, "Europe": 43, "Americas": 35, "Oceania": 14}


def test_denmark_is_ranked_first():
    egdi = data.load_egdi_2022().sort_values("egdi_rank_2022")
    assert egdi.iloc[0]["country"] == "Denmark"
    assert egdi.iloc[0]["egdi_level"] == "Very high"


def test_group_flags_match_the_recorded_counts():
    egdi = data.load_egdi_2022()
    assert int(egdi["ldc_2022"].sum()) == data.losi_2022_check_value("egdi2022_n_countries_ldc")
    assert int(egdi["lldc"].sum()) == data.losi_2022_check_value("egdi2022_n_countries_lldc")
    assert int(egdi["sids"].sum()) == data.losi_2022_check_value("egdi2022_n_countries_sids_unsd_flag")


def test_egdi_levels_follow_the_survey_bands():
    egdi = data.load_egdi_2022()
    very_high = egdi[egdi["egdi_level"] == "Very high"]
    low = egdi[egdi["egdi_level"] == "Low"]
    assert (very_high["egdi_2022"] > 0.75).all()
    assert (low["egdi_2022"] <= 0.25).all()
    assert set(egdi["egdi_level"].cat.categories) == {"Low", "Middle", "High", "Very high"}


def test_losi_2022_level_shares_add_up_to_100_percent_of_146():
    names = ["very_high", "high", "middle", "low"]
    shares = [data.losi_2022_check_value(f"losi2022_pct_{n}_of_146") for n in names]
    assert sum(shares) == 100
    assert data.losi_2022_check_value("losi2022_cities_targeted") - data.losi_2022_check_value(
        "losi2022_cities_with_accessible_portal_assessed") == data.losi_2022_check_value(
        "losi2022_cities_not_assessed_derived") == 47


def test_participation_shares_are_whole_numbers_of_the_146_cities():
    pe = data.load_losi_2022_participation()
    assert len(pe) == 17
    cities = pe["pct_cities_2022"] * 146 / 100
    assert ((cities - cities.round()).abs() < 0.02).all()
    assert (cities.round().astype(int) == pe["cities_meeting_2022"]).all()


def test_published_city_results():
    cities = data.load_losi_2022_cities().set_index("city")
    assert cities.loc["Dubai", "losi_2022"] == 0.9186
    assert cities.loc["Berlin", "indicators_met"] == 84
    assert list(cities.sort_values("rank").index) == ["Berlin", "Madrid", "Tallinn", "Copenhagen", "Dubai"]


def test_pilot_facts():
    pilots = data.load_pilots().set_index("country")
    assert pilots.loc["Jordan", "cities_assessed"] == 19
    assert {"Brazil", "Jordan", "State of Palestine"} <= set(pilots.index)


def test_every_dataset_loads_and_names_its_source():
    for name, dataset in data.DATASETS.items():
        frame = data.load_dataset(name)
        assert len(frame) > 0, name
        assert dataset.source and dataset.title


def test_unknown_dataset_and_check_value_names_give_clear_errors():
    with pytest.raises(LosiInputError, match="no dataset called 'nope'"):
        data.load_dataset("nope")
    with pytest.raises(LosiInputError, match="not one of the published"):
        data.losi_2022_check_value("nope")


def test_manifest_covers_every_shipped_file_and_all_verify():
    results = datafiles.verify_data()
    folder = datafiles.data_dir()
    shipped = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.suffix in (".csv", ".md")}
    assert set(results) == shipped
    assert all(results.values())


def test_an_edited_data_file_is_refused_with_a_clear_message(data_copy):
    target = data_copy / "egdi2022_countries.csv"
    target.write_text(target.read_text().replace("0.97170", "0.99999"))
    with pytest.raises(DataIntegrityError, match="egdi2022_countries.csv does not match its recorded checksum"):
        data.load_egdi_2022()
    assert datafiles.verify_data()["egdi2022_countries.csv"] is False


def test_a_missing_data_file_or_manifest_is_reported(data_copy):
    (data_copy / "pilots.csv").unlink()
    with pytest.raises(DataIntegrityError, match="pilots.csv is missing"):
        data.load_pilots()
    (data_copy / "MANIFEST.sha256").unlink()
    with pytest.raises(DataIntegrityError, match="manifest"):
        data.load_egdi_2022()
