// The earning rate until the program engine lands: 1 point per whole yuan (100 分), rounded down.
// Every conversion of money to points goes through the one rounding function here.

export const MINOR_UNITS_PER_POINT = 100;

/** floor(numerator * multiplier / divisor) exactly, also when the product exceeds 2^53. */
export function floorScaled(value: number, multiplier: number, divisor: number): number {
  const product = value * multiplier;
  if (Number.isSafeInteger(product)) return Math.floor(product / divisor);
  return Number((BigInt(value) * BigInt(multiplier)) / BigInt(divisor));
}

export function basePoints(amountMinor: number): number {
  return floorScaled(amountMinor, 1, MINOR_UNITS_PER_POINT);
}
