// Cost comes from the core (core.cost(usage, cost)); this file only asks and formats.

/** The core's cost for a usage, or null when it cannot say (no usage, no price, no core.cost). */
export function costOf(core, usage, price) {
  if (!usage || !price) return null;
  try {
    return core.cost(usage, price);
  } catch {
    return null;
  }
}

/** "$0.000123"; "—" when unknown. Takes the core's {known, totalUsd, …}. */
export function formatCost(cost) {
  const total = cost && cost.known !== false && typeof cost.totalUsd === 'number' ? cost.totalUsd : null;
  if (total === null || !Number.isFinite(total)) return '—';
  if (total === 0) return '$0';
  const digits = total >= 0.01 ? 4 : 6;
  return `$${total.toFixed(digits)}`;
}

/** The core's worst case for a built body at the model's prices, or null when it cannot say. */
export function worstCaseOf(core, body, price) {
  if (!body || !price || typeof core?.worstCaseCost !== 'function') return null;
  try {
    return core.worstCaseCost(body, price);
  } catch {
    return null;
  }
}

const count = (n) => Number(n).toLocaleString('en-US');

/**
 * One line for a worst case: "at most $0.0026 (≈ 19 prompt tokens + 256 max tokens)";
 * the core's reason when a limit is missing; '' when nothing can be said (no prices, no body).
 * @param {import('../core.js').WorstCaseCost | null} w
 */
export function formatWorstCase(w) {
  if (!w) return '';
  if (w.known) return `at most ${formatCost(w)} (≈ ${count(w.promptTokens)} prompt tokens + ${count(w.maxTokens)} max tokens)`;
  // Prices are known but nothing bounds the answer: say so, the cost is open-ended.
  if (w.reason === 'no_limit') return `no upper bound: ${w.note}`;
  return '';
}
