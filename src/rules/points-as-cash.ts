// 积分抵现: how many points an order may use at checkout under the tenant's program.

import { BASIS_POINTS, type Program } from './program/program.js';
import { floorScaled } from './rounding.js';

/** Points an order of `amountMinor` may use: its allowed share, converted at the program's rate, rounded down. */
export function pointsUsableFor(program: Program, amountMinor: number): number {
  const { points, perMinor, maxShareBp } = program.pointsAsCash;
  const payableMinor = floorScaled(amountMinor, maxShareBp, BASIS_POINTS);
  return floorScaled(payableMinor, points, perMinor);
}
