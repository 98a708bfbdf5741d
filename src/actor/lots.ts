// Lot arithmetic: where points sit in a member's state, soonest-expiring first. A leaf shared by
// the fold (state.ts) and the anti-abuse fold (risk/risk-fold.ts), so neither imports the other.

import { NEVER_EXPIRES } from './entries.js';

/**
 * Points earned together that expire together; spending takes the soonest-expiring first. A lot
 * with availableAt in the future is pending (the return window): counted, not yet spendable.
 */
export interface Lot {
  expiresAt: number;
  points: number;
  /** 0 = available at once. */
  availableAt: number;
}

/** expiresAt is the last millisecond a lot can be spent (the end of a local day); it lapses after it. */
export function isLive(lot: Lot, now: number): boolean {
  return lot.expiresAt === NEVER_EXPIRES || now <= lot.expiresAt;
}

/** Adds points as a lot in lot order: soonest expiry first (never last), then by availableAt; equal lots merge. */
export function insertLot(lots: Lot[], expiresAt: number, availableAt: number, points: number): void {
  if (points <= 0) return;
  const order = expiryOrder(expiresAt);
  let i = 0;
  while (i < lots.length && expiryOrder(lots[i].expiresAt) < order) i++;
  while (i < lots.length && lots[i].expiresAt === expiresAt && lots[i].availableAt < availableAt) i++;
  if (i < lots.length && lots[i].expiresAt === expiresAt && lots[i].availableAt === availableAt) lots[i].points += points;
  else lots.splice(i, 0, { expiresAt, points, availableAt });
}

/** Takes up to `wanted` points from the matching lots in lot order; returns what is still wanted. */
export function takeWhere(lots: Lot[], wanted: number, matches: (lot: Lot) => boolean): number {
  let left = wanted;
  for (let i = 0; i < lots.length && left > 0; ) {
    const lot = lots[i];
    if (!matches(lot)) {
      i++;
      continue;
    }
    const used = Math.min(lot.points, left);
    lot.points -= used;
    left -= used;
    if (lot.points === 0) lots.splice(i, 1);
    else i++;
  }
  return left;
}

function expiryOrder(expiresAt: number): number {
  return expiresAt === NEVER_EXPIRES ? Number.POSITIVE_INFINITY : expiresAt;
}
