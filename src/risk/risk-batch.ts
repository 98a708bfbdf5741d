// One shard batch's side of the cross-member windows: before deciding, one reservation for every
// command that has shared checks (one store call); while deciding, each command's verdicts as
// decide's SharedView; after the commit, the corrections (refunds of reserved commands that did not
// end in a committed entry, and the points an earn learnt only from the rules) and the decision tally.

import { type ShardOp, type WriteCommand, isWrite } from '../actor/commands.js';
import type { Decision } from '../actor/decide.js';
import type { Program } from '../rules/program/program.js';
import {
  CHECK_COUNTER,
  CHECK_DISTINCT,
  CHECK_WIDTH,
  type Corrections,
  type ReserveReply,
  type ReserveRequest,
  type SharedWindows,
} from './shared-windows.js';
import { type SharedView, forEachSharedCheck, knownCostOf, riskActionOf } from '../actor/risk/shared-checks.js';
import { WINDOW_MS, bucketMsOf } from '../rules/sliding-window.js';
import type { RiskAction, RiskPolicy } from '../rules/velocity-policy.js';

export type RiskFailurePolicy = 'open' | 'closed';

export interface RiskOptions {
  windows: SharedWindows;
  /** When the store cannot be asked: skip the cross-member limits (open) or refuse what needs them (closed). */
  failure: RiskFailurePolicy;
  /** Prefix of every shared key, e.g. `jifen:<ledger id>:risk:`; the tenant follows as the hash tag. */
  keyPrefix: string;
}

/** What a batch reports for the metrics (the front records it). */
export interface RiskStats {
  /** [policy or rule ('none' when nothing fired), outcome (allow | reject | review | unavailable), commands]. */
  decisions: [string, string, number][];
  /** Reservations that failed because the store could not be asked (0 or 1 per batch). */
  storeFailures: number;
  failure: RiskFailurePolicy;
}

export class RiskBatch implements SharedView {
  private readonly request: ReserveRequest;
  private readonly keyIndex = new Map<string, number>();
  /** Per key: a limit reads its points (then an earn's points, known after deciding, are sent to it). */
  private readonly keyReadsPoints: boolean[] = [];
  private readonly memberIndex = new Map<string, number>();
  /** Per op: its slot in the reservation, or -1. */
  private readonly slotOf: Int32Array;
  /** Per op: screened under a risk policy (counted in the tally). */
  private readonly screened: Uint8Array;
  /** Per slot: where its spec starts in request.ops, where its answer starts in the reply. */
  private readonly specAt: number[] = [];
  private readonly replyAt: number[] = [];
  private readonly accepted: number[] = [];
  /** Points of the slot's accepted entry, when the store could not know them (earns, activities). */
  private readonly learntPoints: number[] = [];
  /** Per key: points of this batch's accepted earns and activities, not yet in the store's totals. */
  private extraPoints: Float64Array = new Float64Array(0);
  private reply: ReserveReply = [];
  private storeFailures = 0;
  /** Refusals and reviews by `<policy>\0<outcome>`; allows (the common case) in a plain count. */
  private readonly tally = new Map<string, number>();
  private allowed = 0;
  private cursor = 0;
  available = true;
  readonly failClosed: boolean;

  private constructor(
    private readonly options: RiskOptions,
    opCount: number,
    private readonly now: number,
  ) {
    this.request = { now, keys: [], members: [], ops: [], opCount: 0 };
    this.slotOf = new Int32Array(opCount).fill(-1);
    this.screened = new Uint8Array(opCount);
    this.failClosed = options.failure === 'closed';
  }

