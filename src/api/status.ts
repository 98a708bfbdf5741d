// The one place that turns typed rejections into gRPC status codes and messages.

import { status } from '@grpc/grpc-js';
import type { Rejection, RejectionKind } from '../actor/rejections.js';
import type { OpResult } from '../actor/results.js';
import type { AuthenticationFailure } from '../auth/api-key.js';
import type { Caller } from '../auth/caller.js';
import type { RateDecision } from '../auth/rate-limiter.js';
import type { StreamRefusal } from '../auth/stream-quota.js';
import type { AccessDenial } from './access.js';
import { RejectedRead } from '../front/cluster-front.js';

/** A rejection thrown across the API layer's own functions (decoding, validation). */
export class RejectionError extends Error {
  override name = 'RejectionError';
  constructor(readonly rejection: Rejection) {
    super(rejection.message);
  }
}

const CODES: Record<RejectionKind, status> = {
  InvalidField: status.INVALID_ARGUMENT,
  InsufficientPoints: status.FAILED_PRECONDITION,
  OrderNotEarned: status.FAILED_PRECONDITION,
  OrderAlreadyEarned: status.FAILED_PRECONDITION,
  RefundExceedsOrder: status.FAILED_PRECONDITION,
  IdempotencyConflict: status.ALREADY_EXISTS,
  MemberNotFound: status.NOT_FOUND,
  MailboxFull: status.RESOURCE_EXHAUSTED,
  DeadlineExceeded: status.DEADLINE_EXCEEDED,
  ShuttingDown: status.UNAVAILABLE,
  CommitFailed: status.UNAVAILABLE,
  SlotMoved: status.UNAVAILABLE,
  ForwardFailed: status.UNAVAILABLE,
  AlreadyEnrolled: status.ALREADY_EXISTS,
  ActivityRefused: status.FAILED_PRECONDITION,
  NothingDue: status.FAILED_PRECONDITION,
  ProgramVersionConflict: status.FAILED_PRECONDITION,
  ProgramNotFound: status.NOT_FOUND,
  HoldNotOpen: status.FAILED_PRECONDITION,
  HoldBeyondOrderShare: status.FAILED_PRECONDITION,
  TransferRefused: status.FAILED_PRECONDITION,
  TransferLimit: status.RESOURCE_EXHAUSTED,
  RewardNotFound: status.NOT_FOUND,
  RewardVersionConflict: status.FAILED_PRECONDITION,
  RewardNotOnSale: status.FAILED_PRECONDITION,
  SoldOut: status.FAILED_PRECONDITION,
  RedemptionLimit: status.RESOURCE_EXHAUSTED,
  RewardRefused: status.FAILED_PRECONDITION,
  RedemptionNotFound: status.NOT_FOUND,
  RedemptionState: status.FAILED_PRECONDITION,
  ReservationNotOpen: status.FAILED_PRECONDITION,
  VelocityLimit: status.RESOURCE_EXHAUSTED,
  RiskUnavailable: status.UNAVAILABLE,
  FlagNotOpen: status.FAILED_PRECONDITION,
  ApiKeyNotFound: status.NOT_FOUND,
  ApiKeyRevoked: status.FAILED_PRECONDITION,
};

/** A shard's answer as the handler's value; a refusal leaves as its RejectionError (and so its status). */
export function acceptedValue<T>(result: OpResult): T {
  if (!result.ok) throw new RejectionError(result.rejection);
  return result.value as T;
}

export function statusOf(rejection: Rejection): status {
  return CODES[rejection.kind];
}

export function statusName(code: status): string {
  return status[code];
}

/** A code and message to end a call with. */
export interface CallStatus {
  code: status;
  message: string;
}

/** The code of a call answered with its response (recorded like any other code). */
export const ANSWERED: status = status.OK;

