// Opens what one shard thread talks to, as configured: its ledger store, the hot-account cache and
// the event publishers its outbox relay feeds.

import { join } from 'node:path';
import type { BalanceCache } from '../cache/balance-cache.js';
import { RedisBalanceCache } from '../cache/redis-cache.js';
import type { Config } from '../config/config.js';
import type { EventPublisher } from '../events/event-publisher.js';
import { InProcessPublisher } from '../events/in-process-bus.js';
import { NatsEventPublisher } from '../events/nats-publisher.js';
import { CassandraLedgerStore } from '../ledger/cassandra/cassandra-store.js';
import { SqliteLedgerStore } from '../ledger/embedded/sqlite-store.js';
import type { LedgerStore } from '../ledger/store.js';
import type { RiskOptions } from '../risk/risk-batch.js';
import { type ShardRiskSettings, openShardWindows } from '../risk/shard-windows.js';

export interface ShardBackendSettings {
  shard: number;
  /** Names this ledger in outbox batch ids and cache keys (from layout.json). */
  ledgerId: string;
  dataDir: string;
  durability: 'fsync' | 'os';
  ledger: Config['ledger'];
  balances: Config['balances'];
  events: Config['events'];
  /** Cross-member velocity windows: the front's channel (memory mode) and the failure policy. */
  risk: ShardRiskSettings;
}

export interface ShardBackends {
  store: LedgerStore;
  cache: BalanceCache | undefined;
  /** In publishing order: the durable bus first, then the in-process hub (WatchEvents). */
  publishers: EventPublisher[];
  /** Cross-member velocity windows (Redis, or the front's in-process windows). */
  risk: RiskOptions;
}

export function shardFile(dataDir: string, shard: number): string {
  return join(dataDir, `shard-${String(shard).padStart(4, '0')}.db`);
}

export async function openShardBackends(s: ShardBackendSettings): Promise<ShardBackends> {
  const store = await openLedger(s);
  const cache = await openBalanceCache(s.balances, s.ledgerId);
  const risk = await openShardWindows(s.shard, s.ledgerId, s.balances, s.risk);
  const publishers: EventPublisher[] = [];
  if (s.events.kind === 'nats') {
    publishers.push(await NatsEventPublisher.connect({ url: s.events.url, stream: s.events.stream }));
  }
  publishers.push(new InProcessPublisher());
  return { store, cache, publishers, risk };
}

async function openLedger(s: ShardBackendSettings): Promise<LedgerStore> {
  if (s.ledger.kind === 'embedded') {
    return new SqliteLedgerStore({ file: shardFile(s.dataDir, s.shard), durability: s.durability });
  }
  return CassandraLedgerStore.open({ ...s.ledger, shard: s.shard });
}

export async function openBalanceCache(settings: Config['balances'], ledgerId: string): Promise<BalanceCache | undefined> {
  if (settings.kind === 'memory') return undefined;
  const cache = settings.clusterNodes
    ? RedisBalanceCache.cluster(settings.clusterNodes, { ledgerId })
    : RedisBalanceCache.standalone(settings.url as string, { ledgerId });
  await cache.ready();
  return cache;
}
