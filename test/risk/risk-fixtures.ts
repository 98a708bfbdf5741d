// Builders for the anti-abuse tests: programs from documents, commands with a device, a member's
// actor without the shard (decide + applyEntry, order records kept), and a SharedView as a
// reservation would answer.

import type { HoldCommand, TransferCommand, WriteCommand } from '../../src/actor/commands.js';
import { type Decision, decide } from '../../src/actor/decide.js';
import type { LedgerEntry, OrderRecord } from '../../src/actor/entries.js';
import { payloadFingerprint } from '../../src/actor/fingerprint.js';
import { type MemberState, applyEntry, availablePoints, emptyState, pendingPoints } from '../../src/actor/state.js';
import type { RiskContext } from '../../src/actor/risk/risk-context.js';
import type { SharedView } from '../../src/actor/risk/shared-checks.js';
import { formatProgramErrors, parseProgram } from '../../src/rules/program/program-schema.js';
import type { Program } from '../../src/rules/program/program.js';
import { holdCmd as baseHoldCmd, MEMBER, TENANT } from '../actor/member-fixtures.js';

export { MEMBER, TENANT };

/** On a whole hour (so on a bucket boundary of every minute and hour window). */
export const NOW = 1_750_000_000_000 - (1_750_000_000_000 % 3_600_000);
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

export function programOf(document: Record<string, unknown>, version = 1): Program {
  const parsed = parseProgram({ name: 'Acme', ...document }, { tenantId: TENANT, version });
  if (!parsed.ok) throw new Error(formatProgramErrors(parsed.errors));
  return parsed.program;
}

export function device(deviceId: string, paymentFingerprint = ''): { risk: RiskContext } {
  return { risk: { deviceId, ip: '', paymentFingerprint } };
}

/** A hold as the risk tests use it: 1 minute, order o-h, keyed by its points. */
export function holdCmd(points: number, o: Partial<HoldCommand> = {}): HoldCommand {
  return baseHoldCmd(points, { idempotencyKey: `hold-${points}`, ttlMs: 60_000, orderId: 'o-h', ...o });
}

export function transferCmd(points: number, o: Partial<TransferCommand> = {}): TransferCommand {
  return {
    kind: 'transfer',
    tenantId: TENANT,
    memberId: MEMBER,
    idempotencyKey: `transfer-${points}`,
    transferKind: 'member',
    toMemberId: 'friend',
    points,
    partnerId: '',
    partnerReference: '',
    reason: '',
    ...o,
  };
}

/** A reservation's answer for one command: status, retry-after, and [count, points] per check. */
export function view(checks: [number, number][], status = 0, retryAfterMs = 0): SharedView {
  return {
    available: true,
    failClosed: false,
    status,
    retryAfterMs,
    count: (k) => checks[k][0],
    points: (k) => checks[k][1],
  };
}

export function unavailable(failClosed: boolean): SharedView {
  return { available: false, failClosed, status: 0, retryAfterMs: 0, count: () => 0, points: () => 0 };
}

/** One member's actor: decides at `now`, applies what is accepted, keeps entries and order records. */
export class Actor {
  readonly state: MemberState;
  readonly entries: LedgerEntry[] = [];
  readonly orders = new Map<string, OrderRecord>();

  constructor(
    public program: Program,
    memberId = MEMBER,
  ) {
    this.state = emptyState(TENANT, memberId);
  }

  attempt(cmd: WriteCommand, now: number, risk?: SharedView): Decision {
    const orderId = cmd.kind === 'earn' || cmd.kind === 'reverse' || cmd.kind === 'review' ? cmd.orderId : '';
    const order = orderId === '' ? undefined : this.orders.get(orderId);
    const decision = decide(this.state, cmd, { now, payloadHash: payloadFingerprint(cmd), order, program: this.program, risk });
    if (!decision.ok) return decision;
    applyEntry(this.state, decision.entry);
    this.entries.push(decision.entry);
    if (decision.order && orderId !== '') this.orders.set(orderId, decision.order);
    return decision;
  }

  accept(cmd: WriteCommand, now: number, risk?: SharedView): LedgerEntry {
    const decision = this.attempt(cmd, now, risk);
    if (!decision.ok) throw new Error(`${cmd.kind} refused: ${decision.rejection.kind}: ${decision.rejection.message}`);
    return decision.entry;
  }

  available(now: number): number {
    return availablePoints(this.state, now);
  }

  pending(now: number): number {
    return pendingPoints(this.state, now);
  }

  /** The state rebuilt from the entries alone (what a restart would have). */
  replayed(): MemberState {
    const state = emptyState(TENANT, this.state.memberId);
    for (const entry of this.entries) applyEntry(state, structuredClone(entry));
    return state;
  }
}
