/**
 * Inter-annotator agreement. A unit is one item; its values are the answers of different annotators
 * (missing answers are simply absent). Every statistic is null where it is undefined for the data
 * (no pairable unit; a single category so that expected disagreement is 0), never NaN.
 */
export type Metric = 'nominal' | 'interval';
type Value = string | number;

const distance = (metric: Metric) => (a: Value, b: Value) => (metric === 'nominal' ? (a === b ? 0 : 1) : (Number(a) - Number(b)) ** 2);

function counts(values: readonly Value[]): Map<Value, number> {
  const map = new Map<Value, number>();
  for (const v of values) map.set(v, (map.get(v) ?? 0) + 1);
  return map;
}

/** Σ over ordered pairs of different positions of δ, computed on value counts (O(distinct²)). */
function pairSum(tally: Map<Value, number>, delta: (a: Value, b: Value) => number): number {
  let sum = 0;
  for (const [a, na] of tally) for (const [b, nb] of tally) if (a !== b) sum += na * nb * delta(a, b);
  return sum;
}

/**
 * Krippendorff's alpha = 1 − D_o / D_e over the coincidences of pairable values (units with ≥ 2
 * values); nominal or interval (squared difference) metric.
 */
export function krippendorffAlpha(units: readonly (readonly Value[])[], metric: Metric): number | null {
  const delta = distance(metric);
  const pairable = units.filter((unit) => unit.length >= 2);
  const n = pairable.reduce((sum, unit) => sum + unit.length, 0);
  if (n < 2) return null;
  let observed = 0;
  for (const unit of pairable) observed += pairSum(counts(unit), delta) / (unit.length - 1);
  observed /= n;
  const expected = pairSum(counts(pairable.flat()), delta) / (n * (n - 1));
  if (expected === 0) return null;
  return 1 - observed / expected;
}

/** Cohen's kappa for two annotators over the units both answered: (p_o − p_e) / (1 − p_e). */
export function cohensKappa(pairs: readonly (readonly [Value, Value])[]): number | null {
  if (pairs.length === 0) return null;
  const first = counts(pairs.map(([a]) => a));
  const second = counts(pairs.map(([, b]) => b));
  const observed = pairs.filter(([a, b]) => a === b).length / pairs.length;
  let expected = 0;
  for (const [value, count] of first) expected += (count / pairs.length) * ((second.get(value) ?? 0) / pairs.length);
  if (expected === 1) return null;
  return (observed - expected) / (1 - expected);
}

/** Share of agreeing annotator pairs per unit, averaged over units with ≥ 2 values. */
export function percentAgreement(units: readonly (readonly Value[])[]): number | null {
  const pairable = units.filter((unit) => unit.length >= 2);
  if (pairable.length === 0) return null;
  let total = 0;
  for (const unit of pairable) {
    let agree = 0;
    for (const [, count] of counts(unit)) agree += count * (count - 1);
    total += agree / (unit.length * (unit.length - 1));
  }
  return total / pairable.length;
}
