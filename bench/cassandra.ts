// The cassandra profile's ledger: one real Cassandra node for the whole bench, started with
// test/support/cassandra-server.ts (jars resolved by Maven the first time, cached in
// ~/.cache/jifen-cassandra), a fresh keyspace per engine run made by the real migration
// (src/cli/migrate.ts), and the node's own counters (system_views) read at the edges of each measured
// window. The node's counters, not the engine's, give the round trips and partition reads/writes: the
// Cassandra store runs in the shard threads, whose figures reach /metrics only through BatchStats.
import { Client, type types } from 'cassandra-driver';
import { migrateLedger } from '../src/cli/migrate.js';
import { startCassandraServer } from '../test/support/cassandra-server.js';
import { measurePartitions, type PartitionOptions, type PartitionReport } from './cassandra-partitions.js';

/** One node: replication factor 1 (a cluster's RF multiplies its writes, see bench/README.md). */
const REPLICATION = "{'class':'SimpleStrategy','replication_factor':1}";
/** The probe's STARTUP application name, so its own requests stay out of the node's request count. */
const PROBE_NAME = 'jifen-bench-probe';

export type CommitlogSync = 'periodic' | 'batch';

export interface LedgerNode {
  pid: number;
  version: string;
  contactPoint: string;
  startSeconds: number;
  commitlogSync: CommitlogSync;
  /** Creates and migrates a keyspace; returns the engine's ledger variables for it. */
  newKeyspace(keyspace: string): Promise<Record<string, string>>;
  dropKeyspace(keyspace: string): Promise<void>;
  /** The node's counters now, those of tables outside `keyspace` left out. */
  counters(keyspace: string): Promise<NodeCounters>;
  /** Rows, estimated bytes and tombstones per partition of the keyspace (bench/cassandra-partitions.ts). */
  partitions(keyspace: string, options: PartitionOptions): Promise<PartitionReport>;
  logTail(): string;
  stop(): Promise<void>;
}

/**
 * Cumulative counters of the node. `requests`: every native-protocol request (EXECUTE, BATCH, QUERY,
 * PREPARE, OPTIONS) on every client connection but the probe's, i.e. round trips. `preparedExecutes`:
 * single prepared statements (a BATCH message is not counted there). `writes` / `reads`: per table,
 * coordinator requests that wrote or read it (one per request and table, so a single-partition batch
 * counts once).
 */
export interface NodeCounters {
  requests: number | null;
  preparedExecutes: number | null;
  writes: Record<string, number>;
  reads: Record<string, number>;
}

export async function startLedgerNode(commitlogSync: CommitlogSync, log: (line: string) => void): Promise<LedgerNode> {
  const server = await startCassandraServer({ commitlogSync, log });
  const probe = new Client({
    contactPoints: [server.contactPoint],
    localDataCenter: server.localDataCenter,
    applicationName: PROBE_NAME,
    socketOptions: { readTimeout: 60_000 },
  });
  try {
    await probe.connect();
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    pid: server.pid,
    version: server.version,
    contactPoint: server.contactPoint,
    startSeconds: server.startSeconds,
    commitlogSync,
    async newKeyspace(keyspace) {
      await migrateLedger({
        contactPoints: [server.contactPoint],
        localDataCenter: server.localDataCenter,
        keyspace,
        replication: REPLICATION,
      });
      return {
        JIFEN_LEDGER: 'cassandra',
        CASSANDRA_CONTACT_POINTS: server.contactPoint,
        CASSANDRA_LOCAL_DC: server.localDataCenter,
        CASSANDRA_KEYSPACE: keyspace,
      };
    },
    async dropKeyspace(keyspace) {
      await probe.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    },
    counters: (keyspace) => readCounters(probe, keyspace),
    partitions: (keyspace, options) => measurePartitions(probe, keyspace, options),
    logTail: () => server.logTail(),
    async stop() {
      await probe.shutdown().catch(() => undefined);
      await server.stop();
    },
  };
}

/** What the node did between two readings (null where either reading lacked the figure). */
export function countersDelta(a: NodeCounters, b: NodeCounters): NodeCounters {
  const diff = (x: number | null, y: number | null) => (x === null || y === null ? null : y - x);
  const perTable = (x: Record<string, number>, y: Record<string, number>) => {
    const out: Record<string, number> = {};
    for (const [table, n] of Object.entries(y)) {
      const d = n - (x[table] ?? 0);
      if (d !== 0) out[table] = d;
    }
    return out;
  };
  return {
    requests: diff(a.requests, b.requests),
    preparedExecutes: diff(a.preparedExecutes, b.preparedExecutes),
    writes: perTable(a.writes, b.writes),
    reads: perTable(a.reads, b.reads),
  };
}

async function readCounters(probe: Client, keyspace: string): Promise<NodeCounters> {
  const [requests, preparedExecutes, writes, reads] = await Promise.all([
    requestCount(probe),
    preparedExecuteCount(probe),
    perTableCounts(probe, 'write', keyspace),
    perTableCounts(probe, 'read', keyspace),
  ]);
  return { requests, preparedExecutes, writes, reads };
}

/** Sum of request_count over the client connections that are not the probe's. */
async function requestCount(probe: Client): Promise<number | null> {
  try {
    const { rows } = await probe.execute('SELECT request_count, client_options FROM system_views.clients');
    let total = 0;
    for (const row of rows) {
      const options = row['client_options'] as Record<string, string> | null;
      if (options?.APPLICATION_NAME === PROBE_NAME) continue;
      total += numberOf(row['request_count']);
    }
    return total;
  } catch {
    return null; // a node without these columns: the report falls back to reads + writes
  }
}

async function preparedExecuteCount(probe: Client): Promise<number | null> {
  try {
    const { rows } = await probe.execute('SELECT name, value FROM system_views.cql_metrics');
    const row = rows.find((r) => r['name'] === 'prepared_statements_executed');
    return row ? numberOf(row['value']) : null;
  } catch {
    return null;
  }
}

/** `count` of system_views.coordinator_{write,read}_latency per table of the keyspace. */
async function perTableCounts(probe: Client, kind: 'write' | 'read', keyspace: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  try {
    const { rows } = await probe.execute(`SELECT * FROM system_views.coordinator_${kind}_latency`);
    for (const row of rows) {
      if (row['keyspace_name'] !== keyspace) continue;
      out[row['table_name'] as string] = numberOf(row['count']);
    }
  } catch {
    // no such table on this node: the per-table figures stay empty
  }
  return out;
}

/** bigint columns decode as driver Longs, double ones as numbers. */
function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value && typeof (value as types.Long).toNumber === 'function') return (value as types.Long).toNumber();
  return Number(value ?? 0);
}
