// How a shard thread reaches the cross-member windows, as configured: Redis (the same server as the
// balance cache) when JIFEN_BALANCES=redis, else the front's in-process windows over a channel.

import type { ClusterNode } from 'ioredis';
import type { RiskFailurePolicy, RiskOptions } from './risk-batch.js';
import { RedisWindows } from './redis-windows.js';
import { ChannelWindows } from './windows-channel.js';

export interface ShardRiskSettings {
  /** The front's WindowsHost channel (memory mode). */
  channel: string;
  failure: RiskFailurePolicy;
}

export async function openShardWindows(
  shard: number,
  ledgerId: string,
  balances: { kind: 'memory' } | { kind: 'redis'; url?: string; clusterNodes?: ClusterNode[] },
  settings: ShardRiskSettings,
): Promise<RiskOptions> {
  const keyPrefix = `jifen:${ledgerId}:risk:`;
  if (balances.kind === 'memory') return { windows: new ChannelWindows(settings.channel, shard), failure: settings.failure, keyPrefix };
  const windows = balances.clusterNodes ? RedisWindows.cluster(balances.clusterNodes) : RedisWindows.standalone(balances.url as string);
  // Like the balance cache, a Redis that is not there at start stops the start; later outages follow the policy.
  await windows.ready();
  return { windows, failure: settings.failure, keyPrefix };
}
