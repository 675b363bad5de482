"""EASE in numpy (the reference of the models issue): fit on the same interaction matrix as the
TypeScript benchmark, read from a binary CSR file; prints one JSON line with the median fit time."""
import json
import statistics
import sys
import time

import numpy as np

path, lam, runs = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
with open(path, "rb") as f:
    rows, cols, nnz = np.frombuffer(f.read(12), dtype=np.int32)
    indptr = np.frombuffer(f.read(4 * (rows + 1)), dtype=np.int32)
    indices = np.frombuffer(f.read(4 * nnz), dtype=np.int32)
X = np.zeros((rows, cols), dtype=np.float64)
X[np.repeat(np.arange(rows), np.diff(indptr)), indices] = 1.0
times = []
for _ in range(runs):
    start = time.perf_counter()
    G = X.T @ X
    G[np.diag_indices(cols)] += lam
    P = np.linalg.inv(G)
    B = P / (-np.diag(P))
    B[np.diag_indices(cols)] = 0
    times.append(time.perf_counter() - start)
print(json.dumps({"numpy": np.__version__, "runs": times, "medianSeconds": statistics.median(times)}))
