// Opens what one shard thread talks to, as configured: its ledger store, the hot-account cache and
// the event publishers its outbox relay feeds.

import { join } from 'node:path';
import type { BalanceCache } from '../cache/balance-cache.js';
import { RedisBalanceCache } from '../cache/redis-cache.js';
import type { Config } from '../config/config.js';
import type { EventPublisher } from '../events/event-publisher.js';
import { InProcessPublisher } from '../events/in-process-bus.js';
import { NatsEventPublisher } from '../events/nats-publisher.js';
import { CassandraLedgerStore, SharedLedgerClient } from '../ledger/cassandra/cassandra-store.js';
import type { FenceOptions } from '../ledger/cassandra/fence.js';
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
  /** The embedded ledger's SQLite page cache per shard, MiB; undefined: 64. */
  sqliteCacheMb?: number;
  sqliteFoldRows?: number;
  ledger: Config['ledger'];
  balances: Config['balances'];
  events: Config['events'];
  /** Cross-member velocity windows: the front's channel (memory mode) and the failure policy. */
  risk: ShardRiskSettings;
}

/** What every ledger shard of one thread shares: the cache, the event publishers, the velocity windows. */
export interface ThreadBackends {
  cache: BalanceCache | undefined;
  /** In publishing order: the durable bus first, then the in-process hub (WatchEvents). */
  publishers: EventPublisher[];
  /** Cross-member velocity windows (Redis, or the front's in-process windows). */
  risk: RiskOptions;
  /** Cluster mode with Cassandra: the one client the thread's ledger stores share. */
  ledgerClient: SharedLedgerClient | undefined;
}

export function shardFile(dataDir: string, shard: number): string {
  return join(dataDir, `shard-${String(shard).padStart(4, '0')}.db`);
}

/** `shard` here is the thread's number (its velocity-window channel); `sharedLedgerClient` for cluster mode. */
export async function openThreadBackends(s: ShardBackendSettings, sharedLedgerClient = false): Promise<ThreadBackends> {
  const cache = await openBalanceCache(s.balances, s.ledgerId);
  const risk = await openShardWindows(s.shard, s.ledgerId, s.balances, s.risk);
  const publishers: EventPublisher[] = [];
  if (s.events.kind === 'nats') {
    publishers.push(await NatsEventPublisher.connect({ url: s.events.url, stream: s.events.stream }));
  }
  publishers.push(new InProcessPublisher());
  const ledgerClient = sharedLedgerClient && s.ledger.kind === 'cassandra' ? await SharedLedgerClient.connect(s.ledger) : undefined;
  return { cache, publishers, risk, ledgerClient };
}

export async function closeThreadBackends(b: ThreadBackends): Promise<void> {
  await b.cache?.close();
  await b.risk.windows.close();
  for (const publisher of b.publishers) await publisher.close();
  await b.ledgerClient?.close();
}

/**
 * One ledger shard's store. `fence`: a cluster node's ownership of the shard at an epoch (Cassandra
 * only; the store refuses commits once a newer owner took the shard).
 */
export async function openLedger(
  s: ShardBackendSettings,
  shard: number,
  options: { fence?: FenceOptions; client?: SharedLedgerClient; knowledgeCapacity?: number } = {},
): Promise<LedgerStore> {
  if (s.ledger.kind === 'embedded') {
    if (options.fence) throw new Error('a fenced ledger shard needs the Cassandra ledger');
    return new SqliteLedgerStore({
      file: shardFile(s.dataDir, shard),
      durability: s.durability,
      cacheMb: s.sqliteCacheMb,
      foldRows: s.sqliteFoldRows,
    });
  }
  const settings = { ...s.ledger, shard, fence: options.fence, knowledgeCapacity: options.knowledgeCapacity };
  return options.client ? CassandraLedgerStore.openOn(options.client.forStore(), settings) : CassandraLedgerStore.open(settings);
}

export async function openBalanceCache(settings: Config['balances'], ledgerId: string): Promise<BalanceCache | undefined> {
  if (settings.kind === 'memory') return undefined;
  const cache = settings.clusterNodes
    ? RedisBalanceCache.cluster(settings.clusterNodes, { ledgerId })
    : RedisBalanceCache.standalone(settings.url as string, { ledgerId });
  await cache.ready();
  return cache;
}
