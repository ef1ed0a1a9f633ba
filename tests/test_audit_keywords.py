"""Word lists: every shipped language covers every topic, and a participant can add a language."""

import pytest

from losi_course.audit.keywords import fold, load_vocabulary
from losi_course.audit.run import run_audit
from losi_course.datafiles import verify_data
from losi_course.errors import LosiInputError
from losi_course.portal import portal_path

REQUIRED = {"en", "fr", "es", "pt", "ar", "ru", "it", "de"}


def test_the_shipped_languages_cover_every_topic_and_are_checksummed():
    vocabulary = load_vocabulary()
    assert REQUIRED <= set(vocabulary.languages)
    topics = set(vocabulary.words["en"])
    for lang in vocabulary.languages:
        assert set(vocabulary.words[lang]) == topics, lang
        empty = [t for t, words in vocabulary.words[lang].items() if not words]
        assert not empty, (lang, empty)
    checked = verify_data()
    assert all(checked[f"audit/keywords/{lang}.csv"] for lang in REQUIRED)


@pytest.mark.parametrize("lang, text", [
    ("en", "Privacy statement"), ("fr", "Politique de confidentialité"), ("es", "Política de privacidad"),
    ("pt", "Política de privacidade"), ("it", "Informativa sulla privacy"), ("de", "Datenschutzerklärung"),
    ("ru", "Политика конфиденциальности"), ("ar", "سياسة الخصوصية")])
def test_a_privacy_link_is_found_in_each_language(lang, text):
    assert load_vocabulary().find("privacy", text, (lang,))


def test_words_match_whole_words_only_unless_marked_open():
    vocabulary = load_vocabulary()
    assert vocabulary.find("faq", "Read our FAQ", ("en",)) == "faq"
    assert vocabulary.find("phone", "television schedule", ("en",)) is None
    assert vocabulary.find("privacy", "Datenschutzhinweise", ("de",))  # "datenschutz*" may continue


def test_folding_ignores_case_accents_and_arabic_marks():
    assert fold("ÉTAT CIVIL") == "etat civil"
    assert load_vocabulary().find("news", "الأخبار", ("ar",))


def test_the_page_language_chooses_the_list():
    vocabulary = load_vocabulary()
    assert vocabulary.languages_for("fr-CA") == ("fr",)
    assert vocabulary.languages_for(None) == vocabulary.languages
    assert vocabulary.find("privacy", "Confidentialité", vocabulary.languages_for("en")) is None


def test_an_extra_folder_adds_a_language_without_touching_the_shipped_files(tmp_path):
    (tmp_path / "keywords").mkdir()
    (tmp_path / "keywords" / "sw.csv").write_text("topic,words\nprivacy,faragha|sera ya faragha\n"
                                                  "contact,wasiliana nasi\n", encoding="utf-8")
    vocabulary = load_vocabulary(tmp_path)
    assert vocabulary.languages_for("sw") == ("sw",)
    assert vocabulary.find("contact", "Wasiliana nasi", ("sw",)) == "wasiliana nasi"
    assert all(verify_data().values())


def test_an_extra_social_network_turns_velmora_review_into_met(tmp_path):
    """Velmora's accounts are on invented networks: the course's list does not know them (review);
    a participant who adds them decides the indicator, exactly as for a regional network."""
    before = run_audit(portal_path(), validator=False, browser=False)
    assert before["273"].outcome == "review"
    (tmp_path / "social_networks.csv").write_text("host,network\nchirper.example,Chirper\n", encoding="utf-8")
    after = run_audit(portal_path(), validator=False, browser=False, keywords=tmp_path)
    assert after["273"].outcome == "met"
    assert "chirper.example" in after["273"].evidence[0].snippet


@pytest.mark.parametrize("name, content, message", [
    ("keywords/zz.csv", "topic,words\nno_such_topic,a\n", "row 2: 'no_such_topic' is not a topic"),
    ("keywords/swahili.csv", "topic,words\nprivacy,faragha\n", "named after its language"),
    ("keywords/sw.csv", "name,list\nprivacy,faragha\n", "must start with the header row 'topic,words'"),
    ("keywords/sw.csv", b"topic,words\nprivacy,\xff\xfe\n", "is not UTF-8 text"),
])
def test_a_broken_extra_folder_is_refused_with_the_file_and_row(tmp_path, name, content, message):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(LosiInputError, match=message):
        load_vocabulary(tmp_path)


def test_an_empty_or_missing_extra_folder_is_refused(tmp_path):
    with pytest.raises(LosiInputError, match="holds no word list"):
        load_vocabulary(tmp_path)
    with pytest.raises(LosiInputError, match="does not exist"):
        load_vocabulary(tmp_path / "nothing")
