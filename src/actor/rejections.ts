// Typed reasons a command is refused, and whether each kind is transient or final. Plain data
// (kind + message) so they cross threads intact; api/status.ts alone maps each kind to a gRPC status.

export type RejectionKind =
  | 'InvalidField'
  | 'InsufficientPoints'
  | 'OrderNotEarned'
  | 'OrderAlreadyEarned'
  | 'RefundExceedsOrder'
  | 'IdempotencyConflict'
  | 'MemberNotFound'
  | 'MailboxFull'
  | 'DeadlineExceeded'
  | 'ShuttingDown'
  | 'CommitFailed'
  | 'SlotMoved'
  | 'ForwardFailed'
  | 'AlreadyEnrolled'
  | 'ActivityRefused'
  | 'NothingDue'
  | 'ProgramVersionConflict'
  | 'ProgramNotFound'
  | 'HoldNotOpen'
  | 'HoldBeyondOrderShare'
  | 'TransferRefused'
  | 'TransferLimit'
  | 'RewardNotFound'
  | 'RewardVersionConflict'
  | 'RewardNotOnSale'
  | 'SoldOut'
  | 'RedemptionLimit'
  | 'RewardRefused'
  | 'RedemptionNotFound'
  | 'RedemptionState'
  | 'ReservationNotOpen'
  | 'VelocityLimit'
  | 'RiskUnavailable'
  | 'FlagNotOpen'
  | 'ApiKeyNotFound'
  | 'ApiKeyRevoked';

export interface Rejection {
  kind: RejectionKind;
  message: string;
  /** The request field at fault, for InvalidField. */
  field?: string;
  /** VelocityLimit: the limit that refused (actor/risk/risk-rejections.ts). */
  policy?: string;
  /** A hint for the caller (VelocityLimit): retry no sooner than this many ms from now. */
  retryAfterMs?: number;
  /** SlotMoved: the node that owns the member's slot now, when known (`node@host:port`). */
  owner?: string;
}

/**
 * Whether a refusal only says "not now": nothing was applied, and the same command (same key) may be
 * accepted when sent again, so a sender retries it; every other kind is final. Typed by
 * kind, so a new kind does not build until it is classified here.
 */
export const TRANSIENT: Readonly<Record<RejectionKind, boolean>> = {
  InvalidField: false,
  InsufficientPoints: false,
  OrderNotEarned: false,
  OrderAlreadyEarned: false,
  RefundExceedsOrder: false,
  IdempotencyConflict: false,
  MemberNotFound: false,
  MailboxFull: true,
  DeadlineExceeded: true,
  ShuttingDown: true,
  CommitFailed: true,
  SlotMoved: true,
  ForwardFailed: true,
  AlreadyEnrolled: false,
  ActivityRefused: false,
  NothingDue: false,
  ProgramVersionConflict: false,
  ProgramNotFound: false,
  HoldNotOpen: false,
  HoldBeyondOrderShare: false,
  TransferRefused: false,
  TransferLimit: false,
  RewardNotFound: false,
  RewardVersionConflict: false,
  RewardNotOnSale: false,
  SoldOut: false,
  RedemptionLimit: false,
  RewardRefused: false,
  RedemptionNotFound: false,
  RedemptionState: false,
  ReservationNotOpen: false,
  VelocityLimit: false,
  RiskUnavailable: false,
  FlagNotOpen: false,
  ApiKeyNotFound: false,
  ApiKeyRevoked: false,
};

/** The kinds TRANSIENT marks true. */
export const TRANSIENT_KINDS: readonly RejectionKind[] = (Object.keys(TRANSIENT) as RejectionKind[]).filter((kind) => TRANSIENT[kind]);

export function isTransient(rejection: Rejection): boolean {
  return TRANSIENT[rejection.kind] === true;
}

