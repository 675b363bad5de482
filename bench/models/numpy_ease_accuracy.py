"""Plain dense EASE in numpy, scored with NDCG@10 over the full catalogue minus training items — the
outside reference for Aisle's EASE accuracy on ML-100K.

  python3 bench/models/numpy_ease_accuracy.py split <split.txt> <lambda,...>
      exactly the split Aisle evaluates on (bench/models/dump-split.ts writes it)
  python3 bench/models/numpy_ease_accuracy.py seeds <u.data> <lambda> <seed,...>
      numpy's own per-user 75/25 splits (Microsoft Recommenders' stratified rule)
Prints one JSON line per (split, lambda)."""
import json
import sys

import numpy as np

DISCOUNT = 1 / np.log2(np.arange(2, 12))


def ndcg_at_10(train, test, lam):
    n = train.shape[1]
    gram = train.T @ train
    p = np.linalg.inv(gram + lam * np.eye(n))
    b = p / (-np.diag(p))
    np.fill_diagonal(b, 0)
    scores = train @ b
    scores[train > 0] = -np.inf
    top = np.argsort(-scores, axis=1)[:, :10]
    values = []
    for u, relevant in enumerate(test):
        if not relevant:
            continue
        dcg = sum(DISCOUNT[r] for r, item in enumerate(top[u]) if item in relevant)
        values.append(dcg / DISCOUNT[: min(10, len(relevant))].sum())
    return float(np.mean(values))


def main():
    mode = sys.argv[1]
    if mode == "split":
        rows = np.loadtxt(sys.argv[2], dtype=np.int64)
        users, items = rows[:, 0].max() + 1, rows[:, 1].max() + 1
        train = np.zeros((users, items))
        train[rows[rows[:, 2] == 1, 0], rows[rows[:, 2] == 1, 1]] = 1
        test = [set() for _ in range(users)]
        for u, i in rows[rows[:, 3] == 1, :2]:
            test[u].add(int(i))
        for lam in map(float, sys.argv[3].split(",")):
            print(json.dumps({"split": sys.argv[2], "lambda": lam, "ndcgAt10": round(ndcg_at_10(train, test, lam), 4)}))
    else:
        data = np.loadtxt(sys.argv[2], dtype=np.int64)
        users, items = data[:, 0] - 1, data[:, 1] - 1
        lam = float(sys.argv[3])
        for seed in map(int, sys.argv[4].split(",")):
            rng = np.random.default_rng(seed)
            train = np.zeros((users.max() + 1, items.max() + 1))
            test = [set() for _ in range(users.max() + 1)]
            for u in range(users.max() + 1):
                rows = np.where(users == u)[0]
                rng.shuffle(rows)
                cut = int(round(0.75 * len(rows)))
                train[u, items[rows[:cut]]] = 1
                test[u] = set(items[rows[cut:]].tolist())
            print(json.dumps({"numpySeed": seed, "lambda": lam, "ndcgAt10": round(ndcg_at_10(train, test, lam), 4)}))


main()
