// The one typed, validated configuration object. Nothing else reads process.env.
// Every setting, its default and its meaning is listed in README.md ("Configuration").

import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port');

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

/** Per key and engine, calls (a SubmitBatch: its commands) per second and burst, by role (README "Security"). */
const DEFAULT_RATE_LIMITS = 'integration=50000:100000,operator=100:200,admin=50:100,auditor=500:1000';

const schema = z.object({
  JIFEN_GRPC_ADDR: hostPort.default('127.0.0.1:50051'),
  JIFEN_METRICS_ADDR: hostPort.default('127.0.0.1:9464'),
  JIFEN_DATA_DIR: z.string().min(1).default('./data'),
  JIFEN_SHARDS: positiveInt(4096).optional(),
  JIFEN_MAILBOX_CAPACITY: positiveInt(10_000_000).default(20_000),
  JIFEN_MAX_BATCH: positiveInt(100_000).default(4_096),
  JIFEN_PIPELINE_DEPTH: positiveInt(16).optional(),
  JIFEN_ACTORS_PER_SHARD: positiveInt(100_000_000).default(250_000),
  JIFEN_SHARD_HEAP_MB: z.coerce.number().int().min(64).max(1_048_576).optional(),
  JIFEN_SNAPSHOT_EVERY: positiveInt(1_000_000).default(64),
  JIFEN_SQLITE_CACHE_MB: positiveInt(65_536).default(64),
  JIFEN_SQLITE_FOLD_ROWS: z.coerce.number().int().min(0).max(1_000_000).default(16_384),
  JIFEN_DURABILITY: z.enum(['fsync', 'os']).default('fsync'),
  JIFEN_MAX_FUTURE_SKEW_MS: z.coerce.number().int().min(0).default(300_000),
  JIFEN_MAX_LATENESS_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(30 * 24 * 3600 * 1000),
  JIFEN_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  JIFEN_WATCH_MAX_BEHIND_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .max(1024 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  JIFEN_PROGRAMS_DIR: z.string().min(1).optional(),
  JIFEN_HOUSEKEEPING_INTERVAL_MS: z.coerce.number().int().min(10).max(86_400_000).default(60_000),
  JIFEN_CLOCK_OFFSET_MS: z.coerce.number().int().default(0),
  JIFEN_ACTIVATE_FROM_CACHE: z.enum(['auto', 'always', 'never']).default('auto'),
  JIFEN_RISK_REDIS_FAILURE: z.enum(['open', 'closed']).default('open'),
  JIFEN_AUTH: z.enum(['on', 'off']).optional(),
  JIFEN_AUTH_RELOAD_MS: z.coerce.number().int().min(100).max(300_000).default(2_000),
  JIFEN_TLS: z.enum(['on', 'off']).optional(),
  JIFEN_TLS_CERT: z.string().min(1).optional(),
  JIFEN_TLS_KEY: z.string().min(1).optional(),
  JIFEN_TLS_CLIENT_CA: z.string().min(1).optional(),
  JIFEN_TLS_CLIENT_CERT: z.enum(['optional', 'require']).default('optional'),
  JIFEN_TLS_RELOAD_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  JIFEN_RATE_LIMITS: z.string().min(1).default(DEFAULT_RATE_LIMITS),
  JIFEN_WATCH_STREAMS_PER_KEY: positiveInt(100_000).default(16),
  JIFEN_WATCH_MAX_STREAMS: positiveInt(1_000_000).default(1_024),
  JIFEN_LEDGER: z.enum(['embedded', 'cassandra']).default('embedded'),
  JIFEN_BALANCES: z.enum(['memory', 'redis']).default('memory'),
  JIFEN_EVENTS: z.enum(['memory', 'nats']).default('memory'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, 'must be host:port[,host:port...]')
    .optional(),
  NATS_URL: z
    .string()
    .regex(/^(nats|tls):\/\/[^\s]+$/, 'must be a nats:// URL')
    .optional(),
  JIFEN_NATS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('JIFEN'),
  JIFEN_NATS_ROUND_INTERVAL_MS: z.coerce.number().int().min(0).max(10_000).default(50),
  CASSANDRA_CONTACT_POINTS: z.string().min(1).optional(),
  CASSANDRA_LOCAL_DC: z.string().min(1).optional(),
  CASSANDRA_KEYSPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,47}$/, 'must be a lowercase CQL identifier')
    .default('jifen'),
  CASSANDRA_USERNAME: z.string().optional(),
  CASSANDRA_PASSWORD: z.string().optional(),
  JIFEN_CLUSTER: z.enum(['off', 'etcd']).default('off'),
  JIFEN_CLUSTER_NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 . _ -')
    .optional(),
  JIFEN_CLUSTER_ADVERTISE_ADDR: hostPort.optional(),
  JIFEN_CLUSTER_ETCD_ENDPOINTS: z
    .string()
    .regex(/^https?:\/\/[^\s,]+(,https?:\/\/[^\s,]+)*$/, 'must be http(s)://host:port[,…]')
    .default('http://127.0.0.1:2379'),
  JIFEN_CLUSTER_PREFIX: z
    .string()
    .regex(/^\/[^\s]*\/$/, 'must start and end with /')
    .default('/jifen/cluster/'),
  JIFEN_CLUSTER_LEASE_TTL_S: z.coerce.number().int().min(2).max(300).default(5),
  JIFEN_CLUSTER_MOVES_PER_ROUND: positiveInt(4096).default(64),
  JIFEN_CLUSTER_THREADS: positiveInt(256).optional(),
  JIFEN_CLUSTER_UNOWNED_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
  JIFEN_CLUSTER_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  JIFEN_SHARED_CONFIG_REFRESH_MS: z.coerce.number().int().min(100).max(300_000).default(2_000),
});

