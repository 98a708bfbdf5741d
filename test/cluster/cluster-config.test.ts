// JIFEN_CLUSTER_* settings: off unless asked for, so a plain start is a single node as before.

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('cluster configuration', () => {
  it('is off by default, whatever else is set', () => {
    expect(loadConfig({}).cluster).toEqual({ kind: 'off' });
    expect(loadConfig({ JIFEN_CLUSTER_NODE_ID: 'n1' }).cluster).toEqual({ kind: 'off' });
  });

  it('takes its defaults from the gRPC address and the host name', () => {
    const cluster = loadConfig({ JIFEN_CLUSTER: 'etcd', JIFEN_GRPC_ADDR: '127.0.0.1:6000' }).cluster;
    expect(cluster).toMatchObject({
      kind: 'etcd',
      advertiseAddr: '127.0.0.1:6000',
      etcdEndpoints: ['http://127.0.0.1:2379'],
      prefix: '/jifen/cluster/',
      leaseTtlS: 5,
      movesPerRound: 64,
    });
    expect(cluster.kind === 'etcd' && cluster.nodeId.length).toBeGreaterThan(0);
  });

  it('reads every setting', () => {
    const cluster = loadConfig({
      JIFEN_CLUSTER: 'etcd',
      JIFEN_CLUSTER_NODE_ID: 'engine-2',
      JIFEN_CLUSTER_ADVERTISE_ADDR: '10.0.0.2:50051',
      JIFEN_CLUSTER_ETCD_ENDPOINTS: 'http://10.0.1.1:2379,https://10.0.1.2:2379',
      JIFEN_CLUSTER_PREFIX: '/prod/jifen/',
      JIFEN_CLUSTER_LEASE_TTL_S: '5',
      JIFEN_CLUSTER_MOVES_PER_ROUND: '16',
    }).cluster;
    expect(cluster).toEqual({
      kind: 'etcd',
      nodeId: 'engine-2',
      advertiseAddr: '10.0.0.2:50051',
      etcdEndpoints: ['http://10.0.1.1:2379', 'https://10.0.1.2:2379'],
      prefix: '/prod/jifen/',
      leaseTtlS: 5,
      movesPerRound: 16,
    });
  });

  it.each([
    { env: { JIFEN_CLUSTER: 'zookeeper' }, names: 'JIFEN_CLUSTER' },
    { env: { JIFEN_CLUSTER_NODE_ID: 'a/b' }, names: 'JIFEN_CLUSTER_NODE_ID' },
    { env: { JIFEN_CLUSTER_ETCD_ENDPOINTS: '10.0.0.1:2379' }, names: 'JIFEN_CLUSTER_ETCD_ENDPOINTS' },
    { env: { JIFEN_CLUSTER_PREFIX: 'jifen' }, names: 'JIFEN_CLUSTER_PREFIX' },
    { env: { JIFEN_CLUSTER_LEASE_TTL_S: '1' }, names: 'JIFEN_CLUSTER_LEASE_TTL_S' },
    { env: { JIFEN_CLUSTER_MOVES_PER_ROUND: '0' }, names: 'JIFEN_CLUSTER_MOVES_PER_ROUND' },
  ])('refuses a bad $names', ({ env, names }) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(names);
  });
});
