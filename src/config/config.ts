// The one typed, validated configuration object. Nothing else reads process.env.
// Every setting, its default and its meaning is listed in README.md ("Configuration").

import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';

const hostPort = z
  .string()
  .regex(/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port');

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

const schema = z.object({
  JIFEN_GRPC_ADDR: hostPort.default('127.0.0.1:50051'),
  JIFEN_METRICS_ADDR: hostPort.default('127.0.0.1:9464'),
  JIFEN_DATA_DIR: z.string().min(1).default('./data'),
  JIFEN_SHARDS: positiveInt(4096).optional(),
  JIFEN_MAILBOX_CAPACITY: positiveInt(10_000_000).default(20_000),
  JIFEN_MAX_BATCH: positiveInt(100_000).default(4_096),
  JIFEN_PIPELINE_DEPTH: positiveInt(16).default(2),
  JIFEN_ACTORS_PER_SHARD: positiveInt(100_000_000).default(250_000),
  JIFEN_SNAPSHOT_EVERY: positiveInt(1_000_000).default(64),
  JIFEN_DURABILITY: z.enum(['fsync', 'os']).default('fsync'),
  JIFEN_MAX_FUTURE_SKEW_MS: z.coerce.number().int().min(0).default(300_000),
  JIFEN_MAX_LATENESS_MS: z.coerce.number().int().min(0).default(30 * 24 * 3600 * 1000),
  JIFEN_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
});

export interface Config {
  grpcAddr: string;
  metricsAddr: string;
  dataDir: string;
  /** Undefined: the count the data directory was created with, else one per CPU core. */
  shards: number | undefined;
  mailboxCapacity: number;
  maxBatch: number;
  pipelineDepth: number;
  actorsPerShard: number;
  snapshotEvery: number;
  durability: 'fsync' | 'os';
  maxFutureSkewMs: number;
  maxLatenessMs: number;
  shutdownGraceMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  return {
    grpcAddr: c.JIFEN_GRPC_ADDR,
    metricsAddr: c.JIFEN_METRICS_ADDR,
    dataDir: resolve(c.JIFEN_DATA_DIR),
    shards: c.JIFEN_SHARDS,
    mailboxCapacity: c.JIFEN_MAILBOX_CAPACITY,
    maxBatch: c.JIFEN_MAX_BATCH,
    pipelineDepth: c.JIFEN_PIPELINE_DEPTH,
    actorsPerShard: c.JIFEN_ACTORS_PER_SHARD,
    snapshotEvery: c.JIFEN_SNAPSHOT_EVERY,
    durability: c.JIFEN_DURABILITY,
    maxFutureSkewMs: c.JIFEN_MAX_FUTURE_SKEW_MS,
    maxLatenessMs: c.JIFEN_MAX_LATENESS_MS,
    shutdownGraceMs: c.JIFEN_SHUTDOWN_GRACE_MS,
  };
}

export function defaultShardCount(): number {
  return availableParallelism();
}
