// The engine's one rounding rule: an amount scaled by an exact rational is rounded down, once.
// Integers throughout: numbers while products stay safe integers (the hot path), BigInt past 2^53.

import { BASIS_POINTS } from './program/program.js';

/** An integer factor: a number while it is a safe integer, a bigint once it has outgrown 2^53. */
export type Factor = number | bigint;

/** floor(value × multiplier / divisor) exactly, also when the product exceeds 2^53. Integers only; divisor > 0. */
export function floorScaled(value: number, multiplier: Factor, divisor: Factor): number {
  if (typeof multiplier === 'number' && typeof divisor === 'number') {
    const product = value * multiplier;
    if (Number.isSafeInteger(product)) {
      const quotient = Math.floor(product / divisor);
      // The float division may round up onto the next integer; one integer check settles it.
      return quotient * divisor > product ? quotient - 1 : quotient;
    }
  }
  const numerator = BigInt(value) * BigInt(multiplier);
  const denominator = BigInt(divisor);
  const quotient = numerator / denominator;
  // BigInt division truncates towards zero; floor differs for a negative, inexact quotient.
  return Number(numerator < 0n && quotient * denominator !== numerator ? quotient - 1n : quotient);
}

/** a × b exactly: a number while the product is a safe integer, else a bigint. */
export function multiplyExact(a: Factor, b: Factor): Factor {
  if (typeof a === 'number' && typeof b === 'number') {
    const product = a * b;
    if (Number.isSafeInteger(product)) return product;
  }
  return BigInt(a) * BigInt(b);
}

/** A non-negative rational numerator / denominator in lowest terms (denominator > 0). */
export interface Ratio {
  numerator: Factor;
  denominator: Factor;
}

/** a/b × c/d in lowest terms, so chains of multipliers stay on the number path as long as they can. */
export function multiplyRatios(a: Ratio, b: Ratio): Ratio {
  return reduced(multiplyExact(a.numerator, b.numerator), multiplyExact(a.denominator, b.denominator));
}

/** basisPoints / 10000 in lowest terms (15000 → 3/2). */
export function basisPointsRatio(basisPoints: number): Ratio {
  return reduced(basisPoints, BASIS_POINTS);
}

/** numerator / denominator in lowest terms. */
export function reduced(numerator: Factor, denominator: Factor): Ratio {
  if (typeof numerator === 'number' && typeof denominator === 'number') {
    const divisor = gcd(numerator, denominator);
    return { numerator: numerator / divisor, denominator: denominator / divisor };
  }
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  const divisor = gcdBig(n, d);
  return { numerator: narrowed(n / divisor), denominator: narrowed(d / divisor) };
}

function narrowed(value: bigint): Factor {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
}

/** Greatest common divisor of two safe integers (1 when both are 0). */
export function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) {
    const rest = x % y;
    x = y;
    y = rest;
  }
  return x === 0 ? 1 : x;
}

function gcdBig(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    const rest = x % y;
    x = y;
    y = rest;
  }
  return x === 0n ? 1n : x;
}
