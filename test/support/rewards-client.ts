// Promisified clients for the points mall and lotteries: the member-facing PointsService methods and
// the AdminService catalog and review methods, typed loosely as the wire shapes tests assert on.

import * as grpc from '@grpc/grpc-js';
import { adminServiceConstructor } from './admin-client.js';
import { type CallOptions, pointsServiceChannel, promisedClient } from './points-client.js';

export type Msg = Record<string, any>;
type Rpc = (req: Msg, opts?: CallOptions) => Promise<Msg>;

export interface RewardsClient {
  RedeemReward: Rpc;
  DrawLottery: Rpc;
  ListRedemptions: Rpc;
  CancelRedemption: Rpc;
  Adjust: Rpc;
  GetAccount: Rpc;
  ListEntries: Rpc;
  SubmitBatch: Rpc;
  close(): void;
}

export interface RewardsAdminClient {
  PutReward: Rpc;
  ListRewards: Rpc;
  UpdateRedemption: Rpc;
  PutProgram: Rpc;
  close(): void;
}

export function rewardsClient(address: string): RewardsClient {
  return promisedClient<RewardsClient>(pointsServiceChannel(address), [
    'RedeemReward',
    'DrawLottery',
    'ListRedemptions',
    'CancelRedemption',
    'Adjust',
    'GetAccount',
    'ListEntries',
    'SubmitBatch',
  ]);
}

export function rewardsAdminClient(address: string): RewardsAdminClient {
  const raw = new (adminServiceConstructor())(address, grpc.credentials.createInsecure());
  return promisedClient<RewardsAdminClient>(raw, ['PutReward', 'ListRewards', 'UpdateRedemption', 'PutProgram']);
}

/** A Timestamp message for epoch ms. */
export function timestamp(ms: number): Msg {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}
