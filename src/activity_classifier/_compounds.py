"""Dutch compound splitting on word frequencies, from the Dutch word list that ships inside ``wordfreq``.

:func:`activity_classifier.text.split_compound` splits only on a packaged list of heads, so it misses
every compound whose head nobody listed. :func:`split_compound_wordfreq` needs no list: it splits a word
where both parts are frequent Dutch words (a Zipf frequency of at least :data:`ZIPF_MIN`, i.e. at least
once per million words), preferring the longest head, because a Dutch compound's meaning is in its last
part. A split counts only if its parts' geometric mean frequency beats the frequency of the whole word, so
that frequent words that merely contain two words stay whole (``eigenlijk``, ``optreden``): the test of
Koehn and Knight (2003). Only when no split passes may the modifier itself be a compound of two frequent
words (``praktijkleerroute`` -> ``praktijkleer`` + ``route``). A linking ``s`` is dropped from the modifier
when the word without it is at least as frequent (``beroepsonderwijs`` -> ``beroep`` + ``onderwijs``).

The word list is read from the installed package (no download) on first use, which takes about half a
second; only models with ``compound_splitter="wordfreq"`` pay it.

Examples
--------
>>> split_compound_wordfreq("teamvergadering")
('team', 'vergadering')
>>> split_compound_wordfreq("praktijkleerroute")
('praktijkleer', 'route')
>>> split_compound_wordfreq("vergadering")
('vergadering',)
"""

from __future__ import annotations

from functools import lru_cache

from .text import WORD_CACHE_SIZE

__all__ = ["MIN_HEAD", "MIN_MODIFIER", "ZIPF_MIN", "split_compound_wordfreq"]

#: Both parts of a split must be at least this frequent (Zipf scale: log10 of occurrences per billion words;
#: 2.5 is about three per million). At 3.0 domain words such as ``intervisie`` (2.6) were not heads.
ZIPF_MIN = 2.5
#: Shortest modifier and head considered ("les" in ``lesbezoek``, "dag" in ``studiedag``).
MIN_MODIFIER = 3
MIN_HEAD = 3


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    import wordfreq

    return dict(wordfreq.get_frequency_dict("nl", wordlist="large"))


def _frequency(word: str) -> float:
    return _frequencies().get(word, 0.0)


def _modifier(part: str) -> str:
    """Return the modifier as it is used as a word: a linking ``s`` dropped when what remains is a word."""
    if part.endswith("s") and len(part) > MIN_MODIFIER and _frequency(part[:-1]) >= _frequency(part):
        return part[:-1]
    return part


def _splits(word: str, floor: float, compound_modifier: bool) -> list[tuple[float, str, str]]:
    """Return ``(score, modifier, head)`` for every split into a frequent head and a frequent modifier.

    With ``compound_modifier`` the modifier may instead be two frequent words written together.
    """
    out = []
    for i in range(MIN_MODIFIER, len(word) - MIN_HEAD + 1):
        modifier, head = _modifier(word[:i]), word[i:]
        f_mod, f_head = _frequency(modifier), _frequency(head)
        if f_head < floor:
            continue
        if compound_modifier and f_mod < floor and len(modifier) >= 2 * MIN_MODIFIER:
            parts = split_compound_wordfreq(modifier)
            if len(parts) == 2:
                f_mod = (_frequency(parts[0]) * _frequency(parts[1])) ** 0.5
        if f_mod >= floor:
            out.append(((f_mod * f_head) ** 0.5, modifier, head))
    return out


@lru_cache(maxsize=WORD_CACHE_SIZE)
def split_compound_wordfreq(word: str) -> tuple[str, ...]:
    """Split a Dutch compound where both parts are frequent words; return ``(word,)`` when it is not one.

    Parameters
    ----------
    word : str
        A word (lower-cased here).

    Returns
    -------
    tuple of str
        ``(modifier, head)`` for a compound, else the lower-cased word alone.
    """
    w = word.lower()
    floor = 10.0 ** (ZIPF_MIN - 9)
    whole = _frequency(w)
    for compound_modifier in (False, True):
        # Koehn and Knight's test: the parts together must be more common than the word written as one.
        splits = [s for s in _splits(w, floor, compound_modifier) if s[0] > whole]
        if splits:
            _, modifier, head = min(splits, key=lambda s: len(s[1]))  # the longest head
            return (modifier, head)
    return (w,)
