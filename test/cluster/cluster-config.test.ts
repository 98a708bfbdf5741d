// JIFEN_CLUSTER_* settings: off unless asked for, so a plain start is a single node as before.

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

/** Cluster mode runs on the shared Cassandra ledger. */
const ON_CASSANDRA = { JIFEN_LEDGER: 'cassandra', CASSANDRA_CONTACT_POINTS: '10.0.2.1', CASSANDRA_LOCAL_DC: 'dc1' };

describe('cluster configuration', () => {
  it('is off by default, whatever else is set', () => {
    expect(loadConfig({}).cluster).toEqual({ kind: 'off' });
    expect(loadConfig({ JIFEN_CLUSTER_NODE_ID: 'n1' }).cluster).toEqual({ kind: 'off' });
  });

  it('takes its defaults from the gRPC address and the host name', () => {
    const config = loadConfig({ ...ON_CASSANDRA, JIFEN_CLUSTER: 'etcd', JIFEN_GRPC_ADDR: '127.0.0.1:6000' });
    const cluster = config.cluster;
    expect(cluster).toMatchObject({
      kind: 'etcd',
      advertiseAddr: '127.0.0.1:6000',
      etcdEndpoints: ['http://127.0.0.1:2379'],
      prefix: '/jifen/cluster/',
      leaseTtlS: 5,
      movesPerRound: 64,
      unownedWaitMs: 2_000,
      secret: undefined,
    });
    expect(cluster.kind === 'etcd' && cluster.nodeId.length).toBeGreaterThan(0);
    expect(cluster.kind === 'etcd' && cluster.threads).toBeGreaterThan(0);
    expect(config.shards, 'one ledger shard per ownership group').toBe(256);
  });

  it('reads every setting', () => {
    const cluster = loadConfig({
      ...ON_CASSANDRA,
      JIFEN_CLUSTER: 'etcd',
      JIFEN_CLUSTER_NODE_ID: 'engine-2',
      JIFEN_CLUSTER_ADVERTISE_ADDR: '10.0.0.2:50051',
      JIFEN_CLUSTER_ETCD_ENDPOINTS: 'http://10.0.1.1:2379,https://10.0.1.2:2379',
      JIFEN_CLUSTER_PREFIX: '/prod/jifen/',
      JIFEN_CLUSTER_LEASE_TTL_S: '5',
      JIFEN_CLUSTER_MOVES_PER_ROUND: '16',
      JIFEN_CLUSTER_THREADS: '3',
      JIFEN_CLUSTER_UNOWNED_WAIT_MS: '500',
      JIFEN_CLUSTER_SECRET: 'a-long-enough-secret',
    }).cluster;
    expect(cluster).toEqual({
      kind: 'etcd',
      nodeId: 'engine-2',
      advertiseAddr: '10.0.0.2:50051',
      etcdEndpoints: ['http://10.0.1.1:2379', 'https://10.0.1.2:2379'],
      prefix: '/prod/jifen/',
      leaseTtlS: 5,
      movesPerRound: 16,
      threads: 3,
      unownedWaitMs: 500,
      secret: 'a-long-enough-secret',
    });
  });

  it.each([
    { env: { JIFEN_CLUSTER: 'zookeeper' }, names: 'JIFEN_CLUSTER' },
    { env: { JIFEN_CLUSTER_NODE_ID: 'a/b' }, names: 'JIFEN_CLUSTER_NODE_ID' },
    { env: { JIFEN_CLUSTER_ETCD_ENDPOINTS: '10.0.0.1:2379' }, names: 'JIFEN_CLUSTER_ETCD_ENDPOINTS' },
    { env: { JIFEN_CLUSTER_PREFIX: 'jifen' }, names: 'JIFEN_CLUSTER_PREFIX' },
    { env: { JIFEN_CLUSTER_LEASE_TTL_S: '1' }, names: 'JIFEN_CLUSTER_LEASE_TTL_S' },
    { env: { JIFEN_CLUSTER_MOVES_PER_ROUND: '0' }, names: 'JIFEN_CLUSTER_MOVES_PER_ROUND' },
    { env: { JIFEN_CLUSTER_THREADS: '0' }, names: 'JIFEN_CLUSTER_THREADS' },
    { env: { JIFEN_CLUSTER_UNOWNED_WAIT_MS: '-1' }, names: 'JIFEN_CLUSTER_UNOWNED_WAIT_MS' },
    { env: { JIFEN_CLUSTER_SECRET: 'short' }, names: 'JIFEN_CLUSTER_SECRET' },
    { env: { JIFEN_CLUSTER: 'etcd' }, names: 'JIFEN_LEDGER=cassandra' },
    { env: { ...ON_CASSANDRA, JIFEN_CLUSTER: 'etcd', JIFEN_SHARDS: '8' }, names: 'unset JIFEN_SHARDS' },
    { env: { ...ON_CASSANDRA, JIFEN_CLUSTER: 'etcd', JIFEN_AUTH: 'on' }, names: 'JIFEN_CLUSTER_SECRET' },
  ])('refuses a bad $names', ({ env, names }) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(names);
  });
});
