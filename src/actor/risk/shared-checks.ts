// Which cross-member windows a command is checked against, in one fixed order: the shard walks it to
// build the batch's reservation, decide walks it again to read the verdicts, so the two agree on
// check numbers without passing lists between them.

import type { WriteCommand } from '../commands.js';
import type { Counter, RiskAction, RiskPolicy, RiskScope } from '../../rules/velocity-policy.js';

/** What decide reads about one command's cross-member windows (set per command by the shard). */
export interface SharedView {
  /** False when the shared store could not be asked for this batch. */
  readonly available: boolean;
  /** With the store unavailable: refuse (true) or skip the cross-member limits (false). */
  readonly failClosed: boolean;
  /** 0: admitted (counted); k > 0: refused by check k − 1 (nothing counted). */
  readonly status: number;
  readonly retryAfterMs: number;
  /** The window's count and points before this command (distinct check: members seen, this one included). */
  count(check: number): number;
  points(check: number): number;
}

/** The action a command counts as for velocity limits; undefined for commands that are not limited. */
export function riskActionOf(cmd: WriteCommand): RiskAction | undefined {
  switch (cmd.kind) {
    case 'earn':
      return 'earn';
    case 'redeem':
    case 'hold':
      return 'redeem';
    case 'activity':
      return 'activity';
    case 'transfer':
      return 'transfer';
    default:
      return undefined;
  }
}

/** Points known before deciding (spends and transfers); earns and activities learn theirs from the rules. */
export function knownCostOf(cmd: WriteCommand): number | undefined {
  return cmd.kind === 'redeem' || cmd.kind === 'hold' || cmd.kind === 'transfer' ? cmd.points : undefined;
}

/** The value a shared scope keys on for this command; '' = the command has none (the limit does not apply). */
export function scopeValueOf(cmd: WriteCommand, scope: RiskScope): string {
  switch (scope) {
    case 'device':
      return cmd.risk?.deviceId ?? '';
    case 'ip':
      return cmd.risk?.ip ?? '';
    case 'payment':
      return cmd.risk?.paymentFingerprint ?? '';
    case 'store':
      return cmd.kind === 'earn' ? cmd.storeId : '';
    default:
      return '';
  }
}

/**
 * Visits the command's shared checks in order: each counter of the action whose scope the command
 * carries, then (earns from a device, with the device_members rule) the distinct-members check,
 * visited with counter undefined. Returns the number of checks.
 */
export function forEachSharedCheck(
  policy: RiskPolicy,
  cmd: WriteCommand,
  action: RiskAction,
  visit: (counter: Counter | undefined, value: string, check: number) => void,
): number {
  let check = 0;
  for (const counter of policy.shared[action]) {
    const value = scopeValueOf(cmd, counter.scope);
    if (value !== '') visit(counter, value, check++);
  }
  const device = action === 'earn' && policy.review.deviceMembers ? scopeValueOf(cmd, 'device') : '';
  if (device !== '') visit(undefined, device, check++);
  return check;
}
