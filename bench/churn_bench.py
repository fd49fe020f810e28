#!/usr/bin/python3
"""churn_bench.py - bench/models.sh's peer: the same work as churn_bench.c with what a user would
reach for, Debian's python3-xgboost (and NumPy) on the same matrix file.
  churn_bench.py train FILE MODEL   prints "seconds trees"
  churn_bench.py score FILE MODEL   prints "seconds rows mean_risk"
"""
import sys
import time

import numpy as np
import xgboost as xgb

FEATURES = 40


def main():
    what, path, model = sys.argv[1:4]
    m = np.fromfile(path, dtype=np.float32).reshape(-1, 2 + FEATURES)
    x, y = m[:, 2:], m[:, 1]
    if what == "train":
        params = {"objective": "binary:logistic", "eval_metric": "logloss",
                  "tree_method": "hist", "max_depth": 3, "eta": 0.05, "subsample": 0.8,
                  "colsample_bytree": 0.8, "min_child_weight": 5, "lambda": 1, "seed": 0,
                  "verbosity": 0}
        t0 = time.perf_counter()
        b = xgb.train(params, xgb.DMatrix(x, label=y, missing=np.nan), num_boost_round=200)
        t1 = time.perf_counter()
        b.save_model(model)
        print(f"{t1 - t0:.4f} {b.num_boosted_rounds()}")
    else:
        b = xgb.Booster(model_file=model)
        last = m[:, 0] == m[:, 0].max()
        t0 = time.perf_counter()
        c = b.predict(xgb.DMatrix(x[last], missing=np.nan), pred_contribs=True)
        risk = 1 / (1 + np.exp(-c.sum(axis=1)))
        t1 = time.perf_counter()
        print(f"{t1 - t0:.4f} {last.sum()} {risk.mean():.6f}")


main()