  /**
   * The batch's risk side, or undefined when no op is under a risk policy (then nothing else is
   * done). Reserves every shared check in one call to the store; ops already in the ledger (retries)
   * are left out. A retry of a command earlier in the same batch still reserves, and is refunded.
   */
  static async start(
    options: RiskOptions,
    ops: ShardOp[],
    now: number,
    programFor: (tenantId: string) => Program,
    isRetry: (op: WriteCommand) => boolean,
  ): Promise<RiskBatch | undefined> {
    let batch: RiskBatch | undefined;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      if (!isWrite(op)) continue;
      const policy = programFor(op.tenantId).risk;
      if (!policy) continue;
      const action = riskActionOf(op);
      if (!action && op.kind !== 'referral') continue;
      batch ??= new RiskBatch(options, ops.length, now);
      batch.screened[i] = 1;
      // Shared windows key on the request's context (or an earn's store): without it there is nothing
      // to reserve. A retry is answered from the ledger: it must not take a place in any window.
      if (action && (op.risk || (policy.storeScoped && op.kind === 'earn')) && !isRetry(op)) batch.addChecks(i, policy, op, action);
    }
    if (batch && batch.request.opCount > 0) await batch.reserve();
    return batch;
  }

  /** The batch asked the shared windows before deciding (a store round trip in its path). */
  get reserved(): boolean {
    return this.request.opCount > 0;
  }

  /** decide's view of op i's verdicts (this object, pointed at op i), or undefined when it has no shared checks. */
  inputFor(i: number): SharedView | undefined {
    const slot = this.slotOf[i];
    if (slot < 0) return undefined;
    this.cursor = slot;
    return this;
  }

  get status(): number {
    return this.available ? this.reply[this.replyAt[this.cursor]] : 0;
  }

  get retryAfterMs(): number {
    return this.available ? this.reply[this.replyAt[this.cursor] + 1] : 0;
  }

  count(check: number): number {
    return this.available ? this.reply[this.replyAt[this.cursor] + 2 + 2 * check] : 0;
  }

  points(check: number): number {
    if (!this.available) return 0;
    const key = this.request.ops[this.specAt[this.cursor] + 1 + check * CHECK_WIDTH + 1];
    return this.reply[this.replyAt[this.cursor] + 3 + 2 * check] + this.extraPoints[key];
  }

  /** Records op i's decision: the tally, and for an accepted op the points its windows learn. */
  decided(i: number, decision: Decision): void {
    if (this.screened[i] === 0) return;
    if (!decision.ok) {
      const r = decision.rejection;
      if (r.kind === 'VelocityLimit') this.count1(r.policy ?? '', 'reject');
      else if (r.kind === 'RiskUnavailable') this.count1('shared_store', 'unavailable');
      return;
    }
    const flag = decision.entry.detail?.risk?.flag;
    if (flag) this.count1(flag.rule, 'review');
    else this.allowed++;
    const slot = this.slotOf[i];
    if (slot < 0 || !this.available) return;
    this.accepted[slot] = 1;
    // Spends and transfers reserved their points; an earn's or activity's are known only now.
    const { type, points } = decision.entry;
    if ((type !== 'earn' && type !== 'activity') || points <= 0) return;
    const at = this.specAt[slot];
    for (let k = 0, c = at + 1; k < this.request.ops[at]; k++, c += CHECK_WIDTH) {
      const key = this.request.ops[c + 1];
      if (this.request.ops[c] !== CHECK_COUNTER || !this.keyReadsPoints[key]) continue;
      this.extraPoints[key] += points;
      this.learntPoints[slot] = points;
    }
  }

  /** Refunds reservations that did not end in a committed entry, hands the corrections to the store, returns the stats. */
  close(committed: boolean): RiskStats {
    const corrections: Corrections = { keys: this.request.keys, values: [] };
    if (this.available) {
      for (let slot = 0; slot < this.specAt.length; slot++) {
        if (this.reply[this.replyAt[slot]] !== 0) continue; // refused by the store: nothing was counted
        const kept = committed && this.accepted[slot] === 1;
        const learnt = this.learntPoints[slot] ?? 0;
        if (kept && learnt === 0) continue;
        const at = this.specAt[slot];
        for (let k = 0, c = at + 1; k < this.request.ops[at]; k++, c += CHECK_WIDTH) {
          if (this.request.ops[c] !== CHECK_COUNTER || (kept && !this.keyReadsPoints[this.request.ops[c + 1]])) continue;
          const windowMs = this.request.ops[c + 2];
          const bucket = Math.floor(this.now / bucketMsOf(windowMs));
          if (kept) corrections.values.push(this.request.ops[c + 1], windowMs, bucket, 0, learnt);
          else corrections.values.push(this.request.ops[c + 1], windowMs, bucket, -1, -this.request.ops[c + 5]);
        }
      }
    }
    if (corrections.values.length > 0) this.options.windows.settle(corrections);
    const decisions: [string, string, number][] = this.allowed > 0 ? [['none', 'allow', this.allowed]] : [];
    for (const [key, n] of this.tally) {
      const sep = key.indexOf('\u0000');
      decisions.push([key.slice(0, sep), key.slice(sep + 1), n]);
    }
    return { decisions, storeFailures: this.storeFailures, failure: this.options.failure };
  }

  private addChecks(i: number, policy: RiskPolicy, op: WriteCommand, action: RiskAction): void {
    const ops = this.request.ops;
    const at = ops.length;
    ops.push(0);
    const cost = knownCostOf(op);
    const tag = `${this.options.keyPrefix}{${op.tenantId}}:`;
    const checks = forEachSharedCheck(policy, op, action, (counter, value) => {
      if (counter) {
        const key = this.keyOf(`${tag}${action}:${counter.scope}:${counter.window}:${value}`, counter.readsPoints);
        ops.push(
          CHECK_COUNTER,
          key,
          WINDOW_MS[counter.window],
          counter.blockCount,
          cost === undefined ? 0 : counter.blockPoints,
          cost ?? 0,
        );
      } else {
        const window = (policy.review.deviceMembers as NonNullable<RiskPolicy['review']['deviceMembers']>).window;
        const key = this.keyOf(`${tag}members:${window}:${value}`, false);
        ops.push(CHECK_DISTINCT, key, WINDOW_MS[window], this.memberOf(op.memberId), 0, 0);
      }
    });
    if (checks === 0) {
      ops.length = at;
      return;
    }
    ops[at] = checks;
    this.slotOf[i] = this.request.opCount++;
    this.specAt.push(at);
    this.accepted.push(0);
  }

  private async reserve(): Promise<void> {
    try {
      const reply = await this.options.windows.reserve(this.request);
      let offset = 0;
      for (const at of this.specAt) {
        this.replyAt.push(offset);
        offset += 2 + 2 * this.request.ops[at];
      }
      if (reply.length !== offset) throw new Error(`reservation answered ${reply.length} numbers, expected ${offset}`);
      this.reply = reply;
      this.extraPoints = new Float64Array(this.request.keys.length);
    } catch {
      // The failure policy applies to every op of the batch that has shared checks (decide reads it).
      this.available = false;
      this.storeFailures = 1;
    }
  }

  private keyOf(key: string, readsPoints: boolean): number {
    let index = this.keyIndex.get(key);
    if (index === undefined) {
      index = this.request.keys.push(key) - 1;
      this.keyIndex.set(key, index);
      this.keyReadsPoints.push(readsPoints);
    }
    return index;
  }

  private memberOf(memberId: string): number {
    let index = this.memberIndex.get(memberId);
    if (index === undefined) {
      index = this.request.members.push(memberId) - 1;
      this.memberIndex.set(memberId, index);
    }
    return index;
  }

  private count1(policy: string, outcome: string): void {
    const key = `${policy}\u0000${outcome}`;
    this.tally.set(key, (this.tally.get(key) ?? 0) + 1);
  }
}
