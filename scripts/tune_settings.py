"""Grid search of the estimator's settings by grouped 5-fold cross-validation on the training corpus only.

The holdout file is never read here. Prints macro-F1 per setting for the model and hybrid methods, and
for the hybrid policy's thresholds on the out-of-fold probabilities of the best setting.

Usage: python scripts/tune_settings.py
"""

import itertools
import time

from activity_classifier import ActivityClassifier
from activity_classifier.corpus import load_labelled
from activity_classifier.evaluation import classification_metrics, cross_validate, expected_calibration_error

data = load_labelled()
grid = {"C": [0.3, 0.5, 1.0], "rule_features": [False, True]}
best = None
for values in itertools.product(*grid.values()):
    params = dict(zip(grid, values, strict=True))
    t0 = time.perf_counter()
    res = cross_validate(
        ActivityClassifier(**params), data.texts, data.labels, data.groups, methods=("model", "hybrid")
    )
    f1 = {m: classification_metrics(res.labels, res.predicted(m))["macro_f1"] for m in ("model", "hybrid")}
    ece = expected_calibration_error(res.labels, res.proba, res.classes)
    print(
        f"{params}  model {f1['model']:.4f}  hybrid {f1['hybrid']:.4f}  ECE {ece:.3f}"
        f"  ({time.perf_counter() - t0:.0f} s)"
    )
    if best is None or f1["hybrid"] > best[0]:
        best = (f1["hybrid"], params)
assert best is not None
print("best:", best)

params = best[1]
for accept, tie in itertools.product([0.4, 0.5, 0.6, 0.7], [0.1, 0.25, 0.4]):
    res = cross_validate(
        ActivityClassifier(**params, accept_threshold=accept, tie_margin=tie),
        data.texts,
        data.labels,
        data.groups,
        methods=("hybrid",),
    )
    m = classification_metrics(res.labels, res.predicted("hybrid"))
    review = sum(p.needs_review for p in res.predictions["hybrid"]) / len(res.labels)
    print(f"accept {accept} tie {tie}: hybrid macro-F1 {m['macro_f1']:.4f}, flagged {review:.3f}")
