"""Quality checks of a labelled corpus: length bands and near-duplicate texts (used by the data card and its tests).

These are experiments on the data, not part of the classifier, so they live outside the package.
"""

import re
from collections.abc import Sequence

from sklearn.feature_extraction.text import TfidfVectorizer

#: Length bands of activity descriptions: a bullet, 2-3 sentences, 4-7 sentences.
LENGTH_BANDS = ("short", "medium", "long")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_NON_WORD = re.compile(r"[^\w]+")


_NON_WORD = re.compile(r"[^\w]+")


def length_band(text: str) -> str:
    """Return the length band of a description.

    ``short``: one line of at most 20 words; ``medium``: at most 3 sentences and 70 words;
    ``long``: anything longer (4-7 sentences in the corpus).

    Examples
    --------
    >>> length_band("Webinar over feedback gevolgd")
    'short'
    >>> length_band("Ik volgde een webinar. Het ging over feedback.")
    'medium'
    """
    words = len(text.split())
    sentences = len([s for s in _SENTENCE_END.split(text.strip()) if s])
    if words <= 20 and sentences <= 1:
        return "short"
    if sentences <= 3 and words <= 70:
        return "medium"
    return "long"


def near_duplicates(
    texts: Sequence[str], others: Sequence[str] | None = None, threshold: float = 0.9
) -> list[tuple[int, int, float]]:
    """Find pairs of near-identical texts by cosine similarity of character 3-5-gram TF-IDF vectors.

    Parameters
    ----------
    texts : sequence of str
    others : sequence of str, optional
        Compare ``texts`` against these; when omitted, ``texts`` against itself (each pair once).
    threshold : float, default=0.9
        Pairs with a similarity above this are returned.

    Returns
    -------
    list of (int, int, float)
        ``(index in texts, index in others or texts, similarity)``, most similar first.
    """
    pool = list(texts) + list(others or [])
    vec = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), preprocessor=lambda t: _NON_WORD.sub(" ", t.lower())
    ).fit(pool)
    a = vec.transform(texts)
    b = vec.transform(others) if others is not None else a
    sim = (a @ b.T).tocoo()
    pairs = []
    for i, j, v in zip(sim.row, sim.col, sim.data, strict=True):
        if v > threshold and (others is not None or i < j):
            pairs.append((int(i), int(j), float(v)))
    return sorted(pairs, key=lambda p: -p[2])