export const reject = {
  invalidField: (field: string, problem: string): Rejection => ({
    kind: 'InvalidField',
    field,
    message: `${field} ${problem}`,
  }),
  insufficientPoints: (available: number, wanted: number): Rejection => ({
    kind: 'InsufficientPoints',
    message: `insufficient points: available ${available}, requested ${wanted}`,
  }),
  orderNotEarned: (orderId: string, why: string): Rejection => ({
    kind: 'OrderNotEarned',
    message: `order ${orderId} ${why}`,
  }),
  orderAlreadyEarned: (orderId: string): Rejection => ({
    kind: 'OrderAlreadyEarned',
    message: `order ${orderId} has already earned points (under another idempotency key)`,
  }),
  refundExceedsOrder: (orderId: string, remainingMinor: number, requestedMinor: number): Rejection => ({
    kind: 'RefundExceedsOrder',
    message: `refund of ${requestedMinor} exceeds what remains of order ${orderId} (${remainingMinor})`,
  }),
  idempotencyConflict: (key: string): Rejection => ({
    kind: 'IdempotencyConflict',
    message: `idempotency_key ${JSON.stringify(key)} was already used with a different payload`,
  }),
  memberNotFound: (tenantId: string, memberId: string): Rejection => ({
    kind: 'MemberNotFound',
    message: `member ${memberId} of tenant ${tenantId} has no account`,
  }),
  mailboxFull: (shard: number): Rejection => ({
    kind: 'MailboxFull',
    message: `shard ${shard} is overloaded (mailbox full); retry with backoff`,
  }),
  deadlineExceeded: (): Rejection => ({
    kind: 'DeadlineExceeded',
    message: 'deadline passed before the command reached its shard; nothing was applied',
  }),
  shuttingDown: (): Rejection => ({ kind: 'ShuttingDown', message: 'engine is shutting down; retry on another node' }),
  alreadyEnrolled: (tenantId: string, memberId: string): Rejection => ({
    kind: 'AlreadyEnrolled',
    message: `member ${memberId} of tenant ${tenantId} is already enrolled`,
  }),
  activityRefused: (why: string): Rejection => ({ kind: 'ActivityRefused', message: why }),
  nothingDue: (tenantId: string, memberId: string): Rejection => ({
    kind: 'NothingDue',
    message: `nothing is due for member ${memberId} of tenant ${tenantId}`,
  }),
  programVersionConflict: (tenantId: string, expected: number, current: number): Rejection => ({
    kind: 'ProgramVersionConflict',
    message: `program of tenant ${tenantId} is at version ${current}, not the expected_version ${expected}`,
  }),
  apiKeyNotFound: (message: string): Rejection => ({ kind: 'ApiKeyNotFound', message }),
  apiKeyRevoked: (message: string): Rejection => ({ kind: 'ApiKeyRevoked', message }),
  programNotFound: (tenantId: string, version: number): Rejection => ({
    kind: 'ProgramNotFound',
    message: version === 0 ? `tenant ${tenantId} has no program` : `tenant ${tenantId} has no program version ${version}`,
  }),
  holdNotOpen: (holdId: string, why: string): Rejection => ({ kind: 'HoldNotOpen', message: `hold ${holdId} ${why}` }),
  holdBeyondOrderShare: (points: number, limit: number): Rejection => ({
    kind: 'HoldBeyondOrderShare',
    message: `${points} points exceed what this order may still use (${limit}: the program's share of the order at its rate, less its open holds)`,
  }),
  transferRefused: (why: string): Rejection => ({ kind: 'TransferRefused', message: `transfer refused: ${why}` }),
  transferLimit: (limit: number, sent: number, wanted: number): Rejection => ({
    kind: 'TransferLimit',
    message: `daily transfer limit ${limit} points: ${sent} already sent today, ${wanted} more requested`,
  }),
  rewardNotFound: (tenantId: string, rewardId: string): Rejection => ({
    kind: 'RewardNotFound',
    message: `tenant ${tenantId} has no reward ${rewardId}`,
  }),
  rewardVersionConflict: (rewardId: string, expected: number, current: number): Rejection => ({
    kind: 'RewardVersionConflict',
    message: `reward ${rewardId} is at version ${current}, not the expected_version ${expected}`,
  }),
  rewardNotOnSale: (rewardId: string, why: string): Rejection => ({ kind: 'RewardNotOnSale', message: `reward ${rewardId} ${why}` }),
  soldOut: (rewardId: string, left: number, wanted: number): Rejection => ({
    kind: 'SoldOut',
    message: left <= 0 ? `reward ${rewardId} is sold out` : `reward ${rewardId} has ${left} units left, ${wanted} requested`,
  }),
  redemptionLimit: (rewardId: string, limit: number, period: string, taken: number): Rejection => ({
    kind: 'RedemptionLimit',
    message: `reward ${rewardId} allows ${limit} per member per ${period}; ${taken} already taken`,
  }),
  rewardRefused: (why: string): Rejection => ({ kind: 'RewardRefused', message: `reward refused: ${why}` }),
  redemptionNotFound: (memberId: string, redemptionId: string): Rejection => ({
    kind: 'RedemptionNotFound',
    message: `member ${memberId} has no redemption ${redemptionId}`,
  }),
  redemptionState: (redemptionId: string, state: string, action: string): Rejection => ({
    kind: 'RedemptionState',
    message: `redemption ${redemptionId} is ${state}: cannot ${action} it`,
  }),
  reservationNotOpen: (redemptionId: string): Rejection => ({
    kind: 'ReservationNotOpen',
    message: `reservation ${redemptionId} is not open (already settled or unknown)`,
  }),
  /**
   * A cluster node does not serve the member's slot (never did, lost it, or it has no owner yet).
   * Nothing was applied; the same command (same key) may be sent again, to the owner when one is named.
   */
  slotMoved: (slot: number, why: string, owner?: { node: string; address: string }): Rejection => ({
    kind: 'SlotMoved',
    message: `slot ${slot} ${why}${owner ? `; owner now: ${owner.node} at ${owner.address}` : ''}; nothing was applied, retry with the same idempotency key`,
    ...(owner ? { owner: `${owner.node}@${owner.address}` } : {}),
  }),
  /** A cluster node could not get the owner's answer: the owner may or may not have applied the command. */
  forwardFailed: (node: string, cause: string): Rejection => ({
    kind: 'ForwardFailed',
    message: `forwarding to node ${node} failed (${cause}); it may have applied the command: retry with the same idempotency key`,
  }),
  /** The ledger refused the commit: a newer owner holds the ledger shard (cluster mode's fence). */
  ledgerShardMoved: (cause: string): Rejection => ({
    kind: 'SlotMoved',
    message: `${cause}; nothing was applied, retry with the same idempotency key`,
  }),
  commitFailed: (cause: string): Rejection => ({
    kind: 'CommitFailed',
    message: `ledger commit failed (${cause}); nothing was applied, retry with the same idempotency key`,
  }),
} as const;
