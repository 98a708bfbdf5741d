// The correctness pass's decisions, on what the engine's public API returned after the load
// (entries, accounts, redemptions, the catalog) and what the generators were answered: every
// acknowledged write present exactly once, the ledger conserving points, no unit sold twice or
// beyond stock. Pure: data in, findings out.
import type { WriteOutcome } from './generator.js';
import type { Rpc } from './mix.js';

export interface Entry {
  entry_id: string;
  seq: number;
  type: string;
  points: number;
  balance_after: number;
  idempotency_key: string;
  hold_id?: string;
}

export interface Redemption {
  reward_id: string;
  prize_id?: string;
  quantity: number;
  state: string;
}

export interface MemberLedger {
  member: string;
  entries: Entry[];
  /** GetAccount's parts: available (spendable), pending (return window) and held (open holds). */
  available: number;
  pending: number;
  held: number;
  redemptions: Redemption[];
}

/** The ledger entry each write RPC leaves under its idempotency key. */
export const ENTRY_TYPE_OF: Record<Rpc, string> = {
  Earn: 'ENTRY_TYPE_EARN',
  Hold: 'ENTRY_TYPE_HOLD',
  CaptureHold: 'ENTRY_TYPE_CAPTURE',
  ReleaseHold: 'ENTRY_TYPE_RELEASE',
  RecordActivity: 'ENTRY_TYPE_ACTIVITY',
  DrawLottery: 'ENTRY_TYPE_LOTTERY_DRAW',
  RedeemReward: 'ENTRY_TYPE_REDEEM_REWARD',
  Reverse: 'ENTRY_TYPE_REVERSE',
};

const SAMPLES = 10;
/** The engine lists a member's latest 100 redemption orders (src/actor/redemptions.ts). */
const REDEMPTIONS_KEPT = 100;

export interface WritesCheck {
  /** Distinct (key, RPC) answered OK at least once. */
  acknowledged: number;
  presentOnce: number;
  /** Keys answered OK more than once (client retries) whose answers all named the same entry. */
  retriedConsistently: number;
  missing: string[];
  duplicated: string[];
  idMismatch: string[];
  /** Writes never answered OK (errors, timeouts) that are in the ledger anyway: allowed, reported. */
  unacknowledgedButWritten: number;
  ok: boolean;
}

export function checkWrites(writes: WriteOutcome[], ledgers: Map<string, MemberLedger>, keyPrefix: string): WritesCheck {
  const index = new Map<string, Entry[]>();
  for (const l of ledgers.values())
    for (const e of l.entries) if (e.idempotency_key.startsWith(keyPrefix)) push(index, `${e.idempotency_key}|${e.type}`, e);
  const acked = new Map<string, string[]>();
  const unacked = new Set<string>();
  for (const [rpc, , key, status, id] of writes) {
    const k = `${key}|${ENTRY_TYPE_OF[rpc as Rpc]}`;
    if (status === 'OK') push(acked, k, id);
    else unacked.add(k);
  }
  const missing: string[] = [];
  const duplicated: string[] = [];
  const idMismatch: string[] = [];
  let presentOnce = 0;
  let retriedConsistently = 0;
  for (const [k, ids] of acked) {
    const found = index.get(k) ?? [];
    if (found.length === 0) missing.push(k);
    else if (found.length > 1) duplicated.push(k);
    else {
      presentOnce++;
      const entryId = found[0].type === ENTRY_TYPE_OF.Hold ? found[0].hold_id || found[0].entry_id : found[0].entry_id;
      if (ids.some((id) => id !== entryId)) idMismatch.push(k);
      else if (ids.length > 1) retriedConsistently++;
    }
  }
  for (const [k, found] of index) if (found.length > 1 && !acked.has(k)) duplicated.push(k);
  let unacknowledgedButWritten = 0;
  for (const k of unacked) if (!acked.has(k) && index.has(k)) unacknowledgedButWritten++;
  return {
    acknowledged: acked.size,
    presentOnce,
    retriedConsistently,
    missing: missing.slice(0, SAMPLES),
    duplicated: duplicated.slice(0, SAMPLES),
    idMismatch: idMismatch.slice(0, SAMPLES),
    unacknowledgedButWritten,
    ok: missing.length === 0 && duplicated.length === 0 && idMismatch.length === 0,
  };
}

export interface ConservationCheck {
  members: number;
  entries: number;
  issued: number;
  spent: number;
  expired: number;
  /** Ledger balances: available + pending + held, summed over the members read. */
  balances: number;
  available: number;
  pending: number;
  held: number;
  violations: string[];
  ok: boolean;
}

/** Notices name points about to expire; they move none. */
const MOVES_NO_POINTS = new Set(['ENTRY_TYPE_NOTICE']);

/**
 * issued − spent − expired = balance, per member and in total: issued, spent and expired summed from
 * the entries themselves, the balance from GetAccount (available + pending + held: the API's
 * `balance` is the spendable part). The entries must also chain: seq 1..n, each balance_after = the
 * previous + points.
 */
