// Original file: jifen/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface RollForwardLine {
  'period'?: (string);
  'first_day'?: (string);
  'last_day'?: (string);
  'opening'?: (number | string | Long);
  'issued_orders'?: (number | string | Long);
  'issued_campaigns_and_bonuses'?: (number | string | Long);
  'issued_behaviours'?: (number | string | Long);
  'issued_referrals'?: (number | string | Long);
  'issued_imports'?: (number | string | Long);
  'issued_transfers_in'?: (number | string | Long);
  'issued_review_approvals'?: (number | string | Long);
  'issued'?: (number | string | Long);
  'reversed'?: (number | string | Long);
  'redeemed_mall'?: (number | string | Long);
  'redeemed_holds'?: (number | string | Long);
  'redeemed'?: (number | string | Long);
  'expired'?: (number | string | Long);
  'transferred_out'?: (number | string | Long);
  'adjustments'?: (number | string | Long);
  'closing'?: (number | string | Long);
  'pending'?: (number | string | Long);
  'held'?: (number | string | Long);
  'under_review'?: (number | string | Long);
  'expiring_30_days'?: (number | string | Long);
  'expiring_60_days'?: (number | string | Long);
  'expiring_90_days'?: (number | string | Long);
  'accounts'?: (number | string | Long);
  'accounts_by_tier'?: ({[key: string]: number | string | Long});
  'issued_by_rule'?: ({[key: string]: number | string | Long});
  'redemption_rate_bp'?: (number | string | Long);
  'gross_liability_fen'?: (number | string | Long);
  'net_liability_fen'?: (number | string | Long);
  'active_members'?: (number | string | Long);
}

export interface RollForwardLine__Output {
  'period': (string);
  'first_day': (string);
  'last_day': (string);
  'opening': (number);
  'issued_orders': (number);
  'issued_campaigns_and_bonuses': (number);
  'issued_behaviours': (number);
  'issued_referrals': (number);
  'issued_imports': (number);
  'issued_transfers_in': (number);
  'issued_review_approvals': (number);
  'issued': (number);
  'reversed': (number);
  'redeemed_mall': (number);
  'redeemed_holds': (number);
  'redeemed': (number);
  'expired': (number);
  'transferred_out': (number);
  'adjustments': (number);
  'closing': (number);
  'pending': (number);
  'held': (number);
  'under_review': (number);
  'expiring_30_days': (number);
  'expiring_60_days': (number);
  'expiring_90_days': (number);
  'accounts': (number);
  'accounts_by_tier': ({[key: string]: number});
  'issued_by_rule': ({[key: string]: number});
  'redemption_rate_bp': (number);
  'gross_liability_fen': (number);
  'net_liability_fen': (number);
  'active_members': (number);
}
