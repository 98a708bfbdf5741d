// Original file: jifen/v1/points.proto

import type { Account as _jifen_v1_Account, Account__Output as _jifen_v1_Account__Output } from '../../jifen/v1/Account.js';

export interface GetAccountResponse {
  'account'?: (_jifen_v1_Account | null);
}

export interface GetAccountResponse__Output {
  'account': (_jifen_v1_Account__Output | null);
}
