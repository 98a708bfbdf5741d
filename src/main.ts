// Process entry: read config, wire the parts, start, and stop cleanly on SIGTERM/SIGINT
// (refuse new work, commit what is in flight, close the ledgers).

import { type ApiServer, startApiServer } from './api/server.js';
import { ConfigError, loadConfig } from './config/config.js';
import { AccountReader } from './front/account-reader.js';
import { EpochAuthority } from './cache/cache-epoch.js';
import { defaultProgram } from './shard/program-book.js';
import { ProgramRegistry } from './front/program-registry.js';
import { Engine } from './front/engine.js';
import { openBalanceCache } from './shard/shard-backends.js';
import { EventHub } from './events/event-hub.js';
import { subscribeInProcess } from './events/in-process-bus.js';
import { NatsEventFeed } from './events/nats-feed.js';
import { startMetricsServer } from './metrics/http.js';
import { EngineMetrics } from './metrics/registry.js';
import { recordPublished } from './metrics/points-flows.js';
import { ReviewQueueWatch } from './front/review-queue-watch.js';
import { RewardCatalog } from './front/reward-catalog.js';
import { resolveLayout } from './front/layout.js';
import type { Config } from './config/config.js';
import { CassandraSharedFiles } from './ledger/cassandra/shared-files.js';
import { DataDirFiles } from './ledger/embedded/data-dir-files.js';
import type { SharedFiles } from './ledger/shared-files.js';
import { KeyBook } from './auth/key-book.js';
import { KeyStore } from './auth/key-store.js';
import { AuditTrail } from './auth/audit-trail.js';
import { RateLimiter } from './auth/rate-limiter.js';
import { StreamQuota } from './auth/stream-quota.js';
import { ReloadingCertificates } from './api/tls-credentials.js';
import * as grpc from '@grpc/grpc-js';
import { peerCredentials } from './front/peer-credentials.js';
import { Counter, Gauge } from 'prom-client';
import { CLUSTER_LEDGER_SHARDS, type ClusterSettings } from './config/config.js';
import { connectEtcd } from './cluster/etcd-client.js';
import { SlotOwnership } from './cluster/slot-ownership.js';
import { SLOT_COUNT } from './cluster/slots.js';
import { ClusterFront } from './front/cluster-front.js';
import { PeerChannels } from './front/peer-channels.js';
import { SharedConfigFollower } from './front/shared-config-follower.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const metrics = new EngineMetrics();
  const epoch = new EpochAuthority();
  const hub = new EventHub();
  // Cluster mode: every node's events reach this node's WatchEvents through NATS; its own shards' copies
  // come in-process too, and whichever arrives second is dropped by batch id.
  const feed =
    config.cluster.kind === 'etcd' && config.events.kind === 'nats'
      ? await NatsEventFeed.subscribe(config.events.url, (envelopes) => hub.accept(envelopes))
      : undefined;
  const unsubscribe = subscribeInProcess((envelopes) => {
    const fresh = feed ? envelopes.filter((e) => feed.firstTime(e.batchId)) : envelopes;
    if (fresh.length > 0) hub.accept(fresh);
    recordPublished(metrics, envelopes);
  });
  const files = await openSharedFiles(config);
  const layout = await resolveLayout(config, files);
  const programs = await ProgramRegistry.open(files);
  if (config.programsDir) {
    const { installed, errors } = await programs.installDirectory(config.programsDir);
    if (errors.length > 0) throw new ConfigError(`JIFEN_PROGRAMS_DIR ${config.programsDir}: ${errors.join('; ')}`);
    for (const p of installed) console.log(`jifen: program of tenant ${p.tenantId} installed as version ${p.version}`);
  }
  const clock = () => Date.now() + config.clockOffsetMs;
  const programFor = (tenantId: string) => programs.programFor(tenantId) ?? defaultProgram(tenantId);
  const engine =
    config.cluster.kind === 'etcd'
      ? await Engine.startCluster(config, layout, metrics, epoch, programs.programs(), {
          threads: config.cluster.threads,
          // TEST ONLY (issue 13's fencing-off variant): the ledger fence's conditions switched off.
          fenceOff: process.env.JIFEN_TEST_LEDGER_FENCE === 'off',
          // TEST ONLY: a window between a commit's entries and its commit point, for the pause faults.
          commitPointDelayMs: Number(process.env.JIFEN_TEST_COMMIT_POINT_DELAY_MS ?? 0) || 0,
        })
      : await Engine.start(config, layout, metrics, epoch, programs.programs());
  const rewards = await RewardCatalog.open(files);
  // Programs and rewards another node stored (a cluster on one keyspace) are taken up every few seconds.
  const follower = SharedConfigFollower.start(
    { programs, rewards },
    {
      intervalMs: config.sharedConfigRefreshMs,
      installPrograms: async (taken) => {
        await engine.installPrograms(taken);
        for (const p of taken) console.log(`jifen: program of tenant ${p.tenantId} version ${p.version} taken up from the shared files`);
      },
    },
  );
  const cluster = config.cluster.kind === 'etcd' ? joinCluster(config, config.cluster, engine, metrics) : undefined;
  // The front's own cache client serves GetAccount; losing its connection means the cache may have
  // restarted empty or older, so a new epoch starts and nothing cached before is trusted.
  const cache = await openBalanceCache(config.balances, engine.ledgerId);
  cache?.onConnectionLost(() => epoch.renew());
  const metricsServer = await startMetricsServer(config.metricsAddr, metrics.registry);
  const reviewQueues = new ReviewQueueWatch(
    engine,
    () => programs.programs().map((p) => p.tenantId),
    (tenantId, { depth, oldestAt }) => metrics.reviewQueue.record(tenantId, depth, oldestAt),
  );
  metrics.reviewQueue.countWith(() => reviewQueues.countAll(), clock);
  let keys: KeyBook | undefined;
  let certificates: ReloadingCertificates | undefined;
  let api: ApiServer;
  const auditTrail = new AuditTrail(files);
  try {
    keys = await openKeyBook(config, files, clock);
    certificates = config.tls.enabled ? await ReloadingCertificates.open(config.tls, metrics) : undefined;
    api = await startApiServer(
      config.grpcAddr,
      {
        engine,
        accounts: new AccountReader(engine, cache, epoch, programFor, clock, (result) => metrics.cacheReads.inc({ result })),
        programs,
        rewards,
        programFor,
        hub,
        metrics,
        clock,
        maxFutureSkewMs: config.maxFutureSkewMs,
        maxLatenessMs: config.maxLatenessMs,
        watchMaxBehindBytes: config.watchMaxBehindBytes,
        keyStore: new KeyStore(files),
        auditTrail,
      },
      {
        credentials: certificates ? certificates.serverCredentials() : grpc.ServerCredentials.createInsecure(),
        gate: {
          keys,
          certificateCallers: config.tls.enabled && config.tls.clientCaFile !== undefined,
          limiter: new RateLimiter(config.rateLimits),
          streams: new StreamQuota(config.watchStreams.perKey, config.watchStreams.total),
          audit: auditTrail,
          nodeSecret: config.cluster.kind === 'etcd' ? config.cluster.secret : undefined,
        },
      },
      cluster?.front,
    );
    await cluster?.start();
  } catch (err) {
    certificates?.close();
    await follower.close();
    await cluster?.stop();
    await engine.shutdown();
    throw err;
  }
  if (!config.tls.enabled && !config.tls.offByDefault)
    console.warn(`jifen: TLS OFF (JIFEN_TLS=off): calls and API keys cross the network in plaintext to ${config.grpcAddr}`);
  console.log(
    `jifen listening on ${config.grpcAddr} (port ${api.port}); metrics on http://${config.metricsAddr}/metrics; ` +
      `${engine.shardCount} shards; data in ${config.dataDir}; durability ${config.durability}; ${tlsLine(config)}; ` +
      `ledger ${config.ledger.kind}, balances ${config.balances.kind}, events ${config.events.kind}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`jifen: ${signal} received, draining`);
    api.markDraining();
    await follower.close();
    // Cluster: every group handed over (committed, then released) while calls keep being accepted and
    // forwarded to the new owners; then nothing is routed any more.
    await cluster?.stop();
    await engine.shutdown();
    await api.close(config.shutdownGraceMs);
    await cache?.close();
    keys?.close();
    certificates?.close();
    await files.close();
    unsubscribe();
    await feed?.close();
    epoch.close();
    metricsServer.close();
    console.log('jifen: stopped cleanly');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** Cluster mode: this node's slot ownership on etcd, and the routing that follows it. */
function joinCluster(config: Config, settings: ClusterSettings, engine: Engine, metrics: EngineMetrics) {
  const etcd = connectEtcd({ endpoints: settings.etcdEndpoints });
  const log = (line: string) => console.log(line);
  let front: ClusterFront | undefined;
  const ownership = new SlotOwnership({
    client: etcd,
    nodeId: settings.nodeId,
    address: settings.advertiseAddr,
    ttlS: settings.leaseTtlS,
    movesPerRound: settings.movesPerRound,
    prefix: settings.prefix,
    beforeHandOver: (slots) => front?.handOver(slots) ?? Promise.resolve(),
    log,
  });
  const peers = new PeerChannels({
    credentials: peerCredentials(config.tls, process.env.JIFEN_CLUSTER_PEER_CA),
    secret: settings.secret,
    onForwarded: (node, outcome, ops) => forwarded.inc({ peer: node, outcome }, ops),
  });
  const forwarded = new Counter({
    name: 'jifen_cluster_forwarded_ops_total',
    help: 'Commands this node forwarded to the owner of their slot, by peer and outcome (ok, rejected by the owner, failed on the way)',
    labelNames: ['peer', 'outcome'] as const,
    registers: [metrics.registry],
  });
  new Gauge({
    name: 'jifen_cluster_slots_served',
    help: 'Slots this node serves now (held under its live lease and open)',
    registers: [metrics.registry],
    collect() {
      this.set((front?.servedGroups() ?? 0) * (SLOT_COUNT / CLUSTER_LEDGER_SHARDS));
    },
  });
  front = new ClusterFront(engine, ownership, peers, {
    groupSize: SLOT_COUNT / CLUSTER_LEDGER_SHARDS,
    unownedWaitMs: settings.unownedWaitMs,
    log,
  });
  const routing = front;
  return {
    front: routing,
    async start() {
      routing.start();
      await ownership.start();
      console.log(`jifen cluster: node ${settings.nodeId} joined at ${settings.advertiseAddr} (etcd ${settings.etcdEndpoints.join(',')})`);
    },
    async stop() {
      await ownership.release().catch((err: unknown) => console.error('jifen cluster: release failed:', err));
      routing.stop();
      peers.close();
      etcd.close();
    },
  };
}

/** The API keys every call must present, or undefined (said loudly) when authentication is off. */
async function openKeyBook(config: Config, files: SharedFiles, clock: () => number): Promise<KeyBook | undefined> {
  if (!config.auth.enabled) {
    const why = config.auth.offByDefault ? 'JIFEN_AUTH is unset and the address is loopback' : 'JIFEN_AUTH=off';
    console.warn(
      `jifen: AUTHENTICATION OFF (development mode): ${why}, so any caller that reaches ${config.grpcAddr} may call every ` +
        'method for every tenant. Set JIFEN_AUTH=on and create keys with `npm run keys -- create` (README "Security").',
    );
    return undefined;
  }
  const keys = await KeyBook.open(new KeyStore(files), { reloadIntervalMs: config.auth.reloadIntervalMs, clock });
  console.log(`jifen: authentication on: ${keys.size} API keys loaded, reloaded every ${config.auth.reloadIntervalMs} ms`);
  return keys;
}

function tlsLine(config: Config): string {
  if (!config.tls.enabled) return 'plaintext';
  if (!config.tls.clientCaFile) return 'TLS';
  return `mTLS (client certificates ${config.tls.requireClientCert ? 'required' : 'optional'})`;
}

/** Programs, the catalog and the layout live beside the ledger: the data directory, or the keyspace. */
async function openSharedFiles(config: Config): Promise<SharedFiles> {
  return config.ledger.kind === 'cassandra' ? CassandraSharedFiles.open(config.ledger) : new DataDirFiles(config.dataDir);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? `jifen: ${err.message}` : err);
  process.exit(1);
});
