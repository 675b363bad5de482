/**
 * A compressed sparse row matrix: row r's entries are `indices[indptr[r] .. indptr[r+1])` with
 * `data` at the same positions, column indices ascending within a row.
 */
export interface Csr {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: Float32Array;
}

/** How repeated (row, column) entries combine. */
export type Combine = 'sum' | 'max' | 'last';

/**
 * Builds a CSR matrix from coordinate triplets (any order). Repeated entries combine by `combine`.
 * Counting sort by row, then by column within rows: O(nnz + rows), no per-entry objects.
 */
export function csrFromTriplets(
  rows: number,
  cols: number,
  rowOf: Int32Array,
  colOf: Int32Array,
  values: Float32Array,
  combine: Combine = 'sum',
): Csr {
  const count = rowOf.length;
  const indptr = new Int32Array(rows + 1);
  for (let n = 0; n < count; n++) indptr[rowOf[n]! + 1]!++;
  for (let r = 0; r < rows; r++) indptr[r + 1]! += indptr[r]!;
  const order = new Int32Array(count);
  const cursor = indptr.slice(0, rows);
  for (let n = 0; n < count; n++) order[cursor[rowOf[n]!]!++] = n;
  const indices = new Int32Array(count);
  const data = new Float32Array(count);
  const outPtr = new Int32Array(rows + 1);
  let written = 0;
  for (let r = 0; r < rows; r++) {
    const start = indptr[r]!;
    const end = indptr[r + 1]!;
    // Sort this row's entries by column: insertion sort for short rows, a comparison sort otherwise.
    if (end - start > 32) order.subarray(start, end).sort((x, y) => colOf[x]! - colOf[y]! || x - y);
    else
      for (let a = start + 1; a < end; a++) {
        const entry = order[a]!;
        const column = colOf[entry]!;
        let b = a - 1;
        while (b >= start && colOf[order[b]!]! > column) {
          order[b + 1] = order[b]!;
          b--;
        }
        order[b + 1] = entry;
      }
    for (let a = start; a < end; a++) {
      const entry = order[a]!;
      const column = colOf[entry]!;
      const value = values[entry]!;
      if (written > outPtr[r]! && indices[written - 1] === column) {
        const previous = data[written - 1]!;
        data[written - 1] =
          combine === 'sum' ? previous + value : combine === 'max' ? Math.max(previous, value) : value;
      } else {
        indices[written] = column;
        data[written] = value;
        written++;
      }
    }
    outPtr[r + 1] = written;
  }
  return { rows, cols, indptr: outPtr, indices: indices.slice(0, written), data: data.slice(0, written) };
}

/** The transpose (columns become rows), in O(nnz + cols). */
export function transpose(matrix: Csr): Csr {
  const { rows, cols, indptr, indices, data } = matrix;
  const outPtr = new Int32Array(cols + 1);
  for (let n = 0; n < indices.length; n++) outPtr[indices[n]! + 1]!++;
  for (let c = 0; c < cols; c++) outPtr[c + 1]! += outPtr[c]!;
  const cursor = outPtr.slice(0, cols);
  const outIndices = new Int32Array(indices.length);
  const outData = new Float32Array(indices.length);
  for (let r = 0; r < rows; r++) {
    for (let p = indptr[r]!; p < indptr[r + 1]!; p++) {
      const at = cursor[indices[p]!]!++;
      outIndices[at] = r;
      outData[at] = data[p]!;
    }
  }
  return { rows: cols, cols: rows, indptr: outPtr, indices: outIndices, data: outData };
}

/** A matrix with the same pattern and every value replaced by `f(value)`. */
export function mapValues(matrix: Csr, f: (value: number) => number): Csr {
  const data = new Float32Array(matrix.data.length);
  for (let n = 0; n < data.length; n++) data[n] = f(matrix.data[n]!);
  return { ...matrix, data };
}

/** The sub-matrix of the given rows, in the given order. */
export function selectRows(matrix: Csr, rowIds: Int32Array): Csr {
  const indptr = new Int32Array(rowIds.length + 1);
  for (let n = 0; n < rowIds.length; n++) {
    const r = rowIds[n]!;
    indptr[n + 1] = indptr[n]! + (matrix.indptr[r + 1]! - matrix.indptr[r]!);
  }
  const indices = new Int32Array(indptr[rowIds.length]!);
  const data = new Float32Array(indices.length);
  for (let n = 0; n < rowIds.length; n++) {
    const r = rowIds[n]!;
    indices.set(matrix.indices.subarray(matrix.indptr[r]!, matrix.indptr[r + 1]!), indptr[n]!);
    data.set(matrix.data.subarray(matrix.indptr[r]!, matrix.indptr[r + 1]!), indptr[n]!);
  }
  return { rows: rowIds.length, cols: matrix.cols, indptr, indices, data };
}

/** Number of stored entries per column. */
export function columnCounts(matrix: Csr): Int32Array {
  const counts = new Int32Array(matrix.cols);
  for (let n = 0; n < matrix.indices.length; n++) counts[matrix.indices[n]!]!++;
  return counts;
}
