"""The cached simplemma dictionary gives simplemma's own lemmas, and a bad cache file is never trusted."""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path

import pytest
import simplemma

from activity_classifier import _simplemma
from activity_classifier._simplemma import CACHE_ENV, SortedEntries

CACHE_FILE = "simplemma-nl.txt"
Cached = tuple[Path, Mapping[str, str], dict[str, str]]


@pytest.fixture(scope="module")
def cached(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Mapping[str, str], dict[str, str]]:
    """A cache directory filled by one decode, the entries then read back from its file, and the decoded ones."""
    directory = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CACHE_ENV, str(directory))
        decoded = _simplemma.dictionary()
        assert isinstance(decoded, dict) and (directory / CACHE_FILE).is_file()
        read_back = _simplemma.dictionary()
    assert isinstance(read_back, SortedEntries)
    assert len(read_back) == len(decoded) > 300_000
    return directory, read_back, decoded


def test_the_cache_file_holds_every_entry_of_simplemmas_dictionary(cached: Cached) -> None:
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    original = DefaultDictionaryFactory().get_dictionary("nl")
    _, entries, _ = cached
    assert len(entries) == len(original)
    words = random.Random(0).sample(sorted(original), 5_000)
    assert [entries[w] for w in words] == [original[w] for w in words]
    assert entries.get("zzzqqq-geen-woord") is None and "zzzqqq-geen-woord" not in entries


def test_lemmas_and_known_words_are_simplemmas_own(cached: Cached, monkeypatch: pytest.MonkeyPatch) -> None:
    _, entries, _ = cached
    monkeypatch.setattr(_simplemma._FACTORY, "_entries", entries)
    sample = random.Random(1).sample(sorted(entries), 1_500)
    words = [
        *sample,
        *(w.capitalize() for w in sample[:200]),
        *(w + "s" for w in sample[:300]),
        *("ex-" + w for w in sample[:200]),
        *(w + "'s" for w in sample[:100]),
        "mentorgesprekken",
        "bpv-bezoeken",
        "intervisiebijeenkomsten",
        "webinars",
        "liep",
        "zzzqqq",
        "2024",
    ]
    assert [_simplemma.lemmatize(w) for w in words] == [simplemma.lemmatize(w, lang="nl") for w in words]
    assert [_simplemma.is_known(w) for w in words] == [simplemma.is_known(w, lang="nl") for w in words]


@pytest.mark.parametrize(
    "damage",
    ["empty", "garbage", "other_source", "truncated", "unsorted", "not_utf8"],
)
def test_a_damaged_or_foreign_cache_file_is_ignored_and_rewritten(
    damage: str, cached: Cached, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = (cached[0] / CACHE_FILE).read_bytes()
    magic_end = good.index(b"\n") + 1
    header_end = good.index(b"\n", magic_end) + 1
    first_word_end = good.index(b"\n", header_end)
    header = good[magic_end:header_end]
    bad = {
        "empty": b"",
        "garbage": b"\x00\xff" * 1000,
        "other_source": good[:magic_end] + header.replace(b"sha256 ", b"sha256 0") + good[header_end:],
        "truncated": good[: len(good) // 2],
        # the same number of words, the first no longer before the second: bisection would go wrong
        "unsorted": good[:header_end] + b"z" * (first_word_end - header_end) + good[first_word_end:],
        "not_utf8": good[:header_end] + b"\xff\xfe" + good[header_end + 2 :],
    }[damage]
    (tmp_path / CACHE_FILE).write_bytes(bad)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(_simplemma, "_decode", lambda: cached[2])  # the slow decode, done once by the fixture
    entries = _simplemma.dictionary()
    assert isinstance(entries, dict), "a damaged file must not be used"
    assert entries["liep"] == cached[1]["liep"]
    assert (tmp_path / CACHE_FILE).read_bytes() == good, "the damaged file is replaced by a good one"
    assert [p.name for p in tmp_path.iterdir()] == [CACHE_FILE], "no temporary file is left behind"


def test_an_empty_setting_keeps_no_cache_and_an_unwritable_directory_is_no_error(
    cached: Cached, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_simplemma, "_decode", lambda: cached[2])
    monkeypatch.setenv(CACHE_ENV, "")
    assert _simplemma.cache_dir() is None
    assert isinstance(_simplemma.dictionary(), dict)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", "utf-8")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    assert _simplemma.dictionary()["liep"]
    assert blocker.read_text("utf-8") == "not a directory"


def test_the_default_cache_directory_is_the_users_cache_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv(CACHE_ENV, raising=False)
    assert _simplemma.cache_dir() == Path(platformdirs.user_cache_dir("activity-classifier", appauthor=False))
