"""Export spaCy's Dutch tokenizer rules to the packaged ``resources/tokenizer_nl.json``.

The package's own tokenizer (``activity_classifier._tokenizer``) applies these rules with spaCy's algorithm,
so the default pipeline tokenizes like ``spacy.blank("nl")`` on lower-cased text without importing spaCy.
Run it again after upgrading spaCy, then ``python scripts/tokenizer_identity.py`` to measure the agreement.

    python scripts/export_tokenizer_rules.py
"""

from __future__ import annotations

import json
from pathlib import Path

import spacy
from spacy.lang.nl import Dutch

OUT = Path(__file__).resolve().parents[1] / "src" / "activity_classifier" / "resources" / "tokenizer_nl.json"
ORTH = 65  # spacy.attrs.ORTH


def main() -> None:
    tokenizer = Dutch().tokenizer
    # Only the lower-case special cases: the pipeline tokenizes lower-cased text (as _spacy's blank pipeline).
    specials = {
        key: [d[ORTH] for d in value]
        for key, value in sorted(Dutch.Defaults.tokenizer_exceptions.items())
        if key == key.lower()
    }
    rules = {
        "spacy_version": spacy.about.__version__,
        "prefix": tokenizer.prefix_search.__self__.pattern,
        "suffix": tokenizer.suffix_search.__self__.pattern,
        "infix": tokenizer.infix_finditer.__self__.pattern,
        "url": tokenizer.url_match.__self__.pattern,
        "token_match": None if tokenizer.token_match is None else tokenizer.token_match.__self__.pattern,
        "specials": specials,
    }
    OUT.write_text(json.dumps(rules, ensure_ascii=False, indent=0, sort_keys=True) + "\n", "utf-8")
    print(f"wrote {OUT} ({len(specials)} special cases, spaCy {rules['spacy_version']})")


if __name__ == "__main__":
    main()
