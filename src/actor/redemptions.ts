// A member's redemption orders (兑换订单) in its state: the fold keeps the newest of them and the
// lifetime figures they move. The orders themselves are decided in decide-mall.ts.

import type { LedgerEntry, RedemptionOrder } from './entries.js';
import type { MemberState } from './member-state.js';

/** Orders kept in the member's state (newest); older ones stay on the ledger. */
export const REDEMPTIONS_KEPT = 100;

/** The fold: the order as of the entry replaces the one kept (newest last, bounded). */
export function applyRedemption(state: MemberState, entry: LedgerEntry, order: RedemptionOrder): void {
  const at = state.redemptions.findIndex((o) => o.redemptionId === order.redemptionId);
  if (at >= 0) state.redemptions[at] = order;
  else {
    state.redemptions.push(order);
    if (state.redemptions.length > REDEMPTIONS_KEPT) state.redemptions.splice(0, state.redemptions.length - REDEMPTIONS_KEPT);
  }
  if (entry.type === 'redeem_reward' || entry.type === 'lottery_draw') {
    state.lifetimeRedeemed += order.points;
    state.lifetimeEarned += order.prizePoints;
  } else if (order.state === 'REJECTED' || order.state === 'CANCELLED') {
    state.lifetimeRedeemed -= order.points;
    state.lifetimeEarned -= order.prizePoints;
  }
}
