// Partition sizes of the ledger keyspace after a flash sale on Cassandra (`npm run bench -- --profile
// flash-sale --ledger cassandra`). nodetool is not available (no JMX), so every figure comes from CQL
// on the bench's probe connection, after the engine has stopped (nothing writes while it is read):
//
// - live rows: a paged full scan of each table (SELECT *), grouped by partition key;
// - bytes: estimated from those rows: the bytes of every value read (text as UTF-8, bigint 8, int 4)
//   plus ROW_OVERHEAD per row and CELL_OVERHEAD per non-null regular cell (the uncompressed SSTable
//   row and cell headers), the partition key once per partition; not what is on disk (compression,
//   index and bloom filter, unmerged SSTables and memtables all differ);
// - tombstones: a traced read (driver option traceQuery, then metadata.getTrace) of single
//   partitions; the node's trace says "Read N live rows and M tombstone cells" for each read, summed
//   over the read's pages. A full scan only returns live rows, so the partitions read this way are
//   enumerated from what the schema makes of them: the stock actor's entry buckets, each shard's
//   follow-up buckets over the engine's lifetime (bucket = id / 10,000,000, ids from the clock in µs),
//   each shard's outbox buckets up to its cursor (bucket = id / 100).
import type { Client, types } from 'cassandra-driver';

/** Uncompressed row header in the SSTable format (flags, size, timestamp delta), estimated. */
const ROW_OVERHEAD = 6;
/** Per regular cell (flags, value length), estimated; cells of one INSERT share the row timestamp. */
const CELL_OVERHEAD = 2;
/** Uncompressed partition header (key length, deletion time), estimated. */
const PARTITION_OVERHEAD = 12;
/** See deploy/cql/005_follow_up_buckets.cql and 001_ledger.cql. */
const FOLLOW_UP_BUCKET_IDS = 10_000_000;
const OUTBOX_BUCKET_SIZE = 100;
/** Outbox partitions traced per shard at most (the newest ones). */
const OUTBOX_TRACED_PER_SHARD = 60;
/** Buyer partitions named in the report, per side (winners, refused). */
const SAMPLE_BUYERS = 3;

/** One partition's size. */
export interface PartitionSize {
  key: string;
  rows: number;
  /** Estimated bytes (see the file comment). */
  bytes: number;
  /** From a traced read; absent where the partition was not traced. */
  tombstones?: number | null;
  /** Live rows the traced read reported (cross-check of `rows`). */
  tracedLiveRows?: number | null;
  /**
   * follow_ups_by_bucket only: tombstones of the slices a shard's open reads there (kind 'intent' and
   * 'owed' from the shard's follow_up_range.low_id on), by trace; null where the bucket lies wholly
   * below the low mark (not read at all).
   */
  openReadTombstones?: number | null;
}

/** Partitions of one table that belong together (the stock actor's, the winners', ...). */
export interface PartitionGroup {
  table: string;
  group: string;
  partitions: number;
  rows: number;
  rowsPerPartition: { min: number; median: number; max: number } | null;
  /** Partitions by their row count (rows -> partitions), for groups of many small partitions. */
  rowsHistogram: Record<string, number>;
  bytes: number;
  bytesPerPartition: { median: number; max: number } | null;
  /** Sum over the traced partitions; null when none was traced. */
  tombstones: number | null;
  tracedPartitions: number;
  /** Every partition for small groups, the named sample for buyers. */
  detail: PartitionSize[];
  how: string;
}

export interface PartitionReport {
  keyspace: string;
  stockActor: string;
  shards: number[];
  groups: PartitionGroup[];
  /** Largest single cell seen per table (bytes of its value), e.g. the stock actor's snapshot. */
  largestCell: Record<string, { key: string; column: string; bytes: number }>;
  secondsToMeasure: number;
  method: string;
}

export interface PartitionOptions {
  tenant: string;
  /** member_id of the reward's stock actor. */
  stockActor: string;
  /** Contenders are members `<prefix><n>`. */
  buyerPrefix: string;
  /** Shards the engine ran (0..n-1); shards found in the cursor tables are added. */
  shards: number;
  /** Wall clock (ms) before the engine started and after it stopped: the follow-up buckets it can have written. */
  engineFromMs: number;
  engineToMs: number;
}

