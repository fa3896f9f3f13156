/** A rate with its count and Wilson 95% score interval. `rate` is null when there is nothing to divide by. */
export interface Rate {
  numerator: number;
  denominator: number;
  rate: number | null;
  low: number | null;
  high: number | null;
}

const Z95 = 1.959963984540054;

export function wilsonRate(numerator: number, denominator: number, z: number = Z95): Rate {
  if (denominator <= 0) return { numerator, denominator, rate: null, low: null, high: null };
  const p = numerator / denominator;
  const z2 = z * z;
  const centre = p + z2 / (2 * denominator);
  const margin = z * Math.sqrt((p * (1 - p)) / denominator + z2 / (4 * denominator * denominator));
  const divisor = 1 + z2 / denominator;
  return {
    numerator,
    denominator,
    rate: p,
    // At the ends the interval is exactly 0 or 1; floating point would leave 3e-17 or 0.9999999999999999.
    low: numerator <= 0 ? 0 : Math.max(0, (centre - margin) / divisor),
    high: numerator >= denominator ? 1 : Math.min(1, (centre + margin) / divisor),
  };
}
