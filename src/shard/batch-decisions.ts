// Decides a batch's commands in arrival order against its members' in-memory state (queries answered,
// retries answered from their first entry, writes applied at once) and collects what the commit writes.

import { type ShardOp, type WriteCommand, isWrite } from '../actor/commands.js';
import { decide } from '../actor/decide.js';
import { type LedgerEntry, type OrderRecord, emptyDetail } from '../actor/entries.js';
import { reject } from '../actor/rejections.js';
import { type OpResult, writeResultOf } from '../actor/results.js';
import { type MemberState, applyEntry, availablePoints } from '../actor/state.js';
import type { DueChange, FollowUp } from '../ledger/store.js';
import { type MemberFigures, type RollForwardDelta, deltaOf, figuresOf } from '../reports/roll-forward.js';
import type { RiskBatch } from '../risk/risk-batch.js';
import type { Actor } from './actor-cache.js';
import { idempotencyKeyOf, orderKeyOf } from './prior-records.js';
import type { ProgramBook } from './program-book.js';
import { answerQuery } from './queries.js';

/** What every decision of one batch is taken with. */
export interface BatchInputs {
  now: number;
  /** Each op's payload fingerprint ('' for queries). */
  hashes: string[];
  /** Entries stored earlier, by idempotencyKeyOf. */
  priorByKey: Map<string, LedgerEntry>;
  /** Order records by orderKeyOf; the batch's own decisions update it. */
  orders: Map<string, OrderRecord>;
  /** The batch's reservation of cross-member velocity windows (undefined: no risk policy involved). */
  risk: RiskBatch | undefined;
  programs: ProgramBook;
  /** The member's next due instant under its tenant's current program. */
  nextDue: (state: MemberState) => number;
  /** Numbers the next follow-up (ids increase per shard). */
  nextFollowUpId: () => number;
  /** Rule ids counted as campaigns and bonuses in the tenant's roll-forward. */
  campaignRules: (tenantId: string) => ReadonlySet<string>;
}

export class BatchDecisions {
  readonly results: OpResult[];
  readonly entries: LedgerEntry[] = [];
  /** Order records the batch changed, by orderKeyOf. */
  readonly dirtyOrders = new Map<string, OrderRecord>();
  /** Actors whose state the batch changed: ahead of the ledger until the commit succeeds. */
  readonly touched = new Set<Actor>();
  readonly followUps: FollowUp[] = [];
  /** What each applied entry did to its tenant's roll-forward, in entry order. */
  readonly rollForward: RollForwardDelta[] = [];
  private readonly figures = new Map<Actor, MemberFigures>();
  private readonly batchKeys = new Map<string, LedgerEntry>();
  /** Each touched member's due instant before the batch, to move its due-index row after it. */
  private readonly dueBefore = new Map<Actor, number>();

  constructor(
    size: number,
    private readonly inputs: BatchInputs,
  ) {
    this.results = new Array(size);
  }

  /** Decides op `i` of the batch against its member's actor. */
  decide(i: number, op: ShardOp, actor: Actor): void {
    if (!isWrite(op)) {
      const answer = answerQuery(op, actor.state, this.inputs.programs, this.inputs.now);
      if (answer !== undefined) this.results[i] = answer;
      return;
    }
    const key = idempotencyKeyOf(op);
    const prior = this.batchKeys.get(key) ?? this.inputs.priorByKey.get(key);
    if (prior) {
      this.results[i] =
        prior.payloadHash === this.inputs.hashes[i]
          ? { ok: true, value: writeResultOf(prior), replayed: true }
          : { ok: false, rejection: reject.idempotencyConflict(op.idempotencyKey) };
      return;
    }
    this.decideWrite(i, op, actor, key);
  }

  /** The due-index moves of the members the batch changed. */
  dueChanges(): DueChange[] {
    const dues: DueChange[] = [];
    for (const [actor, from] of this.dueBefore) {
      const to = this.inputs.nextDue(actor.state);
      if (to !== from) dues.push({ tenantId: actor.state.tenantId, memberId: actor.state.memberId, from, to });
    }
    return dues;
  }

  /** A write seen for the first time: decided, and unless refused or a dry run, applied to the actor. */
  private decideWrite(i: number, op: WriteCommand, actor: Actor, key: string): void {
    const { now, orders, risk } = this.inputs;
    const orderKey = orderKeyOf(op);
    const program = this.inputs.programs.programFor(op.tenantId);
    const decision = decide(actor.state, op, {
      now,
      payloadHash: this.inputs.hashes[i],
      order: orderKey === undefined ? undefined : orders.get(orderKey),
      program,
      risk: risk?.inputFor(i),
    });
    risk?.decided(i, decision);
    if (!decision.ok) {
      this.results[i] = { ok: false, rejection: decision.rejection };
      return;
    }
    // A dry run (legacy import) is decided against the member's state and answered, never applied.
    if (op.kind === 'importLot' && op.dryRun) {
      this.results[i] = { ok: true, value: writeResultOf(decision.entry) };
      return;
    }
    if (!this.dueBefore.has(actor)) this.dueBefore.set(actor, this.inputs.nextDue(actor.state));
    this.touched.add(actor);
    // The figures after a member's previous entry in the batch are its figures before this one.
    const before = this.figures.get(actor) ?? figuresOf(actor.state);
    applyEntry(actor.state, decision.entry);
    const after = figuresOf(actor.state);
    this.figures.set(actor, after);
    this.rollForward.push(deltaOf(decision.entry, before, after, this.inputs.campaignRules(op.tenantId)));
    const available = availablePoints(actor.state, now);
    if (available !== decision.entry.balanceAfter) {
      decision.entry.detail ??= emptyDetail(program.version);
      decision.entry.detail.availableAfter = available;
    }
    this.entries.push(decision.entry);
    if (decision.followUp) this.followUps.push({ id: this.inputs.nextFollowUpId(), command: decision.followUp });
    this.batchKeys.set(key, decision.entry);
    if (decision.order && orderKey !== undefined) {
      orders.set(orderKey, decision.order);
      this.dirtyOrders.set(orderKey, decision.order);
    }
    this.results[i] = { ok: true, value: writeResultOf(decision.entry) };
  }
}