const MEMBER_TABLES: { table: string; cql: string; key: string[] }[] = [
  { table: 'entries', cql: '"entries"', key: ['tenant_id', 'member_id', 'bucket'] },
  { table: 'idempotency_keys', cql: 'idempotency_keys', key: ['tenant_id', 'member_id'] },
  { table: 'orders', cql: 'orders', key: ['tenant_id', 'member_id'] },
  { table: 'snapshots', cql: 'snapshots', key: ['tenant_id', 'member_id'] },
];
const SHARD_TABLES: { table: string; key: string[] }[] = [
  { table: 'follow_ups_by_bucket', key: ['shard', 'bucket'] },
  { table: 'outbox', key: ['shard', 'bucket'] },
  { table: 'due_members', key: ['shard', 'day'] },
];

interface ScannedPartition {
  keyValues: unknown[];
  key: string;
  rows: number;
  bytes: number;
  /** entries only: the member paid points (a negative entry): a winner. */
  paid: boolean;
}

function valueBytes(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (typeof v === 'number') return 4; // int columns (shard); bigint decodes as Long
  if (typeof (v as types.Long).toNumber === 'function') return 8;
  if (Buffer.isBuffer(v)) return v.length;
  return Buffer.byteLength(String(v), 'utf8');
}

const num = (v: unknown): number =>
  typeof v === 'number' ? v : v && typeof (v as types.Long).toNumber === 'function' ? (v as types.Long).toNumber() : Number(v);

/** A paged full scan of one table: per partition its live rows and estimated bytes. */
async function scanTable(
  client: Client,
  keyspace: string,
  cqlName: string,
  keyColumns: string[],
  largestCell: PartitionReport['largestCell'],
  table: string,
): Promise<Map<string, ScannedPartition>> {
  const out = new Map<string, ScannedPartition>();
  let pageState: string | undefined;
  do {
    const rs = await client.execute(`SELECT * FROM ${keyspace}.${cqlName}`, [], { fetchSize: 5000, pageState, readTimeout: 120_000 });
    for (const row of rs.rows) {
      const keyValues = keyColumns.map((c) => row[c]);
      const key = keyValues.map(String).join('/');
      let p = out.get(key);
      if (!p) {
        p = { keyValues, key, rows: 0, bytes: PARTITION_OVERHEAD + keyValues.reduce<number>((s, v) => s + valueBytes(v), 0), paid: false };
        out.set(key, p);
      }
      p.rows++;
      let bytes = ROW_OVERHEAD;
      for (const column of rs.columns) {
        if (keyColumns.includes(column.name)) continue;
        const v = row[column.name];
        if (v === null || v === undefined) continue;
        const b = valueBytes(v);
        bytes += b + CELL_OVERHEAD;
        const top = largestCell[table];
        if (!top || b > top.bytes) largestCell[table] = { key, column: column.name, bytes: b };
      }
      p.bytes += bytes;
      if (table === 'entries' && num(row.points) < 0) p.paid = true;
    }
    pageState = rs.pageState ?? undefined;
  } while (pageState);
  return out;
}

/** Live rows and tombstones of one partition as the node's trace reports them (all pages summed). */
async function tracedRead(client: Client, cql: string, params: unknown[]): Promise<{ liveRows: number | null; tombstones: number | null }> {
  let live = 0;
  let tombstones = 0;
  let seen = false;
  let pageState: string | undefined;
  try {
    do {
      const rs = await client.execute(cql, params, { prepare: true, traceQuery: true, fetchSize: 10_000, pageState, readTimeout: 120_000 });
      pageState = rs.pageState ?? undefined;
      const traceId = rs.info.traceId;
      if (!traceId) continue;
      const trace = await client.metadata.getTrace(traceId);
      for (const e of trace.events) {
        const m = /Read (\d+) live rows and (\d+) tombstone cells/.exec(String(e.activity));
        if (!m) continue;
        seen = true;
        live += Number(m[1]);
        tombstones += Number(m[2]);
      }
    } while (pageState);
  } catch {
    return { liveRows: null, tombstones: null };
  }
  return seen ? { liveRows: live, tombstones } : { liveRows: null, tombstones: null };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : 0;
}

function group(table: string, name: string, parts: PartitionSize[], how: string, detail: PartitionSize[] = parts): PartitionGroup {
  const rows = parts.map((p) => p.rows);
  const bytes = parts.map((p) => p.bytes);
  const traced = parts.filter((p) => p.tombstones !== undefined && p.tombstones !== null);
  const histogram: Record<string, number> = {};
  for (const r of rows) histogram[r] = (histogram[r] ?? 0) + 1;
  return {
    table,
    group: name,
    partitions: parts.length,
    rows: rows.reduce((a, b) => a + b, 0),
    rowsPerPartition: rows.length ? { min: Math.min(...rows), median: median(rows), max: Math.max(...rows) } : null,
    rowsHistogram: Object.keys(histogram).length <= 12 ? histogram : {},
    bytes: bytes.reduce((a, b) => a + b, 0),
    bytesPerPartition: bytes.length ? { median: median(bytes), max: Math.max(...bytes) } : null,
    tombstones: traced.length ? traced.reduce((a, p) => a + (p.tombstones ?? 0), 0) : null,
    tracedPartitions: traced.length,
    detail,
    how,
  };
}

