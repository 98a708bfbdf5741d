// The base earning rate: `points` points per `perMinor` minor units, rounded down by the one
// rounding rule. Without a program the default is 1 point per whole yuan (100 分).

import type { Program } from './program/program.js';
import { floorScaled } from './rounding.js';

export { floorScaled } from './rounding.js';

export const MINOR_UNITS_PER_POINT = 100;

export const DEFAULT_BASE_RATE: Program['baseRate'] = { points: 1, perMinor: MINOR_UNITS_PER_POINT };

/** floor(amountMinor × rate.points / rate.perMinor). */
export function basePoints(amountMinor: number, rate: Program['baseRate'] = DEFAULT_BASE_RATE): number {
  return floorScaled(amountMinor, rate.points, rate.perMinor);
}
