// Failover and lease costs of src/cluster on this machine, for deploy/CLUSTER.md (not a test: a short
// measurement, run under the bench lock). A private etcd (test/support/etcd-server.ts), three nodes in
// this process on their own etcd clients; per TTL and run: converge, then one node stops (crash: its
// keepalives stop, the lease expires by TTL; or release(): revoke) and the time until the two others hold
// every one of its slots is taken from a survivor's watch, from the dead node's last acknowledged
// keepalive (crash) or the release() call. etcd's CPU (/proc/<pid>/stat) per phase.
//
//   flock /tmp/jifen-bench.lock npx tsx test/cluster/failover-timing.ts [--ttls 2,5,10] [--runs 3]

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Etcd3 } from 'etcd3';
import { connectEtcd } from '../../src/cluster/etcd-client.js';
import { SlotOwnership } from '../../src/cluster/slot-ownership.js';
import { SLOT_COUNT } from '../../src/cluster/slots.js';
import { startEtcdServer } from '../support/etcd-server.js';

const { values: flags } = parseArgs({ options: { ttls: { type: 'string', default: '2,5,10' }, runs: { type: 'string', default: '3' } } });
const TTLS = flags.ttls.split(',').map(Number);
const RUNS = Number(flags.runs);
const TICKS_PER_S = 100;

const etcd = await startEtcdServer();
const clients: Etcd3[] = [];
const results: Record<string, unknown>[] = [];
console.error(`etcd ${etcd.version} pid ${etcd.pid}; node ${process.version}; ${new Date().toISOString()}`);
try {
  for (const ttlS of TTLS) {
    for (let run = 0; run < RUNS; run++) {
      for (const how of ['crash', 'release'] as const) results.push(await failover(ttlS, how, `${ttlS}-${run}-${how}`));
    }
  }
  results.push(await steadyState(5, 10_000));
} finally {
  for (const client of clients) client.close();
  await etcd.stop();
}
console.log(JSON.stringify(results, null, 1));

async function failover(ttlS: number, how: 'crash' | 'release', tag: string): Promise<Record<string, unknown>> {
  const prefix = `/failover/${tag}/`;
  const cpu0 = etcdCpuMs();
  const t0 = performance.now();
  const nodes = await Promise.all(['a', 'b', 'c'].map((id) => startNode(id, prefix, ttlS)));
  await until(() => nodes.every((n) => n.map.counts().unowned === 0) && nodes.every((n) => ownedBy(n, n.nodeId).length > 1000));
  const convergeMs = performance.now() - t0;
  const convergeCpuMs = etcdCpuMs() - cpu0;
  const [dead, witness, third] = nodes;
  const lost = ownedBy(witness, dead.nodeId);
  const epochs = new Map(lost.map((slot) => [slot, witness.map.ownerOf(slot)?.epoch ?? 0]));
  let first: number | undefined;
  let last: number | undefined;
  witness.onChange(() => {
    const moved = lost.filter((slot) => (witness.map.ownerOf(slot)?.epoch ?? 0) > (epochs.get(slot) as number));
    const now = performance.now();
    if (moved.length > 0) first ??= now;
    if (moved.length === lost.length) last ??= now;
  });
  const from = how === 'crash' ? (dead.nodeLease?.lastAcknowledgedAt() as number) : performance.now();
  const stoppedAt = performance.now();
  if (how === 'crash') await dead.abandon();
  else await dead.release();
  await until(() => last !== undefined, (ttlS + 5) * 1000);
  const row = {
    ttlS,
    how,
    slots: lost.length,
    convergeMs: Math.round(convergeMs),
    convergeEtcdCpuMs: convergeCpuMs,
    fromLastAckMs: how === 'crash' ? Math.round((first as number) - from) : undefined,
    stopToFirstMs: Math.round((first as number) - stoppedAt),
    stopToLastMs: Math.round((last as number) - stoppedAt),
    firstToLastMs: Math.round((last as number) - (first as number)),
  };
  console.error(JSON.stringify(row));
  await Promise.all([witness.release(), third.release()]);
  return row;
}

/** etcd's CPU with three idle nodes holding all slots: keepalives only. */
async function steadyState(ttlS: number, windowMs: number): Promise<Record<string, unknown>> {
  const nodes = await Promise.all(['a', 'b', 'c'].map((id) => startNode(id, '/steady/', ttlS)));
  await until(() => nodes.every((n) => n.map.counts().unowned === 0));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const cpu0 = etcdCpuMs();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const row = { steadyTtlS: ttlS, nodes: 3, windowMs, etcdCpuMs: etcdCpuMs() - cpu0, etcdCores: (etcdCpuMs() - cpu0) / windowMs };
  console.error(JSON.stringify(row));
  await Promise.all(nodes.map((n) => n.release()));
  return row;
}

async function startNode(nodeId: string, prefix: string, ttlS: number): Promise<SlotOwnership> {
  const client = connectEtcd({ endpoints: [etcd.endpoint] });
  clients.push(client);
  const node = new SlotOwnership({ client, nodeId, address: `127.0.0.1:${nodeId.charCodeAt(0)}`, ttlS, movesPerRound: 64, prefix });
  await node.start();
  return node;
}

function ownedBy(view: SlotOwnership, nodeId: string): number[] {
  return Array.from({ length: SLOT_COUNT }, (_, slot) => slot).filter((slot) => view.map.ownerOf(slot)?.node === nodeId);
}

function etcdCpuMs(): number {
  const fields = readFileSync(`/proc/${etcd.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