/** Unexpected errors (bugs) are INTERNAL; the message is kept for the operator's log, not leaked. */
export function rejectionOfError(err: unknown): CallStatus {
  if (err instanceof RejectionError || err instanceof RejectedRead)
    return { code: statusOf(err.rejection), message: err.rejection.message };
  return { code: status.INTERNAL, message: 'internal error' };
}

/** Whether a call failed on a bug rather than a rejection: the operator wants its error logged. */
export function isInternal(code: status): boolean {
  return code === status.INTERNAL;
}

// WatchEvents ends a stream for reasons that are no rejection of a command: its cursor, its pace.

/** Cursors count within one engine process; a cursor from another one means nothing here. */
export function cursorNotOwned(after: number): CallStatus {
  return {
    code: status.OUT_OF_RANGE,
    message: `after ${after} is not a cursor of this engine process (it restarted?); start again from 0 and skip what you have by (member, seq)`,
  };
}

export function cursorBeforeRetained(after: number, oldestCursor: number): CallStatus {
  return {
    code: status.OUT_OF_RANGE,
    message: `after ${after} is older than the retained events (oldest cursor ${oldestCursor}); read the gap from NATS or ListEntries`,
  };
}

export function consumerTooSlow(maxBufferedBytes: number): CallStatus {
  return {
    code: status.RESOURCE_EXHAUSTED,
    message: `consumer too slow: more than ${maxBufferedBytes % (1024 * 1024) === 0 ? `${maxBufferedBytes / (1024 * 1024)} MiB` : `${Math.round(maxBufferedBytes / 1024)} KiB`} of events queued`,
  };
}

export function consumerFellOffRing(position: number): CallStatus {
  return {
    code: status.RESOURCE_EXHAUSTED,
    message: `consumer too slow: the events after cursor ${position} are no longer retained; read the gap from NATS or ListEntries`,
  };
}

// Calls refused before any handler runs: no key, a key that cannot be used, a key without the right.

const AUTHENTICATION_MESSAGES: Record<AuthenticationFailure, string> = {
  missing: 'missing API key: send metadata `authorization: Bearer jfk_<id>_<secret>`',
  malformed: 'malformed API key: expected `authorization: Bearer jfk_<id>_<secret>`',
  unknown: 'unknown API key',
  revoked: 'API key revoked',
  expired: 'API key expired',
};

export function unauthenticated(failure: AuthenticationFailure): CallStatus {
  return { code: status.UNAUTHENTICATED, message: AUTHENTICATION_MESSAGES[failure] };
}

export function permissionDenied(denial: AccessDenial): CallStatus {
  const message =
    denial.kind === 'role'
      ? `role ${denial.role} may not call ${denial.method}`
      : `this API key acts for tenant ${denial.tenantId}, not ${denial.named === '' ? 'an empty tenant_id' : `tenant ${denial.named}`}`;
  return { code: status.PERMISSION_DENIED, message };
}

export function rateLimited(caller: Caller, decision: Extract<RateDecision, { ok: false }>): CallStatus {
  const { perSecond, burst } = decision.limit;
  const what = decision.cost > burst ? `a batch of ${decision.cost} commands is more than its burst of ${burst}` : 'rate limit reached';
  return {
    code: status.RESOURCE_EXHAUSTED,
    message: `${what} for key ${caller.id} (role ${caller.role}: ${perSecond}/s, burst ${burst}, JIFEN_RATE_LIMITS): retry after ${decision.retryAfterMs} ms`,
  };
}

export function tooManyStreams(refusal: StreamRefusal): CallStatus {
  return {
    code: status.RESOURCE_EXHAUSTED,
    message:
      refusal.kind === 'per_caller'
        ? `this key already holds ${refusal.limit} WatchEvents streams open on this engine (JIFEN_WATCH_STREAMS_PER_KEY): close one first`
        : `this engine already serves ${refusal.limit} WatchEvents streams (JIFEN_WATCH_MAX_STREAMS): try another engine or later`,
  };
}
