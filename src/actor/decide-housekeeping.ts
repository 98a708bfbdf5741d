// What falls due with time, decided when the scheduler asks: a lapsed hold, expired lots, an
// expiring-soon notice, a tier review. Pure, like decide.ts.

import { expiryNoticeAt } from '../rules/expiry.js';
import type { Program } from '../rules/program/program.js';
import { reviewTier } from '../rules/tiers.js';
import type { HousekeepCommand } from './commands.js';
import { releaseEntry } from './decide-holds.js';
import type { Decision, DecisionInputs } from './decision.js';
import { NEVER_EXPIRES, emptyDetail } from './entries.js';
import { isLive } from './lots.js';
import { type MemberState, tierFactsOf } from './member-state.js';
import { newEntry } from './new-entry.js';
import { reject } from './rejections.js';

/**
 * What falls due with time: lots past their expiry leave in one EXPIRE entry; otherwise a tier
 * whose validity has ended is retained or moved down. One entry per command; the scheduler asks
 * again while something is still due.
 */
export function decideHousekeeping(state: MemberState, cmd: HousekeepCommand, inputs: DecisionInputs): Decision {
  const { now, program } = inputs;
  const lapsedHold = state.holds.find((h) => now > h.expiresAt);
  if (lapsedHold) return { ok: true, entry: releaseEntry(state, cmd, inputs, lapsedHold, 'hold expired'), order: undefined };
  let expired = 0;
  let dueBy = 0;
  for (const lot of state.lots) {
    if (!isLive(lot, now)) {
      expired += lot.points;
      dueBy = Math.max(dueBy, lot.expiresAt);
    }
  }
  if (expired > 0) {
    const entry = newEntry(state, cmd, inputs, -expired, { reason: 'expiry', expiresAt: dueBy, type: 'expire' });
    return { ok: true, entry, order: undefined };
  }
  const notice = dueNotice(state, program, now);
  if (notice) {
    const detail = emptyDetail(program.version);
    detail.expiringSoon = notice;
    const entry = newEntry(state, cmd, inputs, 0, { reason: 'expiring soon', type: 'notice', expiresAt: notice.expiresAt, detail });
    return { ok: true, entry, order: undefined };
  }
  const change = state.tierValidUntil > 0 && now > state.tierValidUntil ? reviewTier(program, tierFactsOf(state), now) : undefined;
  if (change) {
    const detail = emptyDetail(program.version);
    detail.tierChange = change;
    const entry = newEntry(state, cmd, inputs, 0, { reason: `tier ${change.reason}`, type: 'tier', detail });
    return { ok: true, entry, order: undefined };
  }
  return { ok: false, rejection: reject.nothingDue(cmd.tenantId, cmd.memberId) };
}

/** The soonest expiry date not yet announced whose notice instant has come, with the points expiring then. */
function dueNotice(state: MemberState, program: Program, now: number): { points: number; expiresAt: number } | undefined {
  let expiresAt = 0;
  let points = 0;
  for (const lot of state.lots) {
    if (lot.expiresAt === NEVER_EXPIRES || lot.expiresAt <= state.noticedThrough) continue;
    if (expiresAt === 0) {
      const noticeAt = expiryNoticeAt(program.expiry, lot.expiresAt, program.timeZone);
      if (noticeAt === 0 || noticeAt > now) return undefined;
      expiresAt = lot.expiresAt;
    }
    if (lot.expiresAt !== expiresAt) break;
    points += lot.points;
  }
  return expiresAt === 0 ? undefined : { points, expiresAt };
}
