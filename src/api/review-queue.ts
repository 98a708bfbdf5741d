// AdminService's 防刷 review queue: ListFlagged reads the tenant's queue actor; ApproveFlagged and
// RejectFlagged look the flag up there (for its order) and send the verdict to the flagged member's
// actor, which writes the REVIEW entry with operator and reason and takes the flag off the queue.

import type { WriteResult } from '../actor/results.js';
import type { AdminServiceHandlers } from '../contract/generated/jifen/v1/AdminService.js';
import type { EntryType } from '../contract/generated/jifen/v1/EntryType.js';
import type { ListFlaggedRequest__Output } from '../contract/generated/jifen/v1/ListFlaggedRequest.js';
import type { ListFlaggedResponse } from '../contract/generated/jifen/v1/ListFlaggedResponse.js';
import type { ReviewFlaggedRequest__Output } from '../contract/generated/jifen/v1/ReviewFlaggedRequest.js';
import type { ReviewFlaggedResponse } from '../contract/generated/jifen/v1/ReviewFlaggedResponse.js';
import type { Engine } from '../front/engine.js';
import type { EngineMetrics } from '../metrics/registry.js';
import {
  type FlaggedPage,
  type ListFlaggedQuery,
  REVIEW_QUEUE_MEMBER,
  type ReviewCommand,
  type ReviewDecision,
} from '../actor/risk/review-commands.js';
import { decodeTenant, invalid, printable, requiredText, timestampMs } from './decode.js';
import { acceptedValue } from './status.js';
import { unary } from './unary-call.js';
import { timestampOf } from './wire.js';

export interface ReviewQueueDeps {
  engine: Engine;
  metrics: EngineMetrics;
}

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const FLAG_ID = /^([A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}):([A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}):([1-9][0-9]{0,14})$/;

export function reviewQueueHandlers(deps: ReviewQueueDeps) {
  return {
    ListFlagged: unary(deps, 'ListFlagged', async (req, deadline) => {
      const query = decodeListFlagged(req);
      return encodeFlaggedPage(acceptedValue<FlaggedPage>(await deps.engine.submit(query, deadline)));
    }),
    ApproveFlagged: unary(deps, 'ApproveFlagged', (req, deadline) => reviewFlag(deps.engine, req, 'approve', deadline)),
    RejectFlagged: unary(deps, 'RejectFlagged', (req, deadline) => reviewFlag(deps.engine, req, 'reject', deadline)),
  } satisfies Partial<AdminServiceHandlers>;
}

async function reviewFlag(
  engine: Engine,
  req: ReviewFlaggedRequest__Output,
  decision: ReviewDecision,
  deadline: number,
): Promise<ReviewFlaggedResponse> {
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
    operator: requiredText(req.operator, 'operator', 128),
    reason: requiredText(req.reason, 'reason', 256),
    orderId: '',
  };
  // The order comes from the queue; a flag no longer queued is answered by the member's actor (a
  // retry of a verdict already given returns it, anything else is FAILED_PRECONDITION there).
  const lookup: ListFlaggedQuery = { ...queueQuery(tenantId), flagId: req.flag_id, limit: 1 };
  const found = acceptedValue<FlaggedPage>(await engine.submit(lookup, deadline)).flags[0];
  if (found) cmd.orderId = found.orderId;
  const r = acceptedValue<WriteResult>(await engine.submit(cmd, deadline));
  // points: what the verdict moved out of review (approve: made available; reject: removed, negative).
  return { entry_id: r.entryId, points: r.reviewPoints, balance: r.balance, seq: r.seq };
}

function decodeListFlagged(req: ListFlaggedRequest__Output): ListFlaggedQuery {
  const tenantId = decodeTenant(req.tenant_id);
  const rule = String(req.rule ?? '');
  if (rule.length > 128) throw invalid('rule', 'must be at most 128 characters');
  const pageSize = Number(req.page_size ?? 0);
  if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > MAX_PAGE_SIZE) throw invalid('page_size', `must be 0..${MAX_PAGE_SIZE}`);
  const from = timestampMs(req.from, 'from');
  const to = timestampMs(req.to, 'to');
  if (from > 0 && to > 0 && to <= from) throw invalid('to', 'must be after from');
  return {
    ...queueQuery(tenantId),
    rule,
    from,
    to,
    afterSeq: pageToken(req.page_token),
    limit: pageSize === 0 ? DEFAULT_PAGE_SIZE : pageSize,
  };
}

function queueQuery(tenantId: string): ListFlaggedQuery {
  return {
    kind: 'listFlagged',
    tenantId,
    memberId: REVIEW_QUEUE_MEMBER,
    rule: '',
    from: 0,
    to: 0,
    flagId: '',
    afterSeq: 0,
    limit: DEFAULT_PAGE_SIZE,
  };
}

function encodeFlaggedPage(page: FlaggedPage): ListFlaggedResponse {
  return {
    items: page.flags.map((f) => ({
      flag_id: f.flagId,
      member_id: f.memberId,
      rule: f.rule,
      message: f.message,
      points: f.points,
      amount_minor: f.amountMinor,
      order_id: f.orderId,
      entry_type: `ENTRY_TYPE_${f.entryType.toUpperCase()}` as EntryType,
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
