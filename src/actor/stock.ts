// A reward's stock actor: the single writer of its units, so a flash sale contends on one actor,
// not on a lock. Its entries (type `stock`, zero points) are the saga log of every redemption:
// reserve → (the buyer pays) → confirm, or cancel; a rejected order's units come back by restock.
// Units are never sold twice: left = stock − sold − reserved is checked and moved in one decision.

import type { Program } from '../rules/program/program.js';
import { REWARD_UNIT, type Reward, limitPeriodKey, prizeFor } from '../rules/rewards.js';
import type { RedeemRewardCommand, ReserveStockCommand, RestockCommand, SettleReservationCommand, WriteCommand } from './commands.js';
import { type LedgerEntry, type StockStep, emptyDetail } from './entries.js';
import { newEntry } from './new-entry.js';
import { type Rejection, reject } from './rejections.js';
import type { MemberState } from './state.js';

export interface Reservation {
  buyerId: string;
  unit: string;
  quantity: number;
  periodKey: string;
}

export type ReservationOutcome =
  | { state: 'open' }
  | { state: 'sold'; memberEntryId: string }
  | { state: 'cancelled'; refusal: { kind: string; message: string } }
  | { state: 'unknown' };

export interface StockState {
  /** Units sold and set aside, per unit ('' for the reward, prize ids for a lottery). */
  sold: Record<string, number>;
  reserved: Record<string, number>;
  open: Record<string, Reservation>;
  /** Outcomes of recent reservations, oldest first (bounded): what a retried request is answered from. */
  settled: Record<string, Exclude<ReservationOutcome, { state: 'open' } | { state: 'unknown' }>>;
  /** Units each member took in the limit's current period. */
  buyers: Record<string, { periodKey: string; units: number }>;
}

/**
 * Settled outcomes kept for retries (older retries are answered from the buyer's orders): bounded,
 * because the stock actor's state is snapshotted like any member's.
 */
const SETTLED_KEPT = 5_000;
/** Past this many buyers, those counted in an earlier limit period are forgotten. */
const BUYERS_PRUNED_AT = 10_000;

export function emptyStock(): StockState {
  return { sold: {}, reserved: {}, open: {}, settled: {}, buyers: {} };
}

export interface StockDecision {
  ok: true;
  entry: LedgerEntry;
  followUp?: RedeemRewardCommand;
}

type Result = StockDecision | { ok: false; rejection: Rejection };

interface Inputs {
  now: number;
  payloadHash: string;
  program: Program;
}

/** Units of `unit` still for sale: supplied − sold − set aside. */
export function unitsLeft(state: MemberState, reward: Reward, unit: string): number {
  const stock = state.stock ?? emptyStock();
  const supplied = unit === REWARD_UNIT ? reward.stock : (reward.prizes.find((p) => p.prizeId === unit)?.stock ?? 0);
  return supplied - (stock.sold[unit] ?? 0) - (stock.reserved[unit] ?? 0);
}

export function decideReserve(state: MemberState, cmd: ReserveStockCommand, inputs: Inputs): Result {
  const { reward } = cmd;
  const { now, program } = inputs;
  if (reward.availableFrom > 0 && now < reward.availableFrom) {
    return { ok: false, rejection: reject.rewardNotOnSale(reward.rewardId, `is on sale from ${new Date(reward.availableFrom).toISOString()}`) };
  }
  if (reward.availableUntil > 0 && now > reward.availableUntil) {
    return { ok: false, rejection: reject.rewardNotOnSale(reward.rewardId, `was on sale until ${new Date(reward.availableUntil).toISOString()}`) };
  }
  const stock = state.stock ?? emptyStock();
  // '' = no per-member limit: the actor then keeps no per-buyer counts at all
  const periodKey = reward.perMemberLimit > 0 ? limitPeriodKey(reward.limitPeriod, now, program.timeZone) : '';
  if (reward.perMemberLimit > 0) {
    const bought = stock.buyers[cmd.buyerId];
    const units = bought && bought.periodKey === periodKey ? bought.units : 0;
    if (units + cmd.quantity > reward.perMemberLimit) {
      return { ok: false, rejection: reject.redemptionLimit(reward.rewardId, reward.perMemberLimit, reward.limitPeriod, units) };
    }
  }
  let unit = REWARD_UNIT;
  if (reward.kind === 'lottery') {
    const prize = prizeFor(reward, cmd.drawValue, (p) => unitsLeft(state, reward, p.prizeId));
    unit = prize.prizeId;
  } else if (unitsLeft(state, reward, REWARD_UNIT) < cmd.quantity) {
    return { ok: false, rejection: reject.soldOut(reward.rewardId, unitsLeft(state, reward, REWARD_UNIT), cmd.quantity) };
  }
  const seq = state.seq + 1;
  const redemptionId = `${reward.rewardId}-${seq}`;
  const unlimited = reward.kind === 'lottery' && unit === reward.fallbackPrizeId;
  const step: StockStep = {
    op: 'reserve',
    redemptionId,
    buyerId: cmd.buyerId,
    unit,
    quantity: cmd.quantity,
    periodKey,
    drawValue: cmd.drawValue,
    clientKey: cmd.clientKey,
    memberEntryId: '',
    refusal: undefined,
    left: unlimited ? 0 : unitsLeft(state, reward, unit) - cmd.quantity,
  };
  const entry = stockEntry(state, cmd, inputs, step);
  const followUp: RedeemRewardCommand = {
    kind: 'redeemReward',
    tenantId: cmd.tenantId,
    memberId: cmd.buyerId,
    idempotencyKey: cmd.clientKey,
    redemptionId,
    reward,
    quantity: cmd.quantity,
    unit,
    drawValue: cmd.drawValue,
    shipping: cmd.shipping,
    periodKey,
  };
  return { ok: true, entry, followUp };
}

export function decideSettle(state: MemberState, cmd: SettleReservationCommand, inputs: Inputs): Result {
  const open = state.stock?.open[cmd.redemptionId];
  if (!open) return { ok: false, rejection: reject.reservationNotOpen(cmd.redemptionId) };
  const step: StockStep = {
    op: cmd.refusal ? 'cancel' : 'confirm',
    redemptionId: cmd.redemptionId,
    buyerId: open.buyerId,
    unit: open.unit,
    quantity: open.quantity,
    periodKey: open.periodKey,
    drawValue: 0,
    clientKey: '',
    memberEntryId: cmd.memberEntryId,
    refusal: cmd.refusal,
    left: 0,
  };
  return { ok: true, entry: stockEntry(state, cmd, inputs, step) };
}

export function decideRestock(state: MemberState, cmd: RestockCommand, inputs: Inputs): Result {
  const step: StockStep = {
    op: 'restock',
    redemptionId: cmd.redemptionId,
    buyerId: cmd.buyerId,
    unit: cmd.unit,
    quantity: cmd.quantity,
    periodKey: cmd.periodKey,
    drawValue: 0,
    clientKey: '',
    memberEntryId: '',
    refusal: undefined,
    left: 0,
  };
  return { ok: true, entry: stockEntry(state, cmd, inputs, step) };
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
  stock.buyers[step.buyerId] = { periodKey: step.periodKey, units: (bought?.periodKey === step.periodKey ? bought.units : 0) + step.quantity };
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

function stockEntry(state: MemberState, cmd: WriteCommand, inputs: Inputs, step: StockStep): LedgerEntry {
  const detail = emptyDetail(inputs.program.version);
  detail.stock = step;
  return newEntry(state, cmd, inputs, 0, { type: 'stock', orderId: step.redemptionId, reason: step.op, detail });
}
