// The refusals anti-abuse adds (api/status.ts maps their kinds): a velocity limit (RESOURCE_EXHAUSTED,
// with the limit's id and a retry-after hint), the shared store down under fail-closed
// (UNAVAILABLE), and a review of a flag that is not open (FAILED_PRECONDITION).

import type { Rejection } from '../rejections.js';
import type { VelocityLimit } from '../../rules/velocity-policy.js';

export const riskReject = {
  velocityLimit: (limit: VelocityLimit, retryAfterMs: number): Rejection => ({
    kind: 'VelocityLimit',
    policy: limit.id,
    retryAfterMs,
    message: `velocity limit ${limit.id} reached (${describe(limit)}); retry after ${Math.ceil(retryAfterMs / 1000)} s`,
  }),
  sharedStoreUnavailable: (): Rejection => ({
    kind: 'RiskUnavailable',
    message: 'velocity checks are unavailable (shared window store unreachable, fail-closed policy); nothing was applied, retry later',
  }),
  flagNotOpen: (flagId: string): Rejection => ({
    kind: 'FlagNotOpen',
    message: `flag ${flagId} is not open (unknown, already approved or rejected)`,
  }),
} as const;

function describe(limit: VelocityLimit): string {
  const parts: string[] = [];
  if (limit.maxCount > 0) parts.push(`${limit.maxCount} ${limit.action} commands`);
  if (limit.maxPoints > 0) parts.push(`${limit.maxPoints} points`);
  const scope = limit.scope === 'member' ? 'member' : `${limit.scope}`;
  return `at most ${parts.join(' and ')} per ${limit.window} per ${scope}`;
}