export function checkConservation(ledgers: Iterable<MemberLedger>): ConservationCheck {
  const c: ConservationCheck = {
    members: 0,
    entries: 0,
    issued: 0,
    spent: 0,
    expired: 0,
    balances: 0,
    available: 0,
    pending: 0,
    held: 0,
    violations: [],
    ok: true,
  };
  for (const l of ledgers) {
    c.members++;
    c.entries += l.entries.length;
    const sorted = [...l.entries].sort((a, b) => a.seq - b.seq);
    let running = 0;
    let issued = 0;
    let spent = 0;
    let expired = 0;
    sorted.forEach((e, i) => {
      if (e.seq !== i + 1) violation(c, `${l.member}: seq ${e.seq} at position ${i + 1}`);
      const points = MOVES_NO_POINTS.has(e.type) ? 0 : e.points;
      running += points;
      if (points > 0) issued += points;
      else if (e.type === 'ENTRY_TYPE_EXPIRE') expired -= points;
      else spent -= points;
      if (e.balance_after !== running)
        violation(c, `${l.member}: seq ${e.seq} balance_after ${e.balance_after}, entries sum to ${running}`);
    });
    const balance = l.available + l.pending + l.held;
    if (issued - spent - expired !== balance)
      violation(
        c,
        `${l.member}: issued ${issued} - spent ${spent} - expired ${expired} = ${issued - spent - expired}, balance ${balance} (available ${l.available} + pending ${l.pending} + held ${l.held})`,
      );
    c.issued += issued;
    c.spent += spent;
    c.expired += expired;
    c.balances += balance;
    c.available += l.available;
    c.pending += l.pending;
    c.held += l.held;
  }
  c.ok = c.violations.length === 0 && c.issued - c.spent - c.expired === c.balances;
  return c;
}

export interface CatalogReward {
  reward_id: string;
  stock: number;
  units_sold: number;
  units_left: number;
  prizes?: { prize_id: string; stock: number; units_left: number }[];
}

export interface StockLine {
  id: string;
  stock: number;
  sold: number;
  left: number;
  /** Units in the members' redemptions (not rejected or cancelled). */
  paid: number;
  /** RedeemReward calls answered OK. */
  acknowledged: number;
  oversold: number;
  /**
   * Members whose ListRedemptions was at the engine's cap (REDEMPTIONS_KEPT, the latest 100): their older
   * redemptions are not listed, so paid may fall short; then only paid <= sold and acknowledged <= sold are checked.
   */
  paidIncomplete: number;
  ok: boolean;
}

const RETURNED = new Set(['REDEMPTION_STATE_REJECTED', 'REDEMPTION_STATE_CANCELLED']);

/** Stock sold = paid redemptions = stock − left, never beyond stock; the lottery's prizes likewise. */
export function checkStock(
  rewardIds: string[],
  lotteryId: string,
  catalog: CatalogReward[],
  ledgers: Iterable<MemberLedger>,
  writes: WriteOutcome[],
): StockLine[] {
  const paid = new Map<string, number>();
  let capped = 0;
  for (const l of ledgers) {
    if (l.redemptions.length >= REDEMPTIONS_KEPT) capped++;
    for (const r of l.redemptions) {
      if (RETURNED.has(r.state)) continue;
      const id = r.reward_id === lotteryId ? `${lotteryId}/${r.prize_id}` : r.reward_id;
      paid.set(id, (paid.get(id) ?? 0) + (r.reward_id === lotteryId ? 1 : r.quantity));
    }
  }
  const acked = new Map<string, string[]>();
  for (const [rpc, , key, status, , reward] of writes) if (rpc === 'RedeemReward' && status === 'OK') push(acked, reward, key);
  const lines: StockLine[] = [];
  for (const id of rewardIds) {
    const r = catalog.find((x) => x.reward_id === id);
    const stock = r?.stock ?? 0;
    lines.push(
      line(
        id,
        stock,
        r?.units_sold ?? 0,
        r?.units_left ?? 0,
        paid.get(id) ?? 0,
        new Set(acked.get(id) ?? []).size,
        r !== undefined,
        capped,
      ),
    );
  }
  const lottery = catalog.find((x) => x.reward_id === lotteryId);
  for (const prize of lottery?.prizes ?? []) {
    if (prize.stock === 0) continue; // the unlimited fallback
    const won = paid.get(`${lotteryId}/${prize.prize_id}`) ?? 0;
    lines.push(
      line(`${lotteryId}/${prize.prize_id}`, prize.stock, prize.stock - prize.units_left, prize.units_left, won, won, true, capped),
    );
  }
  return lines;
}

function line(
  id: string,
  stock: number,
  sold: number,
  left: number,
  paid: number,
  acknowledged: number,
  listed: boolean,
  paidIncomplete = 0,
): StockLine {
  const oversold = Math.max(0, sold - stock, paid - stock);
  const paidMatches = paidIncomplete > 0 ? paid <= sold && acknowledged <= sold : sold === paid && acknowledged <= paid;
  const ok = listed && oversold === 0 && paidMatches && sold + left === stock;
  return { id, stock, sold, left, paid, acknowledged, oversold, paidIncomplete, ok };
}

function violation(c: ConservationCheck, text: string): void {
  if (c.violations.length < SAMPLES) c.violations.push(text);
  c.ok = false;
}

function push<V>(m: Map<string, V[]>, k: string, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
