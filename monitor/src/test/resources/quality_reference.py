"""Independent quality figures for QualityAgainstPythonTest: scikit-learn and numpy.

Reads rows.csv (kind,score...,truth) and prints one JSON object. The AUC's confidence interval
is DeLong's, computed here from its definition (placement values, O(m*n)), not with midranks as
the Java code does.
"""
import json
import sys

import numpy as np
from sklearn.metrics import accuracy_score, brier_score_loss, log_loss, mean_absolute_error
from sklearn.metrics import mean_squared_error, roc_auc_score

def delong(scores, labels):
    x = scores[labels == 1]
    y = scores[labels == 0]
    m, n = len(x), len(y)
    psi = (x[:, None] > y[None, :]).astype(float) + 0.5 * (x[:, None] == y[None, :])
    auc = psi.mean()
    v10 = psi.mean(axis=1)
    v01 = psi.mean(axis=0)
    var = v10.var(ddof=1) / m + v01.var(ddof=1) / n
    z = 1.959963984540054
    return auc, max(0.0, auc - z * np.sqrt(var)), min(1.0, auc + z * np.sqrt(var))

def placements(scores, labels):
    x = scores[labels == 1]
    y = scores[labels == 0]
    psi = (x[:, None] > y[None, :]).astype(float) + 0.5 * (x[:, None] == y[None, :])
    return psi.mean(), psi.mean(axis=1), psi.mean(axis=0)

def delong_paired(a, b, labels):
    """AUC(b) - AUC(a) on the same rows and its 95% interval (DeLong et al. 1988)."""
    auc_a, v10a, v01a = placements(a, labels)
    auc_b, v10b, v01b = placements(b, labels)
    m, n = len(v10a), len(v01a)
    s10 = np.cov(np.vstack([v10a, v10b]))
    s01 = np.cov(np.vstack([v01a, v01b]))
    var = (s10[0, 0] + s10[1, 1] - 2 * s10[0, 1]) / m + (s01[0, 0] + s01[1, 1] - 2 * s01[0, 1]) / n
    z = 1.959963984540054
    d = auc_b - auc_a
    return d, d - z * np.sqrt(var), d + z * np.sqrt(var)

def psi(base, live):
    """PSI over the baseline's decile bins: edges at ranks floor(k*n/10), shares floored at 1e-4."""
    b = np.sort(base[~np.isnan(base)])
    n = len(b)
    edges = np.unique(np.array([b[(k * n) // 10] for k in range(1, 10)]))
    l = live[~np.isnan(live)]
    bb = np.bincount(np.searchsorted(edges, b, side="right"), minlength=len(edges) + 1)
    lb = np.bincount(np.searchsorted(edges, l, side="right"), minlength=len(edges) + 1)
    pb = np.maximum(bb / bb.sum(), 1e-4)
    pl = np.maximum(lb / lb.sum(), 1e-4)
    return {
        "psi": float(np.sum((pl - pb) * np.log(pl / pb))),
        "missing_share": float(np.isnan(live).mean()),
        "baseline_missing_share": float(np.isnan(base).mean()),
        "out_of_range_share": float(((l < b[0]) | (l > b[-1])).mean()),
    }

rows = {"binary": [], "multi": [], "reg": [], "pair": [], "dbase": [], "dlive": []}
with open(sys.argv[1]) as f:
    for line in f:
        kind, rest = line.strip().split(",", 1)
        rows[kind].append([float(v) for v in rest.split(",")])

out = {}
b = np.array(rows["binary"])
p, y = b[:, 0], b[:, 1].astype(int)
auc, lower, upper = delong(p, y)
out["binary"] = {
    "auc": roc_auc_score(y, p),
    "auc_delong": auc,
    "auc_lower": lower,
    "auc_upper": upper,
    "log_loss": log_loss(y, np.clip(p, 1e-15, 1 - 1e-15), labels=[0, 1]),
    "brier": brier_score_loss(y, p),
    "accuracy": accuracy_score(y, (p >= 0.5).astype(int)),
}
m = np.array(rows["multi"])
probs, labels = m[:, :-1], m[:, -1].astype(int)
out["multi"] = {
    "accuracy": accuracy_score(labels, probs.argmax(axis=1)),
    # numpy directly: scikit-learn renormalises rows that float32 leaves a hair off 1.
    "log_loss": float(-np.mean(np.log(np.clip(probs[np.arange(len(labels)), labels], 1e-15, 1)))),
}
r = np.array(rows["reg"])
pred, obs = r[:, 0], r[:, 1]
out["reg"] = {
    "rmse": float(np.sqrt(mean_squared_error(obs, pred))),
    "mae": mean_absolute_error(obs, pred),
    "mean_bias": float(np.mean(pred - obs)),
}
pr = np.array(rows["pair"])
d, lower, upper = delong_paired(pr[:, 0], pr[:, 1], pr[:, 2].astype(int))
out["pair"] = {"difference": d, "lower": lower, "upper": upper}
base = np.array(rows["dbase"])
live = np.array(rows["dlive"])
out["drift"] = {name: psi(base[:, i], live[:, i]) for i, name in enumerate(["a", "b", "c", "output"])}
print(json.dumps(out))
