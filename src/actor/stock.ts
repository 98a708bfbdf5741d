// A reward's stock actor: the single writer of its units, so a flash sale contends on one actor,
// not on a lock. Its entries (type `stock`, zero points) are the saga log of every redemption
// (decided in decide-mall.ts); this module folds them into the units sold, set aside and per buyer.

import { REWARD_UNIT, type Reward } from '../rules/rewards.js';
import type { StockStep } from './entries.js';
import type { MemberState } from './member-state.js';
import { type ReservationOutcome, type StockState, emptyStock } from './stock-state.js';

export { type Reservation, type ReservationOutcome, type StockState, emptyStock } from './stock-state.js';

/**
 * Settled outcomes kept for retries (older retries are answered from the buyer's orders): bounded,
 * because the stock actor's state is snapshotted like any member's.
 */
const SETTLED_KEPT = 5_000;
/** Past this many buyers, those counted in an earlier limit period are forgotten. */
const BUYERS_PRUNED_AT = 10_000;

/** Units of `unit` still for sale: supplied − sold − set aside. */
export function unitsLeft(state: MemberState, reward: Reward, unit: string): number {
  const stock = state.stock ?? emptyStock();
  const supplied = unit === REWARD_UNIT ? reward.stock : (reward.prizes.find((p) => p.prizeId === unit)?.stock ?? 0);
  return supplied - (stock.sold[unit] ?? 0) - (stock.reserved[unit] ?? 0);
}

/** The fold of a stock entry: replay gives back exactly the units sold, set aside and per buyer. */
export function applyStockStep(state: MemberState, step: StockStep): void {
  state.stock ??= emptyStock();
  const stock = state.stock;
  const { unit, quantity } = step;
  switch (step.op) {
    case 'reserve': {
      stock.open[step.redemptionId] = { buyerId: step.buyerId, unit, quantity, periodKey: step.periodKey };
      stock.reserved[unit] = (stock.reserved[unit] ?? 0) + quantity;
      if (step.periodKey !== '') countBuyer(stock, step);
      break;
    }
    case 'confirm':
    case 'cancel': {
      delete stock.open[step.redemptionId];
      stock.reserved[unit] = (stock.reserved[unit] ?? 0) - quantity;
      if (step.op === 'confirm') {
        stock.sold[unit] = (stock.sold[unit] ?? 0) + quantity;
        stock.settled[step.redemptionId] = { state: 'sold', memberEntryId: step.memberEntryId };
      } else {
        giveBackLimit(stock, step);
        stock.settled[step.redemptionId] = { state: 'cancelled', refusal: step.refusal ?? { kind: 'RewardRefused', message: 'cancelled' } };
      }
      const ids = Object.keys(stock.settled);
      for (let i = 0; i < ids.length - SETTLED_KEPT; i++) delete stock.settled[ids[i]];
      break;
    }
    case 'restock':
      stock.sold[unit] = (stock.sold[unit] ?? 0) - quantity;
      giveBackLimit(stock, step);
      break;
  }
}

/** Where a reservation stands, for a retried request or a saga resumed after a restart. */
export function reservationOutcome(state: MemberState, redemptionId: string): ReservationOutcome {
  const stock = state.stock;
  if (!stock) return { state: 'unknown' };
  if (stock.open[redemptionId]) return { state: 'open' };
  return stock.settled[redemptionId] ?? { state: 'unknown' };
}

function countBuyer(stock: StockState, step: StockStep): void {
  const bought = stock.buyers[step.buyerId];
  stock.buyers[step.buyerId] = {
    periodKey: step.periodKey,
    units: (bought?.periodKey === step.periodKey ? bought.units : 0) + step.quantity,
  };
  const ids = Object.keys(stock.buyers);
  if (ids.length <= BUYERS_PRUNED_AT) return;
  for (const id of ids) if (stock.buyers[id].periodKey !== step.periodKey) delete stock.buyers[id];
}

function giveBackLimit(stock: StockState, step: StockStep): void {
  const bought = stock.buyers[step.buyerId];
  if (!bought || bought.periodKey !== step.periodKey) return;
  bought.units -= step.quantity;
  if (bought.units <= 0) delete stock.buyers[step.buyerId];
}
