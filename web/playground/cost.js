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
