// Setup file of the `cassandra` vitest project: every engine an e2e file starts runs on the real
// Cassandra node of the run (a fresh keyspace per data dir, made by the real migration), with a
// private Redis for balances and a private NATS JetStream for events, so the same e2e files prove on
// the production backends what they prove on the embedded ones. Without a node the file's tests skip,
// loudly (the global setup said why); with CI=true the global setup has already failed the run.

import { Client } from 'cassandra-driver';
import { afterAll, beforeEach } from 'vitest';
import { createKeyspace } from './cassandra-keyspace.js';
import { cassandraTarget } from './cassandra-server.js';
import { setEngineBackend } from './engine-process.js';
import { type NatsServer, startNatsServer } from './nats-server.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

const target = cassandraTarget();
const keyspaces = new Map<string, Promise<string>>();

/** The keyspace the engines on this data dir use (made by the first startEngine on it). */
export function keyspaceOf(dataDir: string): Promise<string> {
  const keyspace = keyspaces.get(dataDir);
  if (!keyspace) throw new Error(`no engine was started on ${dataDir} in the cassandra project`);
  return keyspace;
}

if ('skipped' in target) {
  beforeEach((context) => context.skip(`Cassandra suites skipped: ${target.skipped}`));
} else {
  const { contactPoints, localDataCenter } = target;
  let servers: Promise<{ redis: RedisServer; nats: NatsServer }> | undefined;

  const startServers = async () => {
    const [redis, nats] = await Promise.all([startRedisServer(), startNatsServer()]);
    return { redis, nats };
  };

  setEngineBackend({
    async envFor(dataDir) {
      servers ??= startServers();
      let keyspace = keyspaces.get(dataDir);
      if (!keyspace) {
        keyspace = createKeyspace(target, 'jifen_e2e');
        keyspaces.set(dataDir, keyspace);
      }
      const [{ redis, nats }, name] = await Promise.all([servers, keyspace]);
      return {
        JIFEN_LEDGER: 'cassandra',
        CASSANDRA_CONTACT_POINTS: contactPoints.join(','),
        CASSANDRA_LOCAL_DC: localDataCenter,
        CASSANDRA_KEYSPACE: name,
        JIFEN_BALANCES: 'redis',
        REDIS_URL: redis.url,
        JIFEN_EVENTS: 'nats',
        NATS_URL: nats.url,
      };
    },
  });

  afterAll(async () => {
    setEngineBackend(undefined);
    const started = await servers;
    await Promise.all([started?.redis.stop(), started?.nats.destroy()]);
    const admin = new Client({ contactPoints, localDataCenter });
    try {
      for (const keyspace of keyspaces.values()) await admin.execute(`DROP KEYSPACE IF EXISTS ${await keyspace}`);
    } finally {
      await admin.shutdown();
    }
  }, 120_000);
}
