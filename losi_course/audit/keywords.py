"""The audit's word lists: what a privacy link, a search box or a council page is called, per language.

The lists are the course's own data files (``losi_course/data/audit/``, under the checksum
manifest, described in ``SOURCES.md``):

* ``keywords/<language>.csv``: one row per topic, ``topic,words``, the words separated by
  ``|``. Matching ignores case and accents and respects word boundaries; a ``*`` at the start
  or the end of a word lets it continue (``datenschutz*`` also finds "Datenschutzerklärung");
* ``social_networks.csv``: ``host,network``, the hosts counted as social networks;
* ``language_names.csv``: ``tag,name``, language names as their speakers write them, which
  language switchers show ("Español", "Français").

A page's words are chosen by its ``<html lang>``: a French page is read with the French list
(and the English one for addresses, whose paths are often English). A page without a known
language is read with every list.

**Adding a language, or words, without touching the shipped files.** Make a folder with
files of the same shape, e.g. ``keywords/sw.csv`` for Swahili (the file name is the language
tag), and, if needed, ``social_networks.csv`` and ``language_names.csv``; pass it as
``losi-course audit TARGET --keywords FOLDER`` (or ``keywords=FOLDER`` in Python). Its words are
added to the shipped ones, so the checksums of the course data stay valid.

Example:
    >>> vocabulary = load_vocabulary()
    >>> vocabulary.find("privacy", "Déclaration de confidentialité", ("fr",))
    'confidentialite'
    >>> vocabulary.languages_for("pt-BR"), "facebook.com" in vocabulary.networks
    (('pt',), True)
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..datafiles import manifest_entries, read_records
from ..errors import LosiInputError

__all__ = ["Vocabulary", "load_vocabulary", "fold", "KEYWORD_FOLDER", "SOCIAL_FILE", "LANGUAGE_NAMES_FILE"]

KEYWORD_FOLDER = "audit/keywords"
SOCIAL_FILE = "audit/social_networks.csv"
LANGUAGE_NAMES_FILE = "audit/language_names.csv"
_TAG = re.compile(r"^[a-z]{2,3}$")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Text for matching: lower case, accents and Arabic vowel marks removed, spaces collapsed.

    Example:
        >>> fold("  Déclaration  d’ACCESSIBILITÉ ")
        "declaration d'accessibilite"
        >>> fold("أخبار")
        'اخبار'
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) and c != "\u0640")
    kept = kept.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(kept.casefold().split())


def _pattern_for(words) -> re.Pattern | None:
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        open_start, open_end = word.startswith("*"), word.endswith("*")
        core = word.strip("*").strip()
        if not core:
            continue
        body = r"\s+".join(re.escape(piece) for piece in core.split())
        parts.append(("" if open_start else r"(?<!\w)") + body + ("" if open_end else r"(?!\w)"))
    return re.compile("|".join(parts)) if parts else None


@dataclass
class Vocabulary:
    """Word lists by language and topic, the social network hosts and the language names.

    Example:
        >>> Vocabulary({"en": {"faq": ("faq",)}}, ("x.com",), {}).find("faq", "Our FAQ", ("en",))
        'faq'
    """

    words: dict[str, dict[str, tuple[str, ...]]]
    networks: tuple[str, ...]
    language_names: dict[str, str]
    extra: str | None = None
    _patterns: dict = field(default_factory=dict, repr=False)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages that have a word list.

        Example:
            >>> set(load_vocabulary().languages) >= {"en", "fr", "es", "pt", "ar", "ru", "it", "de"}
            True
        """
        return tuple(sorted(self.words))

    @property
    def topics(self) -> tuple[str, ...]:
        """Every topic named in a list."""
        return tuple(sorted({t for topics in self.words.values() for t in topics}))

    def languages_for(self, tag: str | None) -> tuple[str, ...]:
        """The lists to read a page with: its language's, or all of them if it has none we know.

        Example:
            >>> load_vocabulary().languages_for("xx") == load_vocabulary().languages
            True
        """
        primary = (tag or "").strip().lower().replace("_", "-").split("-")[0]
        return (primary,) if primary in self.words else self.languages

    def pattern(self, topic: str, languages) -> re.Pattern | None:
        """One compiled pattern for a topic's words in the given languages (None if none)."""
        key = (topic, tuple(languages))
        if key not in self._patterns:
            words = [w for lang in languages for w in self.words.get(lang, {}).get(topic, ())]
            self._patterns[key] = _pattern_for(words)
        return self._patterns[key]

    def find(self, topic: str, text: str, languages) -> str | None:
        """The first word of ``topic`` found in ``text`` (folded), or None."""
        pattern = self.pattern(topic, languages)
        if pattern is None or not text:
            return None
        match = pattern.search(fold(text))
        return match.group(0) if match else None

    def language_of_name(self, text: str) -> str | None:
        """The language tag whose name ``text`` is ("Français" -> "fr"), or None.

        Example:
            >>> load_vocabulary().language_of_name(" English ")
            'en'
        """
        return self.language_names.get(fold(text))


