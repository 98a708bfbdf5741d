// `npm run cluster:local -- [--nodes 3] [--lease-ttl 5]`: a whole cluster on this machine for
// rehearsals, as an SRE would run one: a private etcd, a Cassandra 5.0 node (from Maven Central,
// ../shared/CASSANDRA.md), Redis and NATS JetStream, each on a free loopback port, the keyspace made by
// the real migration, and N engine nodes with JIFEN_CLUSTER=etcd on them. It prints every address and
// the commands to look at the cluster, then runs until Ctrl-C (SIGINT) or SIGTERM, when it stops the
// engines cleanly (each hands its slots over) and then the servers, removing their data.
//
// Needs etcd (Debian etcd-server), redis-server, nats-server and Java 17 on PATH.

import { parseArgs } from 'node:util';
import { startClusterBackends } from '../test/support/cluster-harness.js';
import { type EngineProcess, cleanupEngines, startEngine } from '../test/support/engine-process.js';
import { startEtcdServer } from '../test/support/etcd-server.js';

const { values: flags } = parseArgs({
  options: { nodes: { type: 'string', default: '3' }, 'lease-ttl': { type: 'string', default: '5' } },
});
const nodes = Number(flags.nodes);
const ttl = Number(flags['lease-ttl']);
if (!Number.isInteger(nodes) || nodes < 1 || nodes > 16) throw new Error('--nodes must be 1 to 16');
if (!Number.isInteger(ttl) || ttl < 2 || ttl > 300) throw new Error('--lease-ttl must be 2 to 300 (seconds)');

const say = (line: string) => console.log(`cluster:local: ${line}`);
say('starting etcd, Cassandra (first run: fetched from Maven Central), Redis and NATS');
const etcd = await startEtcdServer();
const backends = await startClusterBackends('jifen_local');
const { cassandra, redis, nats, keyspace } = backends;

const engines: EngineProcess[] = [];
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  say(`${signal}: stopping the engines (each hands its slots over), then the servers`);
  for (const engine of engines) await engine.stop().catch(() => undefined);
  await cleanupEngines();
  await Promise.allSettled([etcd.stop(), backends.stop()]);
  say('stopped');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

const cluster = {
  JIFEN_CLUSTER: 'etcd',
  JIFEN_CLUSTER_ETCD_ENDPOINTS: etcd.endpoint,
  JIFEN_CLUSTER_LEASE_TTL_S: String(ttl),
};
for (let i = 1; i <= nodes; i++) {
  const engine = await startEngine({ env: { ...cluster, JIFEN_CLUSTER_NODE_ID: `node-${i}` }, startTimeoutMs: 180_000 });
  engines.push(engine);
  say(`node-${i}: gRPC ${engine.grpcAddr}, metrics ${engine.metricsUrl}, pid ${engine.pid}, data ${engine.dataDir}`);
}
say(`etcd ${etcd.endpoint}; Cassandra ${cassandra.contactPoint} keyspace ${keyspace}; Redis ${redis.url}; NATS ${nats.url}`);
say(`look at it:  JIFEN_CLUSTER_ETCD_ENDPOINTS=${etcd.endpoint} npm run cluster -- status`);
say(`call any node, e.g.  grpcurl -plaintext ${engines[0].grpcAddr} list`);
say('Ctrl-C stops everything');