const SCANNED = 'rows: paged full scan (SELECT *); bytes: values read + row/cell headers (estimate)';

/**
 * Measures the keyspace: every table the sale writes, the stock actor's partitions one by one, the
 * buyers' as distributions (winners = buyers with a negative entry) with a few named, the shard tables
 * per partition with tombstones from traced reads.
 */
export async function measurePartitions(client: Client, keyspace: string, o: PartitionOptions): Promise<PartitionReport> {
  const t0 = performance.now();
  const largestCell: PartitionReport['largestCell'] = {};
  const groups: PartitionGroup[] = [];

  // ---- member tables -------------------------------------------------------------------------
  const scanned: Record<string, Map<string, ScannedPartition>> = {};
  for (const t of MEMBER_TABLES) scanned[t.table] = await scanTable(client, keyspace, t.cql, t.key, largestCell, t.table);
  const memberOf = (p: ScannedPartition) => String(p.keyValues[1]);
  const winners = new Set<string>();
  for (const p of scanned.entries.values()) if (p.paid && memberOf(p).startsWith(o.buyerPrefix)) winners.add(memberOf(p));
  const buyerIds = [...new Set([...scanned.entries.values()].map(memberOf).filter((m) => m.startsWith(o.buyerPrefix)))];
  const byNumber = (a: string, b: string) => Number(a.slice(o.buyerPrefix.length)) - Number(b.slice(o.buyerPrefix.length));
  const sampleWinners = buyerIds
    .filter((m) => winners.has(m))
    .sort(byNumber)
    .slice(0, SAMPLE_BUYERS);
  const sampleRefused = buyerIds
    .filter((m) => !winners.has(m))
    .sort(byNumber)
    .slice(0, SAMPLE_BUYERS);
  const sample = new Set([...sampleWinners, ...sampleRefused]);

  for (const t of MEMBER_TABLES) {
    const parts = [...scanned[t.table].values()].filter((p) => p.keyValues[0] === o.tenant);
    const sized = async (p: ScannedPartition, trace: boolean): Promise<PartitionSize> => {
      const size: PartitionSize = { key: p.key, rows: p.rows, bytes: p.bytes };
      if (trace) {
        const where = t.key.map((c) => `${c} = ?`).join(' AND ');
        const r = await tracedRead(client, `SELECT * FROM ${keyspace}.${t.cql} WHERE ${where}`, p.keyValues);
        size.tombstones = r.tombstones;
        size.tracedLiveRows = r.liveRows;
      }
      return size;
    };
    const stock = await Promise.all(parts.filter((p) => memberOf(p) === o.stockActor).map((p) => sized(p, t.table !== 'snapshots')));
    stock.sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }));
    const how = `${SCANNED}; tombstones and live rows also from a traced read of each partition`;
    groups.push(group(t.table, `stock actor ${o.stockActor}`, stock, t.table === 'snapshots' ? SCANNED : how));
    for (const [name, pick] of [
      ['winners', (m: string) => winners.has(m)],
      ['refused', (m: string) => !winners.has(m)],
    ] as const) {
      const mine = parts.filter((p) => memberOf(p).startsWith(o.buyerPrefix) && pick(memberOf(p)));
      const all = await Promise.all(mine.map((p) => sized(p, sample.has(memberOf(p)) && t.table !== 'snapshots')));
      const detail = all.filter((s) => sample.has(s.key.split('/')[1]));
      groups.push(group(t.table, `buyers: ${name}`, all, `${SCANNED}; the named ones also traced`, detail));
    }
    const rest = parts.filter((p) => memberOf(p) !== o.stockActor && !memberOf(p).startsWith(o.buyerPrefix));
    if (rest.length)
      groups.push(
        group(
          t.table,
          'other members',
          rest.map((p) => ({ key: p.key, rows: p.rows, bytes: p.bytes })),
          SCANNED,
        ),
      );
  }

  // ---- shard tables --------------------------------------------------------------------------
  const shardSet = new Set<number>(Array.from({ length: o.shards }, (_, i) => i));
  const cursors = new Map<number, number>();
  for (const row of (await client.execute(`SELECT shard, published_id, committed_id FROM ${keyspace}.outbox_cursor`)).rows) {
    shardSet.add(num(row.shard));
    cursors.set(num(row.shard), Math.max(num(row.published_id ?? 0), num(row.committed_id ?? 0)));
  }
  const followUpHigh = new Map<number, number>();
  const followUpLow = new Map<number, number>();
  for (const row of (await client.execute(`SELECT shard, low_id, high_bucket FROM ${keyspace}.follow_up_range`)).rows) {
    shardSet.add(num(row.shard));
    followUpHigh.set(num(row.shard), num(row.high_bucket ?? 0));
    followUpLow.set(num(row.shard), num(row.low_id ?? 0));
  }
  const shards = [...shardSet].sort((a, b) => a - b);
  const shardScans: Record<string, Map<string, ScannedPartition>> = {};
  for (const t of SHARD_TABLES) shardScans[t.table] = await scanTable(client, keyspace, t.table, t.key, largestCell, t.table);

  // follow_ups_by_bucket: every bucket the engine's clock-based ids can have reached, per shard.
  const fromBucket = Math.floor((o.engineFromMs * 1000) / FOLLOW_UP_BUCKET_IDS) - 1;
  const follow: PartitionSize[] = [];
  for (const shard of shards) {
    const toBucket = Math.max(Math.floor((o.engineToMs * 1000) / FOLLOW_UP_BUCKET_IDS), followUpHigh.get(shard) ?? 0);
    for (let bucket = fromBucket; bucket <= toBucket; bucket++) {
      const key = `${shard}/${bucket}`;
      const live = shardScans.follow_ups_by_bucket.get(key);
      const r = await tracedRead(client, `SELECT * FROM ${keyspace}.follow_ups_by_bucket WHERE shard = ? AND bucket = ?`, [shard, bucket]);
      if (!live && !r.tombstones && !r.liveRows) continue; // never written
      // What the shard's next open reads here: the intents and owed rows from its low mark on.
      const low = followUpLow.get(shard) ?? 0;
      let openRead: number | null = null;
      if (bucket >= Math.floor(low / FOLLOW_UP_BUCKET_IDS)) {
        openRead = 0;
        for (const kind of ['intent', 'owed']) {
          const slice = await tracedRead(
            client,
            `SELECT * FROM ${keyspace}.follow_ups_by_bucket WHERE shard = ? AND bucket = ? AND kind = ? AND id >= ?`,
            [shard, bucket, kind, low],
          );
          openRead = slice.tombstones === null || openRead === null ? null : openRead + slice.tombstones;
        }
      }
      follow.push({
        key,
        rows: live?.rows ?? 0,
        bytes: live?.bytes ?? 0,
        tombstones: r.tombstones,
        tracedLiveRows: r.liveRows,
        openReadTombstones: openRead,
      });
    }
  }
  groups.push(
    group(
      'follow_ups_by_bucket',
      'per (shard, bucket)',
      follow,
      `live rows: full scan; tombstones: traced read of every (shard, bucket) from the engine's start to its stop (${shards.length} shards), the partitions never written left out; "open reads": traced slices kind = 'intent' / 'owed' AND id >= follow_up_range.low_id (${[...followUpLow].map(([sh, low]) => `shard ${sh} low_id ${low}`).join(', ') || 'no range row'})`,
    ),
  );

  // outbox: live rows from the scan; deleted partitions traced, the newest per shard.
  const outbox: PartitionSize[] = [];
  let outboxPartitionsEver = 0;
  for (const shard of shards) {
    const last = Math.floor((cursors.get(shard) ?? 0) / OUTBOX_BUCKET_SIZE);
    outboxPartitionsEver += last + 1;
    for (let bucket = Math.max(0, last - OUTBOX_TRACED_PER_SHARD + 1); bucket <= last; bucket++) {
      const key = `${shard}/${bucket}`;
      const live = shardScans.outbox.get(key);
      const r = await tracedRead(client, `SELECT * FROM ${keyspace}.outbox WHERE shard = ? AND bucket = ?`, [shard, bucket]);
      outbox.push({ key, rows: live?.rows ?? 0, bytes: live?.bytes ?? 0, tombstones: r.tombstones, tracedLiveRows: r.liveRows });
    }
  }
  for (const p of shardScans.outbox.values())
    if (!outbox.some((x) => x.key === p.key)) outbox.push({ key: p.key, rows: p.rows, bytes: p.bytes });
  const outboxGroup = group(
    'outbox',
    `per (shard, bucket): ${outboxPartitionsEver} written (ids up to the cursors / 100)`,
    outbox,
    `live rows: full scan; tombstones: traced read of the newest ${OUTBOX_TRACED_PER_SHARD} buckets per shard`,
    outbox.filter((p) => p.rows > 0 || (p.tombstones ?? 0) > 0).slice(0, 10),
  );
  groups.push(outboxGroup);

  const due = [...shardScans.due_members.values()];
  const dueSized: PartitionSize[] = [];
  for (const p of due) {
    const r = await tracedRead(client, `SELECT * FROM ${keyspace}.due_members WHERE shard = ? AND day = ?`, p.keyValues);
    dueSized.push({ key: p.key, rows: p.rows, bytes: p.bytes, tombstones: r.tombstones, tracedLiveRows: r.liveRows });
  }
  groups.push(group('due_members', 'per (shard, day)', dueSized, `${SCANNED}; tombstones from a traced read of each partition found`));

  return {
    keyspace,
    stockActor: o.stockActor,
    shards,
    groups,
    largestCell,
    secondsToMeasure: Math.round((performance.now() - t0) / 100) / 10,
    method: `after the engine stopped; ${SCANNED} (ROW_OVERHEAD ${ROW_OVERHEAD} B, CELL_OVERHEAD ${CELL_OVERHEAD} B, PARTITION_OVERHEAD ${PARTITION_OVERHEAD} B, uncompressed); tombstones from traced reads ("Read N live rows and M tombstone cells")`,
  };
}