export interface Config {
  grpcAddr: string;
  metricsAddr: string;
  dataDir: string;
  /** Undefined: the count the data directory was created with, else one per CPU core. */
  shards: number | undefined;
  mailboxCapacity: number;
  maxBatch: number;
  /** Batches in flight per shard; undefined: 2 for embedded-only shards, 1 with Redis or NATS (see engine.ts). */
  pipelineDepth: number | undefined;
  actorsPerShard: number;
  /** Each shard thread's old-generation heap, MiB (JIFEN_SHARD_HEAP_MB); undefined: V8's default. */
  shardHeapMb: number | undefined;
  snapshotEvery: number;
  /** SQLite page cache of each embedded ledger shard, MiB (JIFEN_SQLITE_CACHE_MB). */
  sqliteCacheMb: number;
  /** Rows per commit of an embedded ledger shard's file, its redo journal holding them until then; 0: a commit per batch (JIFEN_SQLITE_FOLD_ROWS). */
  sqliteFoldRows: number;
  durability: 'fsync' | 'os';
  maxFutureSkewMs: number;
  maxLatenessMs: number;
  shutdownGraceMs: number;
  /** How far (estimated bytes of live events) a WatchEvents consumer may fall behind before its stream is ended. */
  watchMaxBehindBytes: number;
  /** Program documents (*.yaml, *.yml, *.json) installed at start; unset: only those already in the data directory. */
  programsDir: string | undefined;
  /** How often each shard looks for members with lapsed lots or tiers. */
  housekeepingIntervalMs: number;
  /** Added to the system clock everywhere the engine reads time: for tests and drills ("move the clock"), never production. */
  clockOffsetMs: number;
  /** Activation from the Redis copy: always, never, or auto (only with a remote ledger, i.e. Cassandra). */
  activateFromCache: 'auto' | 'always' | 'never';
  /** When the cross-member velocity windows cannot be reached: skip those limits (open) or refuse what needs them (closed). */
  riskRedisFailure: 'open' | 'closed';
  auth: AuthSettings;
  tls: TlsSettings;
  /** Token buckets per API key and role; a role absent has no limit. */
  rateLimits: RateLimits;
  /** WatchEvents streams one key may hold open on this engine, and all callers together. */
  watchStreams: { perKey: number; total: number };
  ledger: { kind: 'embedded' } | CassandraSettings;
  balances: { kind: 'memory' } | RedisSettings;
  events: { kind: 'memory' } | NatsSettings;
  /** Several engine nodes sharing the slots through etcd leases (src/cluster/); off: this engine owns them all. */
  cluster: { kind: 'off' } | ClusterSettings;
  /** How often programs and the reward catalog written by other nodes are taken up. */
  sharedConfigRefreshMs: number;
}

export interface AuthSettings {
  /** Whether every call but health and reflection needs an API key (README "Security"). */
  enabled: boolean;
  /** Off because JIFEN_AUTH was left unset on a loopback address, not set off on purpose. */
  offByDefault: boolean;
  /** How often each engine re-reads the keys from the store: a revocation takes effect within it. */
  reloadIntervalMs: number;
}

/** TLS of the gRPC port: off (plaintext) or certificate files re-read every reloadIntervalMs. */
export type TlsSettings =
  | { enabled: false; offByDefault: boolean }
  | {
      enabled: true;
      certFile: string;
      keyFile: string;
      /** CA of client certificates (mTLS); undefined: clients are not asked for one. */
      clientCaFile: string | undefined;
      /** Whether a connection without a client certificate of that CA is refused. */
      requireClientCert: boolean;
      reloadIntervalMs: number;
    };

