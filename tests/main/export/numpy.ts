import { spawnSync } from 'node:child_process';

/** Whether Python's numpy can be run here (Debian's python3-numpy); CI may lack it. */
export const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

export interface NumpyView {
  shape: number[];
  dtype: string;
  /** The values in C order, as Python floats/ints (float32 widened exactly to double). */
  values: number[];
}

const SCRIPT = `
import json, sys
import numpy as np
out = []
for path in sys.argv[1:]:
    a = np.load(path, allow_pickle=False)
    out.append({'shape': list(a.shape), 'dtype': str(a.dtype), 'values': a.ravel(order='C').tolist()})
print(json.dumps(out))
`;

/** Loads `.npy` files with numpy.load in a Python process. */
export function numpyLoad(...paths: string[]): NumpyView[] {
  const result = spawnSync('python3', ['-c', SCRIPT, ...paths], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`numpy.load failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as NumpyView[];
}

const CSV_SCRIPT = `
import csv, json, sys
import numpy as np
with open(sys.argv[1], newline='') as handle:
    header = next(csv.reader(handle))
table = np.genfromtxt(sys.argv[1], delimiter=',', skip_header=1, dtype=np.float64, ndmin=2)
rows = [[None if np.isnan(v) else float(v) for v in row] for row in table.tolist()]
print(json.dumps({'header': header, 'rows': rows}))
`;

/**
 * Reads a CSV file as numpy reads numeric tables (`genfromtxt`, empty cells become NaN, here
 * null) and its header with Python's csv module: what `pandas.read_csv` sees, without pandas.
 */
export function numpyCsv(path: string): { header: string[]; rows: (number | null)[][] } {
  const result = spawnSync('python3', ['-c', CSV_SCRIPT, path], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`numpy.genfromtxt failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { header: string[]; rows: (number | null)[][] };
}
