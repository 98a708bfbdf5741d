// A stable fingerprint of a write command's payload: a retry must match it exactly, a reuse of the
// key with anything different must not. FNV-1a over a canonical field list; no JSON on the hot path.

import type { WriteCommand } from './commands.js';

export function payloadFingerprint(cmd: WriteCommand): string {
  return fnv1a64(canonicalTextOf(cmd));
}

/** The command's payload fields in a fixed order, \u0000-separated; its kind first. */
function canonicalTextOf(cmd: WriteCommand): string {
  switch (cmd.kind) {
    case 'earn': {
      let items = '';
      for (const it of cmd.items) items += `${it.sku}\u0001${it.category}\u0001${it.amountMinor}\u0001${it.quantity}\u0002`;
      return `earn\u0000${cmd.orderId}\u0000${cmd.amountMinor}\u0000${cmd.currency}\u0000${cmd.channel}\u0000${cmd.storeId}\u0000${cmd.occurredAt}\u0000${items}`;
    }
    case 'redeem':
      return `redeem\u0000${cmd.points}\u0000${cmd.reason}\u0000${cmd.orderId}`;
    case 'reverse':
      return `reverse\u0000${cmd.orderId}\u0000${cmd.amountMinor}\u0000${cmd.reason}`;
    case 'adjust':
      return `adjust\u0000${cmd.points}\u0000${cmd.reason}\u0000${cmd.operator}`;
    case 'enroll': {
      const birthday = cmd.birthday ? `${cmd.birthday.month}-${cmd.birthday.day}` : '';
      return `enroll\u0000${birthday}\u0000${cmd.referrerMemberId}\u0000${cmd.channel}\u0000${cmd.occurredAt}`;
    }
    case 'activity':
      return `activity\u0000${cmd.activity}\u0000${cmd.targetId}\u0000${cmd.occurredAt}`;
    case 'housekeep':
      return 'housekeep';
    case 'referral':
      return `referral\u0000${cmd.referredMemberId}`;
    case 'hold':
      return `hold\u0000${cmd.points}\u0000${cmd.ttlMs}\u0000${cmd.orderId}\u0000${cmd.orderAmountMinor}`;
    case 'capture':
      return `capture\u0000${cmd.holdId}\u0000${cmd.points}`;
    case 'release':
      return `release\u0000${cmd.holdId}`;
    case 'transfer':
      return `transfer\u0000${cmd.transferKind}\u0000${cmd.toMemberId}\u0000${cmd.points}\u0000${cmd.partnerId}\u0000${cmd.partnerReference}\u0000${cmd.reason}`;
    case 'transferIn':
      return `transferIn\u0000${cmd.transferId}\u0000${cmd.fromMemberId}\u0000${cmd.points}`;
    // Rewards: only what the client asked for; the catalog definition the engine adds may change
    // between a request and its retry without making the retry a different request.
    case 'reserveStock': {
      const s = cmd.shipping;
      const shipping = s ? `${s.name}\u0001${s.phone}\u0001${s.address}` : '';
      return `reserveStock\u0000${cmd.reward.rewardId}\u0000${cmd.buyerId}\u0000${cmd.quantity}\u0000${cmd.clientKey}\u0000${shipping}`;
    }
    case 'redeemReward':
      return `redeemReward\u0000${cmd.redemptionId}\u0000${cmd.reward.rewardId}\u0000${cmd.quantity}\u0000${cmd.unit}`;
    case 'settleReservation':
      return `settleReservation\u0000${cmd.redemptionId}\u0000${cmd.refusal ? cmd.refusal.kind : ''}\u0000${cmd.memberEntryId}`;
    case 'restock':
      return `restock\u0000${cmd.redemptionId}\u0000${cmd.unit}\u0000${cmd.quantity}`;
    case 'updateRedemption':
      return `updateRedemption\u0000${cmd.redemptionId}\u0000${cmd.action}\u0000${cmd.operator}\u0000${cmd.reason}\u0000${cmd.trackingNumber}`;
    case 'importLot':
      // dryRun left out: a dry run of an imported row must read as its retry.
      return `importLot\u0000${cmd.batchId}\u0000${cmd.rowKey}\u0000${cmd.points}\u0000${cmd.earnedAt}\u0000${cmd.expiresAt}\u0000${cmd.tier}`;
    case 'review':
      // orderId left out: the front looks it up (the review queue), it is not the caller's payload.
      return `review\u0000${cmd.flagSeq}\u0000${cmd.decision}\u0000${cmd.operator}\u0000${cmd.reason}`;
    case 'reviewQueue':
      return `reviewQueue\u0000${cmd.change.op}\u0000${cmd.change.op === 'add' ? cmd.change.flag.flagId : cmd.change.flagId}`;
  }
}

/** 64-bit FNV-1a as two 32-bit halves (Math.imul keeps it in int arithmetic), hex encoded. */
function fnv1a64(text: string): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < text.length; i++) {
    lo = (lo ^ text.charCodeAt(i)) >>> 0;
    // multiply (hi,lo) by the FNV prime 0x100000001b3 = 2^40 + 0x1b3
    const loMul = lo * 0x1b3;
    const carry = Math.floor(loMul / 0x100000000);
    const newLo = loMul >>> 0;
    hi = (Math.imul(hi, 0x1b3) + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = newLo;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