export type RateLimits = Partial<Record<'integration' | 'operator' | 'admin' | 'auditor', { perSecond: number; burst: number }>>;

export interface RedisSettings {
  kind: 'redis';
  /** Standalone Redis; unset when clusterNodes is set. */
  url?: string;
  clusterNodes?: { host: string; port: number }[];
}

export interface NatsSettings {
  kind: 'nats';
  url: string;
  stream: string;
  /** Least time between two publish rounds of a shard's outbox; what commits meanwhile rides in the next. */
  roundIntervalMs: number;
}

export interface CassandraSettings {
  kind: 'cassandra';
  contactPoints: string[];
  localDataCenter: string;
  keyspace: string;
  username?: string;
  password?: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The environment checked against the schema; every problem named in one ConfigError. */
function parseEnv(env: NodeJS.ProcessEnv): Env {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const c = parseEnv(env);
  return checkCluster({
    grpcAddr: c.JIFEN_GRPC_ADDR,
    metricsAddr: c.JIFEN_METRICS_ADDR,
    dataDir: resolve(c.JIFEN_DATA_DIR),
    shards: c.JIFEN_SHARDS,
    mailboxCapacity: c.JIFEN_MAILBOX_CAPACITY,
    maxBatch: c.JIFEN_MAX_BATCH,
    pipelineDepth: c.JIFEN_PIPELINE_DEPTH,
    actorsPerShard: c.JIFEN_ACTORS_PER_SHARD,
    shardHeapMb: c.JIFEN_SHARD_HEAP_MB,
    snapshotEvery: c.JIFEN_SNAPSHOT_EVERY,
    sqliteCacheMb: c.JIFEN_SQLITE_CACHE_MB,
    sqliteFoldRows: c.JIFEN_SQLITE_FOLD_ROWS,
    durability: c.JIFEN_DURABILITY,
    maxFutureSkewMs: c.JIFEN_MAX_FUTURE_SKEW_MS,
    maxLatenessMs: c.JIFEN_MAX_LATENESS_MS,
    shutdownGraceMs: c.JIFEN_SHUTDOWN_GRACE_MS,
    watchMaxBehindBytes: c.JIFEN_WATCH_MAX_BEHIND_BYTES,
    programsDir: c.JIFEN_PROGRAMS_DIR === undefined ? undefined : resolve(c.JIFEN_PROGRAMS_DIR),
    housekeepingIntervalMs: c.JIFEN_HOUSEKEEPING_INTERVAL_MS,
    clockOffsetMs: c.JIFEN_CLOCK_OFFSET_MS,
    activateFromCache: c.JIFEN_ACTIVATE_FROM_CACHE,
    riskRedisFailure: c.JIFEN_RISK_REDIS_FAILURE,
    auth: authSettings(c),
    tls: tlsSettings(c),
    rateLimits: parseRateLimits(c.JIFEN_RATE_LIMITS),
    watchStreams: { perKey: c.JIFEN_WATCH_STREAMS_PER_KEY, total: c.JIFEN_WATCH_MAX_STREAMS },
    ledger: ledgerSettings(c),
    balances: balanceSettings(c),
    events: eventSettings(c),
    cluster: clusterSettings(c),
    sharedConfigRefreshMs: c.JIFEN_SHARED_CONFIG_REFRESH_MS,
  });
}

type Env = z.infer<typeof schema>;

/**
 * Authentication is off by default only on a loopback address (the quick start); on any other address
 * the operator must say which it is, so no engine is exposed unauthenticated by omission.
 */
function authSettings(c: Env): AuthSettings {
  const reloadIntervalMs = c.JIFEN_AUTH_RELOAD_MS;
  if (c.JIFEN_AUTH !== undefined) return { enabled: c.JIFEN_AUTH === 'on', offByDefault: false, reloadIntervalMs };
  if (isLoopback(c.JIFEN_GRPC_ADDR)) return { enabled: false, offByDefault: true, reloadIntervalMs };
  throw new ConfigError(
    `JIFEN_GRPC_ADDR ${c.JIFEN_GRPC_ADDR} is not a loopback address and JIFEN_AUTH is not set: set JIFEN_AUTH=on ` +
      '(callers then need API keys: npm run keys -- create) or JIFEN_AUTH=off to serve every caller unauthenticated on purpose',
  );
}

/**
 * TLS is on when a certificate and key are given. Without them the port is plaintext only on a loopback
 * address, or where JIFEN_TLS=off says it on purpose (TLS ends at a proxy or mesh in front).
 */
function tlsSettings(c: Env): TlsSettings {
  const files = [c.JIFEN_TLS_CERT, c.JIFEN_TLS_KEY].filter((f) => f !== undefined).length;
  if (files === 1) throw new ConfigError('JIFEN_TLS_CERT and JIFEN_TLS_KEY go together: set both (PEM files) or neither');
  if (c.JIFEN_TLS_CLIENT_CA !== undefined && files === 0)
    throw new ConfigError('JIFEN_TLS_CLIENT_CA (mTLS) needs the server certificate too: set JIFEN_TLS_CERT and JIFEN_TLS_KEY');
  if (files === 2) {
    if (c.JIFEN_TLS === 'off') throw new ConfigError('JIFEN_TLS=off contradicts JIFEN_TLS_CERT/JIFEN_TLS_KEY: unset one or the other');
    return {
      enabled: true,
      certFile: resolve(c.JIFEN_TLS_CERT as string),
      keyFile: resolve(c.JIFEN_TLS_KEY as string),
      clientCaFile: c.JIFEN_TLS_CLIENT_CA === undefined ? undefined : resolve(c.JIFEN_TLS_CLIENT_CA),
      requireClientCert: c.JIFEN_TLS_CLIENT_CA !== undefined && c.JIFEN_TLS_CLIENT_CERT === 'require',
      reloadIntervalMs: c.JIFEN_TLS_RELOAD_MS,
    };
  }
  if (c.JIFEN_TLS === 'on') throw new ConfigError('JIFEN_TLS=on needs JIFEN_TLS_CERT and JIFEN_TLS_KEY (PEM files)');
  if (c.JIFEN_TLS === 'off') return { enabled: false, offByDefault: false };
  if (isLoopback(c.JIFEN_GRPC_ADDR)) return { enabled: false, offByDefault: true };
  throw new ConfigError(
    `JIFEN_GRPC_ADDR ${c.JIFEN_GRPC_ADDR} is not a loopback address and TLS is not configured: set JIFEN_TLS_CERT and ` +
      'JIFEN_TLS_KEY (PEM files), or JIFEN_TLS=off to serve plaintext on purpose (TLS ended by a proxy in front)',
  );
}

/** `integration=50000:100000,operator=100` → per-role rate per second and burst (burst defaults to the rate); `off`: none. */
export function parseRateLimits(text: string): RateLimits {
  if (text.trim() === 'off') return {};
  const limits: RateLimits = {};
  for (const part of text.split(',')) {
    const m = /^\s*(integration|operator|admin|auditor)=(\d{1,9})(?::(\d{1,9}))?\s*$/.exec(part);
    if (!m)
      throw new ConfigError(
        `JIFEN_RATE_LIMITS: "${part}" is not role=perSecond[:burst] (roles integration, operator, admin, auditor), or set it to off`,
      );
    const role = m[1] as keyof RateLimits;
    if (limits[role]) throw new ConfigError(`JIFEN_RATE_LIMITS: role ${role} is given twice`);
    const perSecond = Number(m[2]);
    const burst = m[3] === undefined ? perSecond : Number(m[3]);
    if (perSecond < 1 || burst < 1) throw new ConfigError(`JIFEN_RATE_LIMITS: ${role}'s rate and burst must be >= 1`);
    limits[role] = { perSecond, burst };
  }
  return limits;
}

/** Whether host:port listens only on this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopback(hostPort: string): boolean {
  const host = hostPort.slice(0, hostPort.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function ledgerSettings(c: Env): Config['ledger'] {
  if (c.JIFEN_LEDGER === 'embedded') return { kind: 'embedded' };
  if (!c.CASSANDRA_CONTACT_POINTS) throw new ConfigError('JIFEN_LEDGER=cassandra needs CASSANDRA_CONTACT_POINTS (host[,host...])');
  if (!c.CASSANDRA_LOCAL_DC) throw new ConfigError('JIFEN_LEDGER=cassandra needs CASSANDRA_LOCAL_DC (the local data centre name)');
  return {
    kind: 'cassandra',
    contactPoints: c.CASSANDRA_CONTACT_POINTS.split(',').map((h) => h.trim()),
    localDataCenter: c.CASSANDRA_LOCAL_DC,
    keyspace: c.CASSANDRA_KEYSPACE,
    username: c.CASSANDRA_USERNAME,
    password: c.CASSANDRA_PASSWORD,
  };
}

function balanceSettings(c: Env): Config['balances'] {
  if (c.JIFEN_BALANCES === 'memory') return { kind: 'memory' };
  if (c.REDIS_CLUSTER_NODES) {
    const clusterNodes = c.REDIS_CLUSTER_NODES.split(',').map((hp) => {
      const i = hp.lastIndexOf(':');
      return { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) };
    });
    return { kind: 'redis', clusterNodes };
  }
  if (!c.REDIS_URL) throw new ConfigError('JIFEN_BALANCES=redis needs REDIS_URL (or REDIS_CLUSTER_NODES for Redis Cluster)');
  return { kind: 'redis', url: c.REDIS_URL };
}

function eventSettings(c: Env): Config['events'] {
  if (c.JIFEN_EVENTS === 'memory') return { kind: 'memory' };
  if (!c.NATS_URL) throw new ConfigError('JIFEN_EVENTS=nats needs NATS_URL (e.g. nats://127.0.0.1:4222)');
  return { kind: 'nats', url: c.NATS_URL, stream: c.JIFEN_NATS_STREAM, roundIntervalMs: c.JIFEN_NATS_ROUND_INTERVAL_MS };
}

export function defaultShardCount(): number {
  return availableParallelism();
}

export interface ClusterSettings {
  kind: 'etcd';
  nodeId: string;
  /** host:port peers and clients reach this node at. */
  advertiseAddr: string;
  etcdEndpoints: string[];
  /** Key prefix of this cluster in etcd (several clusters may share one etcd). */
  prefix: string;
  leaseTtlS: number;
  /** Slots one node hands over at once while the members change. */
  movesPerRound: number;
  /** Shard threads the node's ledger shards (ownership groups) are spread over. */
  threads: number;
  /** How long a call waits for its slot to get a serving owner before UNAVAILABLE. */
  unownedWaitMs: number;
  /** Peers' bearer token on node-to-node calls; required with authentication on. */
  secret: string | undefined;
}

