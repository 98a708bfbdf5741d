// 原有积分导入: the decision on one lot carried over from a legacy system. The lot keeps its own
// expiry (or gets the program's rule applied from when it was earned), is spendable at once, counts
// against no earning cap, and may give the member a tier. Pure, like decide.ts.

import { endOfDayAfter } from '../rules/calendar.js';
import { lotExpiresAt } from '../rules/expiry.js';
import type { Program } from '../rules/program/program.js';
import type { ImportLotCommand } from './commands.js';
import type { Decision, DecisionInputs } from './decision.js';
import { NEVER_EXPIRES, type TierChange, emptyDetail } from './entries.js';
import { newEntry } from './new-entry.js';
import { reject } from './rejections.js';
import type { MemberState } from './member-state.js';

export function decideImportLot(state: MemberState, cmd: ImportLotCommand, inputs: DecisionInputs): Decision {
  const { now, program } = inputs;
  if (cmd.earnedAt > now) return refuse('earned_at', 'is in the future');
  if (cmd.expiresAt !== NEVER_EXPIRES && cmd.expiresAt <= cmd.earnedAt) return refuse('expires_at', 'must be after earned_at');
  if (state.balance + cmd.points > Number.MAX_SAFE_INTEGER) {
    return refuse('points', `would take the balance beyond ${Number.MAX_SAFE_INTEGER} (2^53 - 1)`);
  }
  const expiresAt = cmd.expiresAt !== NEVER_EXPIRES ? cmd.expiresAt : lotExpiresAt(program.expiry, cmd.earnedAt, program.timeZone);
  // A lot is spendable through its last millisecond (see isLive); one already past it is not carried over.
  if (expiresAt !== NEVER_EXPIRES && now > expiresAt) {
    return cmd.expiresAt !== NEVER_EXPIRES
      ? refuse('expires_at', `is in the past: the lot has already expired (${iso(expiresAt)})`)
      : refuse('earned_at', `is too old: under the program's expiry rule the lot has already expired (${iso(expiresAt)})`);
  }
  let tierChange: TierChange | undefined;
  if (cmd.tier !== '') {
    const to = program.tiers.levels.findIndex((level) => level.id === cmd.tier);
    if (to < 0) return refuse('tier', `is not a tier of the program (${program.tiers.levels.map((l) => l.id).join(', ')})`);
    tierChange = tierChangeTo(program, state.tier, to, now);
  }
  const detail = emptyDetail(program.version);
  detail.import = { batchId: cmd.batchId, rowKey: cmd.rowKey, earnedAt: cmd.earnedAt };
  detail.tierChange = tierChange;
  const entry = newEntry(state, cmd, inputs, cmd.points, {
    type: 'import',
    reason: `legacy import ${cmd.batchId} row ${cmd.rowKey}`,
    expiresAt,
    detail,
  });
  return { ok: true, entry, order: undefined };
}

/**
 * The member is put on level `to` as of the import. A level above the first is held for one validity
 * period from now, then reviewed like any other (the imported lots do not count towards the metric);
 * the level the member already has is left alone, validity included.
 */
function tierChangeTo(program: Program, current: string, to: number, now: number): TierChange | undefined {
  const levels = program.tiers.levels;
  const from = Math.max(
    levels.findIndex((level) => level.id === current),
    0, // '' or a level no longer in the program reads as the first
  );
  if (from === to) return undefined;
  return {
    from: levels[from].id,
    to: levels[to].id,
    validUntil: to === 0 ? 0 : endOfDayAfter(now, program.tiers.validityMonths, 0, program.timeZone),
    reason: to > from ? 'upgrade' : 'downgrade',
  };
}

function refuse(field: string, problem: string): Decision {
  return { ok: false, rejection: reject.invalidField(field, problem) };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
