// 转赠, 积分捐赠 and 跨界兑换: points sent to another member, to the tenant's charity account, or
// converted for a partner, and the receiving side of a transfer. Pure, like decide.ts.

import { floorScaled } from '../rules/base-rate.js';
import { localDayOf, monthKeyOf } from '../rules/calendar.js';
import { lotExpiresAt } from '../rules/expiry.js';
import { type TransferCommand, type TransferInCommand, engineKey } from './commands.js';
import type { Decision, DecisionInputs } from './decision.js';
import { emptyDetail, entryIdOf } from './entries.js';
import { type MemberState, TRANSFER_USAGE, availablePoints, capUsageOf } from './member-state.js';
import { newEntry } from './new-entry.js';
import { reject } from './rejections.js';

/**
 * Points leave the sender in one TRANSFER_OUT entry; for a member or a donation the same commit owes
 * the receiver its TRANSFER_IN (a follow-up, applied once), so a crash at any step neither creates
 * nor destroys points. A partner conversion has no receiving account: the entry records the
 * partner, its reference and the units at the program's ratio.
 */
export function decideTransfer(state: MemberState, cmd: TransferCommand, inputs: DecisionInputs): Decision {
  const { program, now } = inputs;
  const policy = program.transfers;
  let to = cmd.toMemberId;
  let partnerUnits = 0;
  if (cmd.transferKind === 'donation') {
    if (policy.charityMemberId === '') return { ok: false, rejection: reject.transferRefused('donations are not offered by this program') };
    to = policy.charityMemberId;
  } else if (cmd.transferKind === 'partner') {
    const partner = policy.partners.find((p) => p.id === cmd.partnerId);
    if (!partner) return { ok: false, rejection: reject.invalidField('partner_id', `is not a partner of this program`) };
    partnerUnits = floorScaled(cmd.points, partner.units, partner.points);
    if (partnerUnits === 0)
      return { ok: false, rejection: reject.transferRefused(`${cmd.points} points convert to 0 ${partner.id} units`) };
  }
  if (to === cmd.memberId) return { ok: false, rejection: reject.invalidField('to_member_id', 'must not be the sender') };
  const available = availablePoints(state, now);
  if (available < cmd.points) return { ok: false, rejection: reject.insufficientPoints(available, cmd.points) };
  const day = localDayOf(now, program.timeZone);
  if (policy.maxPointsPerDay > 0) {
    const sent = capUsageOf(state, day.key, monthKeyOf(day)).day[TRANSFER_USAGE] ?? 0;
    if (sent + cmd.points > policy.maxPointsPerDay) {
      return { ok: false, rejection: reject.transferLimit(policy.maxPointsPerDay, sent, cmd.points) };
    }
  }
  const transferId = entryIdOf(cmd.tenantId, cmd.memberId, state.seq + 1);
  const detail = emptyDetail(program.version);
  detail.dayKey = day.key;
  detail.monthKey = monthKeyOf(day);
  detail.transfer = {
    transferId,
    kind: cmd.transferKind,
    counterparty: cmd.transferKind === 'partner' ? cmd.partnerId : to,
    partnerId: cmd.partnerId,
    partnerReference: cmd.partnerReference,
    partnerUnits,
  };
  const entry = newEntry(state, cmd, inputs, -cmd.points, { reason: cmd.reason, type: 'transfer_out', detail });
  if (cmd.transferKind === 'partner') return { ok: true, entry, order: undefined };
  const followUp: TransferInCommand = {
    kind: 'transferIn',
    tenantId: cmd.tenantId,
    memberId: to,
    idempotencyKey: engineKey(`transfer:${transferId}`),
    transferId,
    fromMemberId: cmd.memberId,
    points: cmd.points,
    transferKind: cmd.transferKind,
  };
  return { ok: true, entry, order: undefined, followUp };
}

/** The receiving side always applies (the points already left the sender): a new lot under the program's expiry. */
export function decideTransferIn(state: MemberState, cmd: TransferInCommand, inputs: DecisionInputs): Decision {
  const { program, now } = inputs;
  const detail = emptyDetail(program.version);
  detail.transfer = {
    transferId: cmd.transferId,
    kind: cmd.transferKind,
    counterparty: cmd.fromMemberId,
    partnerId: '',
    partnerReference: '',
    partnerUnits: 0,
  };
  const entry = newEntry(state, cmd, inputs, cmd.points, {
    reason: cmd.transferKind === 'donation' ? `donation from ${cmd.fromMemberId}` : `transfer from ${cmd.fromMemberId}`,
    type: 'transfer_in',
    expiresAt: lotExpiresAt(program.expiry, now, program.timeZone),
    detail,
  });
  return { ok: true, entry, order: undefined };
}
