"""Measure that the phrase index finds exactly what spaCy's PhraseMatcher on lemmas found.

For the packaged lexicon (rules and dismissals) and the packaged gazetteer, every text of the corpus (and of
``benchmarks/varied.py`` with ``--varied``) is matched twice: by :class:`activity_classifier._phrases.PhraseIndex`
on the ``"simple"`` pipeline's lemmas, and by ``spacy.matcher.PhraseMatcher(attr="LEMMA")`` on the
``"blank"`` spaCy pipeline's docs. Prints the number of matches and of differing matches (as multisets),
and the number of texts whose whole analysis (lemmas, rule results, gazetteer matches, in order) differs between an
analyzer with the ``"simple"`` and one with the ``"blank"`` pipeline.

    python scripts/phrase_identity.py [--varied]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from spacy.matcher import PhraseMatcher

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "scripts"))

from tokenizer_identity import corpus_texts  # noqa: E402
from varied import varied_texts  # noqa: E402

from activity_classifier._spacy import SimplemmaLemmatizer, _blank  # noqa: E402
from activity_classifier.analysis import Analyzer  # noqa: E402
from activity_classifier.gazetteer import Gazetteer  # noqa: E402
from activity_classifier.text import clean_text, get_pipeline  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--varied", action="store_true", help="also benchmarks/varied.py's 20,000 texts")
    args = parser.parse_args()
    texts = [clean_text(t) for t in (varied_texts() if args.varied else corpus_texts())]
    analyzer = Analyzer(gazetteer=Gazetteer(), gazetteer_rules=True)
    analyzer.prepare()
    nlp = _blank()
    component = SimplemmaLemmatizer()
    indexes = {"rules": analyzer.rules.index, "gazetteer": analyzer.gazetteer.index}  # type: ignore[union-attr]
    phrases: dict[str, list[tuple[str, str]]] = {"rules": [], "gazetteer": []}
    for rule in analyzer.rules.rules:
        phrases["rules"] += [(f"{rule.name}|{t}", t) for t in (*rule.strong, *rule.weak)]
    phrases["rules"] += [("__dismissal__", d) for d in analyzer.rules.lexicon["dismissals"]]
    phrases["gazetteer"] = [(t, t) for t in analyzer.gazetteer.entries]  # type: ignore[union-attr]
    matchers = {}
    for name, pairs in phrases.items():
        matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        for key, term in pairs:
            matcher.add(key, [component(nlp.make_doc(term))])
        matchers[name] = matcher
    simple = get_pipeline()
    total = Counter[str]()
    differ = Counter[str]()
    for text, view in zip(texts, simple.views(texts), strict=True):
        doc = component(nlp.make_doc(text))
        for name, matcher in matchers.items():
            theirs = Counter((nlp.vocab.strings[m], s, e) for m, s, e in matcher(doc))
            ours = Counter(indexes[name](view.lemma))
            total[name] += sum(theirs.values())
            differ[name] += sum(((theirs - ours) + (ours - theirs)).values())
    for name in matchers:
        print(f"{name}: {total[name]} PhraseMatcher matches in {len(texts)} texts, {differ[name]} differ")
    blank = Analyzer(pipeline="blank", gazetteer=Gazetteer(pipeline="blank"), gazetteer_rules=True)
    n_diff = sum(
        repr((a.lemmas, a.rules, a.gazetteer, a.text)) != repr((b.lemmas, b.rules, b.gazetteer, b.text))
        for a, b in zip(analyzer.analyse(texts), blank.analyse(texts), strict=True)
    )
    print(f"analyses (simple vs blank pipeline): {n_diff} of {len(texts)} texts differ")


if __name__ == "__main__":
    main()
