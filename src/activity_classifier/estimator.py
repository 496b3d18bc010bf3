"""The scikit-learn-compatible estimator :class:`ActivityClassifier`.

Features are lemma word n-grams with compound heads and character n-grams within words (optionally
also the eleven keyword-rule scores), all from one spaCy pass per text (:mod:`activity_classifier.analysis`,
:mod:`activity_classifier.features`). A linear
support-vector machine is fitted on them and its decision values are turned into calibrated probabilities
by temperature scaling on internal cross-validation (on the project's corpus this gave a higher
macro-F1, a lower Brier score and a third of the fitting time of a logistic regression). The hybrid
policy (:mod:`activity_classifier.policy`) combines them with the rules.

Examples
--------
>>> from activity_classifier import ActivityClassifier
>>> texts = ["Webinar over feedback gevolgd", "Twee dagen op het onderwijscongres",
...          "Workshop formatief toetsen gevolgd", "Keynotes en parallelsessies bijgewoond"]
>>> clf = ActivityClassifier(calibration=None).fit(texts, ["pd_programme", "conference"] * 2)
>>> clf.predict(["Een webinar over motivatie"]).tolist()
['pd_programme']
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.exceptions import NotFittedError as _SklearnNotFitted
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from ._runtime import Featurizer, Predictor
from .analysis import Analysis, Analyzer
from .exceptions import InputDataError, NotFittedError, UnknownLabelError
from .features import COMPOUND_SPLITTERS, char_analyzer, word_analyzer
from .gazetteer import Gazetteer
from .policy import METHODS, Method, PolicySettings, Prediction
from .reliability import type_centroids
from .rules import RuleSet
from .taxonomy import get_taxonomy
from .text import SIMPLE, get_pipeline, lemma_table

__all__ = ["ActivityClassifier"]

logger = logging.getLogger(__name__)


def _as_texts(X: Any) -> list[object]:
    if isinstance(X, str):
        raise InputDataError("expected a list of texts, got a single string; wrap it in a list")
    if hasattr(X, "ndim") and getattr(X, "ndim", 1) > 1:
        if X.shape[1] != 1:
            raise InputDataError(f"expected one column of texts, got shape {X.shape}")
        X = X.iloc[:, 0] if hasattr(X, "iloc") else np.asarray(X)[:, 0]
    texts = list(X)
    if texts and isinstance(texts[0], Analysis):
        raise TypeError("X holds Analysis objects: pass the texts as X and their analysis as analysis=")
    return texts


def _missing_label(label: object) -> bool:
    """Tell whether a label is missing: None, NaN or pandas' NA (whose comparison cannot be a bool)."""
    if label is None:
        return True
    try:
        return bool(label != label)
    except TypeError:
        return True


def _pair(value: Sequence[int]) -> tuple[int, int]:
    """Return an n-gram range as a tuple (``set_params`` may have been given a list)."""
    return (int(value[0]), int(value[1]))


def _has_word_char(word: str) -> bool:
    return any(ch.isalnum() for ch in word)


class ActivityClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Classify Dutch activity descriptions into the eleven types of the typology.

    Parameters
    ----------
    method : {"hybrid", "model", "rules"}, default="hybrid"
        Prediction policy used by :meth:`predict` and :meth:`explain`, see :mod:`activity_classifier.policy`.
    pipeline : str, default="simple"
        Text pipeline: ``"simple"`` (the package's own Dutch tokenizer + simplemma, no spaCy), ``"blank"``
        (``spacy.blank("nl")`` + simplemma, the earlier default), ``"auto"``, or an installed spaCy pipeline.
    lexicon : str, Path, mapping or None, default=None
        Keyword-rule lexicon; None uses the packaged one. The lexicon is stored with the fitted model.
    C : float, default=1.0
        Inverse regularisation strength of the linear SVM.
    class_weight : "balanced" or None, default="balanced"
        Class weights of the linear SVM.
    char_features : bool, default=True
        Use character n-grams within words.
    char_ngram_range : tuple of int, default=(3, 5)
        Shortest and longest character n-gram (each word is padded with a space on both sides). Wider
        ranges cost speed: see ``docs/settings_search.md``.
    word_ngram_range : tuple of int, default=(1, 2)
        Shortest and longest lemma n-gram.
    compound_splitter : {"lexicon", "wordfreq"} or None, default="lexicon"
        Which splitter turns compound heads into word features (``part:vergadering``): ``"lexicon"`` splits
        on the packaged list of heads (:func:`activity_classifier.text.split_compound`), ``"wordfreq"``
        wherever both parts are frequent Dutch words (:mod:`activity_classifier._compounds`, needs the
        ``wordfreq`` package), None adds no compound heads. The keyword rules and the gazetteer always use
        the lexicon splitter. The three settings above were compared by writer-grouped cross-validation in
        ``scripts/tune_settings.py`` (``docs/settings_search.md``).
    rule_features : bool, default=False
        Also use the eleven keyword-rule scores as features. Off by default: in grouped cross-validation on
        the bundled corpus they lowered the hybrid macro-F1 (0.925 without, 0.897 at weight 0.3, C=1; see
        ``scripts/tune_settings.py``). The rules still act in the hybrid policy.
    rule_weight : float, default=0.3
        Scale of the rule features relative to the TF-IDF features.
    gazetteer : str, Path, mapping or None, default=None
        Gazetteer of Dutch education names (see :mod:`activity_classifier.gazetteer`); None uses the
        packaged one. Used only when ``gazetteer_rules`` or ``gazetteer_features`` is on; it is then stored
        with the fitted model.
    gazetteer_rules : bool, default=True
        Let gazetteer matches add evidence to the keyword rules (and so to the hybrid policy).
    gazetteer_features : bool, default=True
        Also use the gazetteer's match counts per type and per kind as features, scaled like the rule
        features (``log1p(count) * gazetteer_weight``).
    gazetteer_weight : float, default=0.1
        Scale of the gazetteer features relative to the TF-IDF features. Both gazetteer uses are on by
        default: in writer-grouped 5-fold cross-validation on the training corpus the rules' macro-F1 rose
        from 0.663 to 0.682 and the hybrid's from 0.933 to 0.935 (0.925 at weight 0.3, 0.916 at 1.0; the
        weight was chosen on that same cross-validation); see ``scripts/gazetteer_ablation.py``.
    calibration : {"temperature", "sigmoid", "isotonic"} or None, default="temperature"
        Probability calibration on internal stratified cross-validation. None gives uncalibrated
        probabilities (a softmax of the decision values), for quick experiments only.
    calibration_folds : int, default=3
        Folds of that internal cross-validation (fewer when a type has fewer examples).
    accept_threshold, review_threshold, tie_margin : float
        Thresholds of the hybrid policy, see :class:`activity_classifier.policy.PolicySettings`.
    random_state : int, default=0
        Seed of the internal cross-validation; the whole fit is deterministic given it.

    Attributes
    ----------
    classes_ : ndarray of str
        The types seen in training, sorted.
    analyzer_ : Analyzer
        The text analysis of this model: its keyword rules (built from the lexicon at fit time) and the
        lemmas of its training vocabulary and lexicon, so that prediction rarely needs to load simplemma's
        dictionary (a start-up cost of about 0.3 s).
    rules_ : RuleSet
        The keyword rules (``analyzer_.rules``).
    gazetteer_ : Gazetteer or None
        The gazetteer (``analyzer_.gazetteer``); None when neither gazetteer use is on.
    word_vectorizer_, char_vectorizer_ : TfidfVectorizer
        The fitted vectorizers (``char_vectorizer_`` is None without character features).
    estimator_ : CalibratedClassifierCV or LinearSVC
        The fitted, calibrated linear model.
    n_train_ : int
        Number of training texts.
    """

    def __init__(
        self,
        *,
        method: Method = "hybrid",
        pipeline: str = SIMPLE,
        lexicon: Mapping[str, Any] | str | Path | None = None,
        C: float = 1.0,
        class_weight: str | None = "balanced",
        char_features: bool = True,
        char_ngram_range: tuple[int, int] = (3, 5),
        word_ngram_range: tuple[int, int] = (1, 2),
        compound_splitter: str | None = "lexicon",
        rule_features: bool = False,
        rule_weight: float = 0.3,
        gazetteer: Mapping[str, Any] | str | Path | None = None,
        gazetteer_rules: bool = True,
        gazetteer_features: bool = True,
        gazetteer_weight: float = 0.1,
        calibration: str | None = "temperature",
        calibration_folds: int = 3,
        accept_threshold: float = 0.6,
        review_threshold: float = 0.4,
        tie_margin: float = 0.25,
        random_state: int = 0,
    ) -> None:
        self.method = method
        self.pipeline = pipeline
        self.lexicon = lexicon
        self.C = C
        self.class_weight = class_weight
        self.char_features = char_features
        self.char_ngram_range = char_ngram_range
        self.word_ngram_range = word_ngram_range
        self.compound_splitter = compound_splitter
        self.rule_features = rule_features
        self.rule_weight = rule_weight
        self.gazetteer = gazetteer
        self.gazetteer_rules = gazetteer_rules
        self.gazetteer_features = gazetteer_features
        self.gazetteer_weight = gazetteer_weight
        self.calibration = calibration
        self.calibration_folds = calibration_folds
        self.accept_threshold = accept_threshold
        self.review_threshold = review_threshold
        self.tie_margin = tie_margin
        self.random_state = random_state

    # -- fitting -----------------------------------------------------------------------------------
    def _validate_params(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, not {self.method!r}")
        if self.calibration not in (None, "temperature", "sigmoid", "isotonic"):
            raise ValueError(
                f"calibration must be 'temperature', 'sigmoid', 'isotonic' or None, not {self.calibration!r}"
            )
        if not 0 <= self.review_threshold <= 1 or not 0 <= self.accept_threshold <= 1:
            raise ValueError("accept_threshold and review_threshold must lie in [0, 1]")
        for name in ("char_ngram_range", "word_ngram_range"):
            value = getattr(self, name)
            if (
                not isinstance(value, tuple | list)
                or len(value) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
                or not 1 <= value[0] <= value[1]
            ):
                raise ValueError(f"{name} must be two integers (min, max) with 1 <= min <= max, not {value!r}")
        if self.compound_splitter not in COMPOUND_SPLITTERS:
            raise ValueError(f"compound_splitter must be one of {COMPOUND_SPLITTERS}, not {self.compound_splitter!r}")

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True  # X is a sequence of texts, not a numeric array
        tags.input_tags.two_d_array = False
        return tags

    def build_analyzer(self) -> Analyzer:
        """Return a new :class:`~activity_classifier.analysis.Analyzer` with this estimator's settings.

        Analyse texts once with it and pass the result to :meth:`fit` as ``analysis`` (cross-validation
        does so for every fold); :meth:`fit` builds one the same way.
        """
        gazetteer = None
        if self.gazetteer_rules or self.gazetteer_features:
            gazetteer = Gazetteer(self.gazetteer, pipeline=self.pipeline)
        return Analyzer(self.lexicon, pipeline=self.pipeline, gazetteer=gazetteer, gazetteer_rules=self.gazetteer_rules)

    def fit(
        self,
        X: Any,
        y: Any,
        *,
        analysis: Sequence[Analysis] | None = None,
        groups: Sequence[Any] | None = None,
        sample_weight: Any = None,
    ) -> ActivityClassifier:
        """Fit the classifier.

        Parameters
        ----------
        X : sequence of str
            Activity descriptions (a list, array or pandas Series).
        y : sequence of str
            Their labels: taxonomy slugs (ids such as ``F4`` are accepted too). Non-string labels, such as
            the integers scikit-learn's ``cross_val_predict`` passes, are used as they are.
        analysis : sequence of Analysis, optional
            ``X`` already analysed by an analyzer with these settings (see :meth:`build_analyzer`); saves
            the spaCy pass. An analysis made with another lexicon or pipeline is refused.
        groups : sequence, optional
            Group of each text (its writer): the internal cross-validation of the probability calibration
            then keeps each group within one fold, so that the temperature is fitted on writers the fold's
            model did not see (``activity-classifier train`` passes its group column). Ignored with fewer
            groups than folds.
        sample_weight : sequence of float, optional
            Weight of each text in the linear SVM and in the probability calibration (for example a
            research team's own coded rows weighted above the bundled corpus, see
            :func:`activity_classifier.evaluation.fit_with_bundled`). They multiply the class weights.
            None weights every text 1.

        Returns
        -------
        ActivityClassifier
            The fitted estimator (``self``).

        Raises
        ------
        InputDataError
            If the lengths differ, there are fewer than two types, or a text is empty.
            Also if a string label is not in the taxonomy, or a label is missing (None, NaN); the message
            names its index. Also if a sample weight is negative or not finite.
        ValueError
            If ``analysis`` does not belong to ``X`` or was made with other settings.
        """
        self._validate_params()
        texts = _as_texts(X)
        labels = list(y)
        if len(texts) != len(labels):
            raise InputDataError(f"X has {len(texts)} texts but y has {len(labels)} labels")
        weights = None
        if sample_weight is not None:
            weights = np.asarray(sample_weight, dtype=float).reshape(-1)
            if len(weights) != len(texts):
                raise InputDataError(f"X has {len(texts)} texts but sample_weight has {len(weights)} weights")
            if not np.all(np.isfinite(weights)) or np.any(weights < 0) or not np.any(weights > 0):
                raise InputDataError("sample_weight must be finite, non-negative and not all zero")
        tax = get_taxonomy()
        clean_labels: list[Any] = []
        for i, lab in enumerate(labels):
            if _missing_label(lab):
                raise InputDataError(f"label at index {i} is missing (None or NaN); every text needs a label")
            if isinstance(lab, str):
                try:
                    clean_labels.append(tax.validate_label(lab))
                except UnknownLabelError as exc:
                    raise InputDataError(f"label at index {i}: {exc}") from None
            else:
                # Encoded labels (cross_val_predict passes integers) are used as they are.
                clean_labels.append(lab)
        analyzer = self.build_analyzer()
        docs = analyzer.analyse(texts) if analysis is None else analyzer.check(analysis, len(texts))
        for i, d in enumerate(docs):
            if not d.lemmas:
                raise InputDataError(f"text at index {i} of the training data is empty")
        y_arr = np.asarray(clean_labels, dtype=object if all(isinstance(v, str) for v in clean_labels) else None)
        classes, counts = np.unique(y_arr, return_counts=True)
        if len(classes) < 2:
            raise InputDataError("training data must contain at least two different labels")

        self._featurizer_cache: Featurizer | None = None
        self._runtime_cache: Predictor | None = None
        self._terms: dict[str, list[str]] = {}
        self.analyzer_ = analyzer.with_lemmas(self._vocabulary_lemmas(docs, analyzer))
        words = word_analyzer(_pair(self.word_ngram_range), self.compound_splitter)
        self.word_vectorizer_ = TfidfVectorizer(analyzer=words, sublinear_tf=True, min_df=1)
        self.word_vectorizer_.fit(docs)
        self.char_vectorizer_ = None
        if self.char_features:
            chars = char_analyzer(_pair(self.char_ngram_range))
            self.char_vectorizer_ = TfidfVectorizer(analyzer=chars, sublinear_tf=True, min_df=2)
            self.char_vectorizer_.fit(docs)
        features = self._features(docs)

        base = LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.random_state)
        folds = min(self.calibration_folds, int(counts.min()))
        if self.calibration is None or folds < 2:
            if self.calibration is not None:
                logger.warning("a type has fewer than 2 training examples: probabilities are left uncalibrated")
            estimator: Any = base.fit(features, y_arr, sample_weight=weights)
        else:
            cv: Any = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.random_state)
            if groups is not None:
                g = np.asarray(list(groups), dtype=object)
                if len(g) != len(texts):
                    raise InputDataError(f"X has {len(texts)} texts but groups has {len(g)} entries")
                if len(set(g.tolist())) >= folds:
                    grouped = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=self.random_state)
                    cv = [(tr, te) for tr, te in grouped.split(np.zeros(len(g)), y_arr, g)]
            estimator = CalibratedClassifierCV(base, method=self.calibration, cv=cv, ensemble=False)
            estimator.fit(features, y_arr, sample_weight=weights)
        self.estimator_ = estimator
        self.classes_ = np.asarray(estimator.classes_, dtype=object)
        # For the reliability signals: how close a new text comes to each type's training texts.
        self.centroids_ = type_centroids(features[:, : len(self.word_vectorizer_.vocabulary_)], y_arr, self.classes_)
        self.n_train_ = len(texts)
        return self

    def _vocabulary_lemmas(self, docs: Sequence[Analysis], analyzer: Analyzer) -> dict[str, str]:
        tokens = get_pipeline(self.pipeline).tokens  # tokenizes exactly as prediction will
        lexicon = analyzer.rules.lexicon
        texts = [d.text for d in docs] + list(lexicon["dismissals"])
        texts += [t for entry in lexicon["types"].values() for terms in entry.values() for t in terms]
        if analyzer.gazetteer is not None:
            texts += list(analyzer.gazetteer.entries)
        words: set[str] = set()
        for text in texts:
            for token in tokens(text):
                words.add(token)
                words.update(token.split("-"))
        return lemma_table(sorted(w for w in words if _has_word_char(w)))

    def _featurizer(self) -> Featurizer:
        """Return the featurizer of the fitted vectorizers (built once; the runtime and ``fit`` share it)."""
        if getattr(self, "_featurizer_cache", None) is None:
            char_terms = char_idf = None
            if self.char_vectorizer_ is not None:
                char_terms, char_idf = self._vocabulary("char_vectorizer_"), self.char_vectorizer_.idf_
            settings = {
                "word_ngram_range": _pair(self.word_ngram_range),
                "compound_splitter": self.compound_splitter,
                "char_ngram_range": _pair(self.char_ngram_range) if self.char_vectorizer_ is not None else None,
                "rule_features": bool(self.rule_features),
                "rule_weight": float(self.rule_weight),
                "gazetteer_features": bool(self.gazetteer_features),
                "gazetteer_weight": float(self.gazetteer_weight),
            }
            self._featurizer_cache = Featurizer(
                settings,
                self._vocabulary("word_vectorizer_"),
                self.word_vectorizer_.idf_,
                char_terms,
                char_idf,
                self.analyzer_,
            )
        assert self._featurizer_cache is not None
        return self._featurizer_cache

    def _vocabulary(self, name: str) -> list[str]:
        """Return the terms of a fitted vectorizer in column order."""
        known = getattr(self, "_terms", {}).get(name)
        vectorizer = getattr(self, name)
        if known is not None and len(known) == len(vectorizer.vocabulary_):
            return [str(t) for t in known]
        return [str(t) for t in vectorizer.get_feature_names_out()]

    def _features(self, docs: Sequence[Analysis]) -> sp.csr_matrix:
        rows = self._featurizer().transform(docs)
        return sp.csr_matrix((rows.data, rows.indices, rows.indptr), shape=(rows.n_rows, rows.n_cols))

    def _runtime(self) -> Predictor:
        """Return the inference runtime of the fitted model (built once), which every prediction method runs."""
        self._check_fitted()
        if getattr(self, "_runtime_cache", None) is None:
            self._runtime_cache = Predictor.from_estimator(self)
        runtime = self._runtime_cache
        assert runtime is not None
        # Settings that set_params may change after fitting, and the metadata load_model adds.
        runtime.policy = PolicySettings(self.accept_threshold, self.review_threshold, self.tie_margin)
        runtime.method = self.method
        runtime.metadata_ = getattr(self, "metadata_", {})
        return runtime

    # -- prediction --------------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        try:
            check_is_fitted(self, "estimator_")
        except _SklearnNotFitted as exc:
            raise NotFittedError(
                "this ActivityClassifier is not fitted yet; call fit() or load a saved model first"
            ) from exc

    @property
    def rules_(self) -> RuleSet:
        """The keyword rules of the fitted model."""
        return self.analyzer_.rules

    @property
    def gazetteer_(self) -> Gazetteer | None:
        """The gazetteer of the fitted model (None when neither gazetteer use is on)."""
        return self.analyzer_.gazetteer

    def _gazetteer(self) -> Gazetteer:
        gazetteer = self.gazetteer_
        if gazetteer is None:  # pragma: no cover - build_analyzer gives one whenever the features are on
            raise RuntimeError("gazetteer features need a gazetteer")
        return gazetteer

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Models saved before the gazetteer existed have no gazetteer settings: they used none. Models saved
        # before the n-gram settings existed used today's defaults.
        old = {
            "gazetteer": None,
            "gazetteer_rules": False,
            "gazetteer_features": False,
            "gazetteer_weight": 0.1,
            "char_ngram_range": (3, 5),
            "word_ngram_range": (1, 2),
            "compound_splitter": "lexicon",
        }
        state = {**old, **state}
        vocabularies = state.pop("_vocabularies", {})
        # Models saved before the Analyzer existed hold their rules and lemma table as attributes.
        if "analyzer_" not in state and "rules_" in state:
            rules = state.pop("rules_")
            state.pop("lexicon_", None)
            state["analyzer_"] = Analyzer._from_rules(rules, state.pop("lemma_table_", {}))
        super().__setstate__(state)
        self._terms = {}
        for name, terms in vocabularies.items():
            # The stored terms are in column order: they are the feature names too (no sort on first use).
            self._terms[name] = json.loads(terms)
            getattr(self, name).vocabulary_ = {term: i for i, term in enumerate(self._terms[name])}

    def analyse(self, X: Any, *, n_jobs: int | None = 1) -> list[Analysis]:
        """Process texts once (lemmas and rule matches) for reuse as ``analysis=`` in the methods below.

        ``n_jobs``: processes to use (None or 1: this one, -1: all cores); the result does not depend on it.
        """
        return self._runtime().analyse(_as_texts(X), n_jobs=n_jobs)

    def _docs(self, X: Any, analysis: Sequence[Analysis] | None) -> list[Analysis]:
        if analysis is None:
            return self.analyse(X)
        self._check_fitted()
        return self.analyzer_.check(analysis, len(_as_texts(X)))

    def predict_proba(self, X: Any, *, analysis: Sequence[Analysis] | None = None) -> np.ndarray:
        """Calibrated probabilities of the model, shape ``(n_texts, n_classes)``; every entry is > 0.

        With ``method="rules"`` the rules' normalised scores are returned instead (uniform when they
        abstain). ``analysis``: ``X`` already analysed by :meth:`analyse`.
        """
        docs = self._docs(X, analysis)
        if self.method == "rules":
            return self._runtime().rule_proba(docs)
        return self._runtime().model_proba(docs)

    def model_proba(self, X: Any, *, analysis: Sequence[Analysis] | None = None) -> np.ndarray:
        """Calibrated probabilities of the model, whatever ``method`` is set (every entry is > 0)."""
        return self._runtime().model_proba(self._docs(X, analysis))

    def decision_function(self, X: Any, *, analysis: Sequence[Analysis] | None = None) -> np.ndarray:
        """Uncalibrated decision values of the linear model, shape ``(n_texts, n_classes)``.

        A model of two types gives one value per text, that of the second type (as scikit-learn does).
        """
        runtime = self._runtime()
        scores = runtime.decision(runtime.featurizer.transform(self._docs(X, analysis)))
        return scores[:, 1] if len(runtime.classes) == 2 else scores

    def _linear_model(self) -> LinearSVC:
        est = self.estimator_
        if isinstance(est, CalibratedClassifierCV):
            return est.calibrated_classifiers_[0].estimator
        return est

    def explain(
        self,
        X: Any,
        method: Method | None = None,
        n_terms: int = 5,
        *,
        analysis: Sequence[Analysis] | None = None,
        n_jobs: int | None = 1,
    ) -> list[Prediction]:
        """Predict with full provenance: label, confidence, source, review flag, alternatives, evidence.

        Parameters
        ----------
        X : sequence of str
            Texts; empty ones get no label and are flagged ``empty_text``.
        method : {"hybrid", "model", "rules"}, optional
            Overrides the estimator's ``method`` for this call.
        n_terms : int, default=5
            How many of the most important lemma features to report per item.
        analysis : sequence of Analysis, optional
            ``X`` already analysed by :meth:`analyse` (saves the spaCy pass when several methods are
            compared on the same texts).
        n_jobs : int or None, default=1
            Processes to use for raw texts (None or 1: this one; -1: all cores). The rows stay in order
            and the predictions do not depend on it.

        Returns
        -------
        list of Prediction
        """
        self._check_fitted()
        runtime = self._runtime()
        if analysis is None:
            return runtime.explain(_as_texts(X), method, n_terms, n_jobs=n_jobs)
        return runtime.explain_docs(self._docs(X, analysis), method, n_terms)

    def predict(self, X: Any, *, analysis: Sequence[Analysis] | None = None) -> np.ndarray:
        """Predicted slugs under the estimator's ``method``; None for empty texts (or rule abstentions)."""
        return np.asarray([p.label for p in self.explain(X, analysis=analysis)], dtype=object)

    def _feature_names(self) -> list[str]:
        return self._featurizer().names

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        for cache in ("_featurizer_cache", "_runtime_cache", "_terms"):
            state.pop(cache, None)
        # skops writes a dict entry by entry: the default model's vocabularies made a 76 MB schema that took
        # 11 s to read. Each vocabulary travels as one JSON string of its terms in column order instead.
        vocabularies = {}
        for name in ("word_vectorizer_", "char_vectorizer_"):
            vectorizer: Any = state.get(name)
            vocabulary = getattr(vectorizer, "vocabulary_", None)
            if isinstance(vocabulary, dict):
                vectorizer = copy.copy(vectorizer)
                del vectorizer.vocabulary_
                state[name] = vectorizer
                vocabularies[name] = json.dumps(sorted(vocabulary, key=vocabulary.__getitem__), ensure_ascii=False)
        if vocabularies:
            state["_vocabularies"] = vocabularies
        return state
