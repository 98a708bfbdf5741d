// A member's state and how one ledger entry changes it (the fold). Replaying all of a member's
// entries through applyEntry from emptyState yields exactly the state the actor held.

import { type LedgerEntry, NEVER_EXPIRES } from './entries.js';

/** Points earned together that expire together; spending takes the soonest-expiring first. */
export interface Lot {
  expiresAt: number;
  points: number;
}

export interface MemberState {
  tenantId: string;
  memberId: string;
  seq: number;
  /** Available balance = sum of lot points − debt. */
  balance: number;
  /** Points owed after a clawback took more than the lots held; new points pay it off first. */
  debt: number;
  lots: Lot[];
  lifetimeEarned: number;
  lifetimeRedeemed: number;
}

export function emptyState(tenantId: string, memberId: string): MemberState {
  return { tenantId, memberId, seq: 0, balance: 0, debt: 0, lots: [], lifetimeEarned: 0, lifetimeRedeemed: 0 };
}

export function memberExists(state: MemberState): boolean {
  return state.seq > 0;
}

/** Mutates state: the actor is its only writer, and copying lots per command would cost the hot path. */
export function applyEntry(state: MemberState, entry: LedgerEntry): void {
  if (entry.seq !== state.seq + 1) {
    throw new Error(`ledger gap for ${state.tenantId}/${state.memberId}: have seq ${state.seq}, got ${entry.seq}`);
  }
  state.seq = entry.seq;
  if (entry.points > 0) addPoints(state, entry.points, entry.expiresAt);
  else if (entry.points < 0) takePoints(state, -entry.points);
  state.balance += entry.points;
  if (entry.type === 'earn') state.lifetimeEarned += entry.points;
  else if (entry.type === 'redeem') state.lifetimeRedeemed -= entry.points;
}

function addPoints(state: MemberState, points: number, expiresAt: number): void {
  const paid = Math.min(state.debt, points);
  state.debt -= paid;
  const rest = points - paid;
  if (rest === 0) return;
  const lots = state.lots;
  const order = expiryOrder(expiresAt);
  let i = 0;
  while (i < lots.length && expiryOrder(lots[i].expiresAt) < order) i++;
  if (i < lots.length && lots[i].expiresAt === expiresAt) lots[i].points += rest;
  else lots.splice(i, 0, { expiresAt, points: rest });
}

function takePoints(state: MemberState, points: number): void {
  let left = points;
  const lots = state.lots;
  while (left > 0 && lots.length > 0) {
    const lot = lots[0];
    const used = Math.min(lot.points, left);
    lot.points -= used;
    left -= used;
    if (lot.points === 0) lots.shift();
  }
  state.debt += left;
}

function expiryOrder(expiresAt: number): number {
  return expiresAt === NEVER_EXPIRES ? Number.POSITIVE_INFINITY : expiresAt;
}
