// The order statistics the benches report, defined once so that "median" and "p99" mean the
// same in every table.

/**
 * The value at quantile `q` (0 to 1) of `values`: the element at floor(q × n) of the sorted
 * values, so the median of an even count is the upper of the two middle ones and p99 of fewer
 * than 100 values is the largest. NaN for no values. `values` is left as it was.
 * @param {number[]} values
 * @param {number} q
 */
export function quantile(values, q) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** @param {number[]} values */
export const median = (values) => quantile(values, 0.5);