const n = (x: number) => x.toLocaleString('en-US');
function size(b: number): string {
  if (b < 10_000) return `${n(b)} B`;
  if (b < 10_000_000) return `${n(Math.round(b / 1000))} kB`;
  return `${(b / 1e6).toFixed(1)} MB`;
}

/** A markdown table: one line per group, then the stock actor's and the named buyers' partitions. */
export function formatPartitions(r: PartitionReport): string {
  const lines = [
    `partition sizes after the sale (keyspace ${r.keyspace}, shards ${r.shards.join(', ')}; measured in ${r.secondsToMeasure} s)`,
    '',
    '| table | partitions of | partitions | rows | rows / partition (min / median / max) | tombstones (traced partitions) | est. size / partition (median / max) | est. total |',
    '|---|---|---:|---:|---|---|---|---:|',
  ];
  for (const g of r.groups) {
    const rpp = g.rowsPerPartition ? `${n(g.rowsPerPartition.min)} / ${n(g.rowsPerPartition.median)} / ${n(g.rowsPerPartition.max)}` : '–';
    const tomb = g.tombstones === null ? '–' : `${n(g.tombstones)} (${g.tracedPartitions})`;
    const bpp = g.bytesPerPartition ? `${size(g.bytesPerPartition.median)} / ${size(g.bytesPerPartition.max)}` : '–';
    lines.push(`| ${g.table} | ${g.group} | ${n(g.partitions)} | ${n(g.rows)} | ${rpp} | ${tomb} | ${bpp} | ${size(g.bytes)} |`);
  }
  lines.push('', 'partitions one by one (key: rows, est. size, tombstones / live rows by trace):');
  for (const g of r.groups) {
    if (!g.detail.length) continue;
    const shown = g.detail.slice(0, 24);
    const items = shown.map(
      (p) =>
        `${p.key}: ${n(p.rows)} rows, ${size(p.bytes)}${p.tombstones !== undefined ? `, ${p.tombstones === null ? '?' : n(p.tombstones)} tombstones / ${p.tracedLiveRows === null || p.tracedLiveRows === undefined ? '?' : n(p.tracedLiveRows)} live` : ''}${p.openReadTombstones !== undefined ? `, a shard open reads ${p.openReadTombstones === null ? 'none of it (below low_id)' : `${n(p.openReadTombstones)} tombstones`}` : ''}`,
    );
    lines.push(
      `  ${g.table} (${g.group}): ${items.join('; ')}${g.detail.length > shown.length ? `; … ${g.detail.length - shown.length} more` : ''}`,
    );
  }
  const cells = Object.entries(r.largestCell).map(([t, c]) => `${t} ${c.column} ${size(c.bytes)} (${c.key})`);
  if (cells.length) lines.push(`  largest cell per table: ${cells.join('; ')}`);
  lines.push(`  how: ${r.method}`);
  return lines.join('\n');
}