function clusterSettings(c: Env): Config['cluster'] {
  if (c.JIFEN_CLUSTER === 'off') return { kind: 'off' };
  return {
    kind: 'etcd',
    nodeId: c.JIFEN_CLUSTER_NODE_ID ?? hostname(),
    advertiseAddr: c.JIFEN_CLUSTER_ADVERTISE_ADDR ?? c.JIFEN_GRPC_ADDR,
    etcdEndpoints: c.JIFEN_CLUSTER_ETCD_ENDPOINTS.split(','),
    prefix: c.JIFEN_CLUSTER_PREFIX,
    leaseTtlS: c.JIFEN_CLUSTER_LEASE_TTL_S,
    movesPerRound: c.JIFEN_CLUSTER_MOVES_PER_ROUND,
    threads: c.JIFEN_CLUSTER_THREADS ?? availableParallelism(),
    unownedWaitMs: c.JIFEN_CLUSTER_UNOWNED_WAIT_MS,
    secret: c.JIFEN_CLUSTER_SECRET,
  };
}

/**
 * The JIFEN_CLUSTER_* settings alone, as if JIFEN_CLUSTER=etcd: `npm run cluster` reads etcd whatever
 * else this environment would run (no ledger needed to look at the slot map).
 */
export function loadClusterSettings(env: NodeJS.ProcessEnv = process.env): ClusterSettings {
  return clusterSettings(parseEnv({ ...env, JIFEN_CLUSTER: 'etcd' })) as ClusterSettings;
}

/** Ledger shards of a cluster's ledger: one per ownership group of 16 slots (src/cluster/slots.ts). */
export const CLUSTER_LEDGER_SHARDS = 256;

/** What cluster mode needs of the rest of the configuration; the shard count it implies. */
function checkCluster(config: Config): Config {
  if (config.cluster.kind === 'off') return config;
  if (config.ledger.kind !== 'cassandra')
    throw new ConfigError(
      'JIFEN_CLUSTER=etcd needs the shared Cassandra ledger (JIFEN_LEDGER=cassandra): nodes cannot share an embedded ledger',
    );
  if (config.shards !== undefined && config.shards !== CLUSTER_LEDGER_SHARDS)
    throw new ConfigError(
      `JIFEN_CLUSTER=etcd lays the ledger out in ${CLUSTER_LEDGER_SHARDS} shards (one per ownership group): unset JIFEN_SHARDS`,
    );
  if (config.auth.enabled && config.cluster.secret === undefined)
    throw new ConfigError(
      'JIFEN_CLUSTER=etcd with JIFEN_AUTH=on needs JIFEN_CLUSTER_SECRET (the same on every node) for node-to-node calls',
    );
  return { ...config, shards: CLUSTER_LEDGER_SHARDS };
}
