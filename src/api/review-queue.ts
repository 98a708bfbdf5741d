// AdminService's 防刷 review queue: ListFlagged reads the tenant's queue actor; ApproveFlagged and
// RejectFlagged look the flag up there (for its order) and send the verdict to the flagged member's
// actor, which writes the REVIEW entry with operator and reason and takes the flag off the queue.

import type * as grpc from '@grpc/grpc-js';
import type { OpResult, WriteResult } from '../actor/results.js';
import { reject } from '../actor/rejections.js';
import type { Engine } from '../engine/engine.js';
import type { EngineMetrics } from '../metrics/registry.js';
import {
  type FlaggedPage,
  type ListFlaggedQuery,
  REVIEW_QUEUE_MEMBER,
  type ReviewCommand,
  type ReviewDecision,
} from '../risk/review-commands.js';
import { decodeTenant } from './decode.js';
import { RejectionError } from './status.js';
import { unary } from './unary-call.js';
import { type Timestamp, timestampOf } from './wire.js';

export interface ReviewQueueDeps {
  engine: Engine;
  metrics: EngineMetrics;
}

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const FLAG_ID = /^([A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}):([A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}):([1-9][0-9]{0,14})$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]{1,128}$/;

export function reviewQueueHandlers(deps: ReviewQueueDeps): grpc.UntypedServiceImplementation {
  return {
    ListFlagged: unary(deps, 'ListFlagged', async (req, deadline) => {
      const query = decodeListFlagged(req);
      return encodeFlaggedPage(accepted<FlaggedPage>(await deps.engine.submit(query, deadline)));
    }),
    ApproveFlagged: unary(deps, 'ApproveFlagged', (req, deadline) => reviewFlag(deps.engine, req, 'approve', deadline)),
    RejectFlagged: unary(deps, 'RejectFlagged', (req, deadline) => reviewFlag(deps.engine, req, 'reject', deadline)),
  };
}

async function reviewFlag(engine: Engine, req: any, decision: ReviewDecision, deadline: number): Promise<Record<string, unknown>> {
  const tenantId = decodeTenant(req.tenant_id);
  const match = FLAG_ID.exec(String(req.flag_id ?? ''));
  if (!match) throw invalid('flag_id', 'must be a flag_id from ListFlagged (<tenant>:<member>:<seq>)');
  if (match[1] !== tenantId) throw invalid('flag_id', 'belongs to another tenant');
  const cmd: ReviewCommand = {
    kind: 'review',
    tenantId,
    memberId: match[2],
    idempotencyKey: printable(req.idempotency_key, 'idempotency_key'),
    flagSeq: Number(match[3]),
    decision,
    operator: text(req.operator, 'operator', 128),
    reason: text(req.reason, 'reason', 256),
    orderId: '',
  };
  // The order comes from the queue; a flag no longer queued is answered by the member's actor (a
  // retry of a verdict already given returns it, anything else is FAILED_PRECONDITION there).
  const lookup: ListFlaggedQuery = { ...queueQuery(tenantId), flagId: req.flag_id, limit: 1 };
  const found = accepted<FlaggedPage>(await engine.submit(lookup, deadline)).flags[0];
  if (found) cmd.orderId = found.orderId;
  const r = accepted<WriteResult>(await engine.submit(cmd, deadline));
  return { entry_id: r.entryId, points: r.points, balance: r.balance, seq: r.seq };
}

function decodeListFlagged(req: any): ListFlaggedQuery {
  const tenantId = decodeTenant(req.tenant_id);
  const rule = String(req.rule ?? '');
  if (rule.length > 128) throw invalid('rule', 'must be at most 128 characters');
  const pageSize = Number(req.page_size ?? 0);
  if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > MAX_PAGE_SIZE) throw invalid('page_size', `must be 0..${MAX_PAGE_SIZE}`);
  const from = instant(req.from, 'from');
  const to = instant(req.to, 'to');
  if (from > 0 && to > 0 && to <= from) throw invalid('to', 'must be after from');
  return { ...queueQuery(tenantId), rule, from, to, afterSeq: pageToken(req.page_token), limit: pageSize === 0 ? DEFAULT_PAGE_SIZE : pageSize };
}

function queueQuery(tenantId: string): ListFlaggedQuery {
  return { kind: 'listFlagged', tenantId, memberId: REVIEW_QUEUE_MEMBER, rule: '', from: 0, to: 0, flagId: '', afterSeq: 0, limit: DEFAULT_PAGE_SIZE };
}

function encodeFlaggedPage(page: FlaggedPage): Record<string, unknown> {
  return {
    items: page.flags.map((f) => ({
      flag_id: f.flagId,
      member_id: f.memberId,
      rule: f.rule,
      message: f.message,
      points: f.points,
      amount_minor: f.amountMinor,
      order_id: f.orderId,
      entry_type: `ENTRY_TYPE_${f.entryType.toUpperCase()}`,
      flagged_at: timestampOf(f.flaggedAt),
    })),
    next_page_token: page.nextAfterSeq === 0 ? '' : Buffer.from(`flag:${page.nextAfterSeq}`).toString('base64url'),
  };
}

function pageToken(token: unknown): number {
  if (!token) return 0;
  const match = /^flag:(\d{1,15})$/.exec(Buffer.from(String(token), 'base64url').toString('latin1'));
  if (!match) throw invalid('page_token', 'is not a token this API returned');
  return Number(match[1]);
}

function instant(ts: Timestamp | null | undefined, field: string): number {
  if (!ts) return 0;
  if (!Number.isInteger(ts.seconds) || !Number.isInteger(ts.nanos) || ts.nanos < 0 || ts.nanos > 999_999_999) {
    throw invalid(field, 'is not a valid timestamp');
  }
  return ts.seconds * 1000 + Math.floor(ts.nanos / 1_000_000);
}

function printable(value: unknown, field: string): string {
  const s = String(value ?? '');
  if (!s) throw invalid(field, 'is required');
  if (!PRINTABLE_ASCII.test(s)) throw invalid(field, 'must be 1-128 printable ASCII characters');
  return s;
}

function text(value: unknown, field: string, max: number): string {
  const s = String(value ?? '');
  if (!s) throw invalid(field, 'is required');
  if (s.length > max) throw invalid(field, `must be at most ${max} characters`);
  return s;
}

function accepted<T>(result: OpResult): T {
  if (!result.ok) throw new RejectionError(result.rejection);
  return result.value as T;
}

function invalid(field: string, problem: string): RejectionError {
  return new RejectionError(reject.invalidField(field, problem));
}
