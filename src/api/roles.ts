// Which roles may call which method: the one table (README "Security" shows it by role). Typed by the
// generated service handlers, so a method added to the contract without its row fails the build;
// test/api/roles.test.ts also checks the table against the .proto files.

import type { Role } from '../auth/api-key.js';
import type { AdminServiceHandlers } from '../contract/generated/jifen/v1/AdminService.js';
import type { PointsServiceHandlers } from '../contract/generated/jifen/v1/PointsService.js';

/** The methods a service declares (its Handlers type less grpc-js's index signature). */
type MethodsOf<Handlers> = keyof { [K in keyof Handlers as string extends K ? never : number extends K ? never : K]: true };

type PointsMethod = MethodsOf<PointsServiceHandlers>;
type AdminMethod = MethodsOf<AdminServiceHandlers>;

const INTEGRATION: readonly Role[] = ['integration'];
const OPERATOR: readonly Role[] = ['operator'];
const ADMIN: readonly Role[] = ['admin'];
const READERS: readonly Role[] = ['integration', 'auditor'];
const AUDIT_READERS: readonly Role[] = ['auditor', 'admin'];

export const POINTS_SERVICE_ROLES: Readonly<Record<PointsMethod, readonly Role[]>> = {
  Earn: INTEGRATION,
  Redeem: INTEGRATION,
  Reverse: INTEGRATION,
  Adjust: OPERATOR,
  GetAccount: READERS,
  ListEntries: READERS,
  SubmitBatch: INTEGRATION,
  Enroll: INTEGRATION,
  RecordActivity: INTEGRATION,
  Hold: INTEGRATION,
  CaptureHold: INTEGRATION,
  ReleaseHold: INTEGRATION,
  // The checkout's question before a hold (积分抵现): part of the holds.
  QuoteRedemption: INTEGRATION,
  Transfer: INTEGRATION,
  WatchEvents: INTEGRATION,
  RedeemReward: INTEGRATION,
  DrawLottery: INTEGRATION,
  // The member's side of the points mall, beside RedeemReward.
  ListRedemptions: INTEGRATION,
  CancelRedemption: INTEGRATION,
};

export const ADMIN_SERVICE_ROLES: Readonly<Record<AdminMethod, readonly Role[]>> = {
  PutProgram: ADMIN,
  GetProgram: ADMIN,
  ImportLots: ADMIN,
  PutReward: ADMIN,
  ListRewards: ADMIN,
  UpdateRedemption: OPERATOR,
  ListFlagged: OPERATOR,
  ApproveFlagged: OPERATOR,
  RejectFlagged: OPERATOR,
  CreateApiKey: ADMIN,
  ListApiKeys: ADMIN,
  RevokeApiKey: ADMIN,
  RotateApiKey: ADMIN,
  ListAuditRecords: AUDIT_READERS,
  // Finance's roll-forward and the ledger audit: read only.
  GetRollForward: AUDIT_READERS,
  AuditLedger: AUDIT_READERS,
};

/**
 * Which calls go into the audit trail (who, when, what, why: auth/audit-trail.ts): every operator and
 * admin action that changes something. Typed like the role table, so a new method needs its answer.
 */
const POINTS_AUDITED: Readonly<Record<PointsMethod, boolean>> = {
  ...(Object.fromEntries(Object.keys(POINTS_SERVICE_ROLES).map((m) => [m, false])) as Record<PointsMethod, false>),
  Adjust: true,
};

const ADMIN_AUDITED: Readonly<Record<AdminMethod, boolean>> = {
  PutProgram: true,
  GetProgram: false,
  ImportLots: true,
  PutReward: true,
  ListRewards: false,
  UpdateRedemption: true,
  ListFlagged: false,
  ApproveFlagged: true,
  RejectFlagged: true,
  CreateApiKey: true,
  ListApiKeys: false,
  RevokeApiKey: true,
  RotateApiKey: true,
  ListAuditRecords: false,
  GetRollForward: false,
  // Can rewrite cache copies (repair_cache): recorded.
  AuditLedger: true,
};

/** gRPC paths whose calls are recorded in the audit trail. */
export const AUDITED_PATHS: ReadonlySet<string> = new Set([
  ...Object.entries(POINTS_AUDITED)
    .filter(([, audited]) => audited)
    .map(([method]) => `/jifen.v1.PointsService/${method}`),
  ...Object.entries(ADMIN_AUDITED)
    .filter(([, audited]) => audited)
    .map(([method]) => `/jifen.v1.AdminService/${method}`),
]);

/** gRPC path (`/jifen.v1.PointsService/Earn`) → the roles that may call it. */
export const ROLES_OF_PATH: ReadonlyMap<string, readonly Role[]> = new Map([
  ...Object.entries(POINTS_SERVICE_ROLES).map(([method, roles]) => [`/jifen.v1.PointsService/${method}`, roles] as const),
  ...Object.entries(ADMIN_SERVICE_ROLES).map(([method, roles]) => [`/jifen.v1.AdminService/${method}`, roles] as const),
]);

/** Services every caller may use without a key: load balancers' health checks and grpcurl's reflection. */
const OPEN_SERVICES = ['/grpc.health.v1.Health/', '/grpc.reflection.v1alpha.ServerReflection/', '/grpc.reflection.v1.ServerReflection/'];

export function isOpenPath(path: string): boolean {
  return OPEN_SERVICES.some((prefix) => path.startsWith(prefix));
}

/** SubmitBatch's commands stand for these methods: a batch may carry only commands its caller may send alone. */
export const BATCH_COMMAND_METHODS: Readonly<Record<string, PointsMethod>> = {
  earn: 'Earn',
  redeem: 'Redeem',
  reverse: 'Reverse',
  adjust: 'Adjust',
  enroll: 'Enroll',
  activity: 'RecordActivity',
  hold: 'Hold',
  capture: 'CaptureHold',
  release: 'ReleaseHold',
  transfer: 'Transfer',
};