def _split_words(text: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in str(text or "").split("|") if w.strip().strip("*"))


def _shipped_languages() -> list[str]:
    prefix = KEYWORD_FOLDER + "/"
    return sorted(name[len(prefix):-4] for name in manifest_entries() if name.startswith(prefix) and name.endswith(".csv"))


@lru_cache(maxsize=1)
def _shipped() -> tuple[dict, tuple[str, ...], dict[str, str]]:
    words = {}
    for lang in _shipped_languages():
        words[lang] = {row["topic"].strip(): _split_words(row["words"])
                       for row in read_records(f"{KEYWORD_FOLDER}/{lang}.csv")}
    networks = tuple(row["host"].strip().lower() for row in read_records(SOCIAL_FILE) if row["host"].strip())
    names = {fold(row["name"]): row["tag"].strip() for row in read_records(LANGUAGE_NAMES_FILE) if row["name"].strip()}
    return words, networks, names


def _read_extra(path: Path, columns: tuple[str, str]) -> list[tuple[int, dict]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise LosiInputError(f"{path} is not UTF-8 text: save it as 'CSV UTF-8' and try again.") from None
    except OSError as err:
        raise LosiInputError(f"{path} cannot be read ({err.strerror or err}).") from None
    reader = csv.DictReader(text.splitlines())
    names = [n.strip().lower() for n in (reader.fieldnames or [])]
    if not all(c in names for c in columns):
        raise LosiInputError(f"{path} must start with the header row '{','.join(columns)}'; found "
                             f"'{','.join(names) or 'nothing'}'.")
    return [(number, {k.strip().lower(): (v or "") for k, v in row.items() if k})
            for number, row in enumerate(reader, start=2)]


def load_vocabulary(extra: str | Path | None = None) -> Vocabulary:
    """The shipped word lists, plus those of an ``extra`` folder (see the module notes).

    Raises :class:`~losi_course.errors.LosiInputError` naming the file and row of a problem in
    the extra folder (a file name that is not a language tag, an unknown topic...).

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp()); (folder / "keywords").mkdir()
        >>> _ = (folder / "keywords" / "sw.csv").write_text("topic,words\\nprivacy,faragha|sera ya faragha\\n")
        >>> load_vocabulary(folder).find("privacy", "Sera ya Faragha", ("sw",))
        'sera ya faragha'
    """
    shipped_words, networks, names = _shipped()
    words = {lang: dict(topics) for lang, topics in shipped_words.items()}
    networks, names = list(networks), dict(names)
    if extra is None:
        return Vocabulary(words, tuple(networks), names)
    folder = Path(extra).expanduser()
    if not folder.is_dir():
        raise LosiInputError(f"The keyword folder {folder} does not exist (or is not a folder). It should hold "
                             "keywords/<language>.csv files with the columns topic,words.")
    known = {t for topics in words.values() for t in topics}
    keyword_files = sorted((folder / "keywords").glob("*.csv")) if (folder / "keywords").is_dir() else []
    keyword_files += sorted(p for p in folder.glob("*.csv") if _TAG.match(p.stem.lower()))
    for path in keyword_files:
        lang = path.stem.lower()
        if not _TAG.match(lang):
            raise LosiInputError(f"{path}: a keyword file is named after its language (a two- or three-letter "
                                 f"code such as sw.csv), not '{path.name}'.")
        topics = words.setdefault(lang, {})
        for number, row in _read_extra(path, ("topic", "words")):
            topic = row["topic"].strip()
            if not topic:
                continue
            if topic not in known:
                raise LosiInputError(f"{path}, row {number}: '{topic}' is not a topic of the audit. Topics: "
                                     f"{', '.join(sorted(known))}.")
            topics[topic] = tuple(dict.fromkeys(topics.get(topic, ()) + _split_words(row["words"])))
    if (folder / "social_networks.csv").is_file():
        for _, row in _read_extra(folder / "social_networks.csv", ("host", "network")):
            host = row["host"].strip().lower().removeprefix("www.")
            if host and host not in networks:
                networks.append(host)
    if (folder / "language_names.csv").is_file():
        for _, row in _read_extra(folder / "language_names.csv", ("tag", "name")):
            if row["name"].strip() and row["tag"].strip():
                names[fold(row["name"])] = row["tag"].strip()
    if not keyword_files and not (folder / "social_networks.csv").is_file() and not (folder / "language_names.csv").is_file():
        raise LosiInputError(f"The keyword folder {folder} holds no word list: add keywords/<language>.csv "
                             "(columns topic,words), social_networks.csv or language_names.csv.")
    return Vocabulary(words, tuple(networks), names, extra=str(folder))
