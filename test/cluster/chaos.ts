// `npm run chaos`: the cluster test's faults for longer, at random, then the checker (issue 13's
// Jepsen-style proof; not a test, a run whose summary goes into the closing note). Its own Cassandra
// node (commitlog_sync batch), Redis, NATS and etcd on loopback; three engine nodes (lease TTL 2 s,
// commits held 50 ms before their commit points so pauses catch commits in flight); writers sending
// Earns with unique keys to random live nodes, retrying failures with the same key on another node.
// Faults, one at a time with the cluster settling between them: kill -9 and restart, SIGSTOP past the
// lease and SIGCONT, SIGTERM and restart, a node joining, a node leaving. Then every member's ledger is
// read back (each acknowledged write once with its entry id, nothing nobody sent, seq gapless,
// balance_after chained, account = ledger), every slot's epoch is checked never to have gone down, and
// a JetStream consumer of the whole stream must have seen every ledger entry, and no other, by (member, seq).
//
//   flock /tmp/jifen-bench.lock npm run chaos -- [--minutes 10] [--fence off] [--out bench/results]

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connect } from 'nats';
import { SLOT_COUNT } from '../../src/cluster/slots.js';
import { decodeEnvelope } from '../../src/events/event-codec.js';
import {
  LEASE_TTL_S,
  TENANT,
  TestCluster,
  allSlotsServed,
  ledgerViolations,
  startClusterBackends,
  startLoad,
} from '../support/cluster-harness.js';
import { type EngineProcess, cleanupEngines } from '../support/engine-process.js';
import { uniq } from '../support/ids.js';
import { listAllEntries } from '../support/ledger-audit.js';
import { pointsClient } from '../support/points-client.js';

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    fence: { type: 'string', default: 'on' },
    out: { type: 'string', default: 'bench/results' },
  },
});
const minutes = Number(flags.minutes);
if (!(minutes > 0)) throw new Error('--minutes must be a positive number');
const fenceOff = flags.fence === 'off';
const FAULTS = ['kill9', 'pause', 'term', 'join', 'leave'] as const;
type Fault = (typeof FAULTS)[number];

const startedAt = new Date();
const backends = await startClusterBackends('jifen_chaos');
const { keyspace, nats } = backends;
const env: Record<string, string> = { JIFEN_TEST_COMMIT_POINT_DELAY_MS: '50', ...(fenceOff ? { JIFEN_TEST_LEDGER_FENCE: 'off' } : {}) };
let cluster: TestCluster | undefined;
const injected: { fault: Fault; node: string; at: string; settledMs: number }[] = [];
const epochDrops: string[] = [];
let summary: Record<string, unknown> = {};
try {
  cluster = await TestCluster.start(['c1', 'c2', 'c3'], env, async () => keyspace);
  const live = cluster;
  const hot = Array.from({ length: 12 }, (_, i) => uniq(`hot-${i}`));
  const cold = Array.from({ length: 200 }, (_, i) => uniq(`cold-${i}`));
  const members = [...hot, ...cold];
  let paused: EngineProcess | undefined;
  const load = startLoad(
    () => [...live.nodes.values()],
    // Half the writes on a few hot members (the same seqs contended across a move), half spread out.
    members.flatMap((m, i) => (i < hot.length ? Array(Math.floor(cold.length / hot.length)).fill(m) : [m])),
    16,
    (n) => n !== paused,
    20_000,
  );
  const epochs = new Float64Array(SLOT_COUNT);
  const noteEpochs = async () => {
    const map = await live.slotOwners();
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const epoch = map.ownerOf(slot)?.epoch;
      if (epoch === undefined) continue;
      if (epoch < epochs[slot]) epochDrops.push(`slot ${slot}: epoch ${epoch} after ${epochs[slot]}`);
      epochs[slot] = Math.max(epochs[slot], epoch);
    }
  };
  await noteEpochs();
  let joined = 3;
  const endAt = Date.now() + minutes * 60_000;
  while (Date.now() < endAt) {
    const ids = [...live.nodes.keys()];
    const possible = FAULTS.filter((f) => (f === 'join' ? ids.length < 4 : f === 'leave' ? ids.length > 3 : ids.length >= 2));
    const fault = possible[Math.floor(Math.random() * possible.length)];
    const id = ids[Math.floor(Math.random() * ids.length)];
    const node = live.node(id);
    const at = new Date().toISOString();
    const began = Date.now();
    switch (fault) {
      case 'kill9':
        await node.kill9();
        live.nodes.delete(id);
        await sleep(LEASE_TTL_S * 1000 + 1_000);
        await live.startNode(id);
        break;
      case 'pause':
        paused = node;
        process.kill(node.pid, 'SIGSTOP');
        await sleep(LEASE_TTL_S * 1000 + 3_000);
        process.kill(node.pid, 'SIGCONT');
        paused = undefined;
        break;
      case 'term':
        live.nodes.delete(id);
        await node.stop();
        await sleep(1_000);
        await live.startNode(id);
        break;
      case 'join':
        await live.startNode(`c${++joined}`);
        break;
      case 'leave':
        live.nodes.delete(id);
        await node.stop();
        break;
    }
    await allSlotsServed([...live.nodes.values()]);
    await noteEpochs();
    const target = fault === 'join' ? `c${joined}` : id;
    injected.push({ fault, node: target, at, settledMs: Date.now() - began });
    console.error(`${at} ${fault} ${target}: settled in ${Date.now() - began} ms; ${load.sentSoFar().length} sent so far`);
    await sleep(3_000);
  }
  const sent = await load.stop();
  await allSlotsServed([...live.nodes.values()]);
  const reader = [...live.nodes.values()][0];
  const violations = await ledgerViolations(reader, members, sent);
  violations.push(...epochDrops);
  const events = await streamViolations(nats.url, reader, members);
  violations.push(...events.violations);
  summary = {
    command: `npm run chaos -- --minutes ${minutes}${fenceOff ? ' --fence off' : ''}`,
    startedAt: startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    fence: fenceOff ? 'OFF (test-only switch)' : 'on',
    leaseTtlS: LEASE_TTL_S,
    faults: Object.fromEntries(FAULTS.map((f) => [f, injected.filter((i) => i.fault === f).length])),
    operations: {
      sent: sent.length,
      acknowledged: sent.filter((s) => s.entryId).length,
      unanswered: sent.filter((s) => !s.entryId).length,
    },
    members: members.length,
    jetStream: { messages: events.messages, events: events.events, duplicateMemberSeqs: events.duplicates },
    violations: violations.length,
    firstViolations: violations.slice(0, 20),
    injected,
  };
} finally {
  await cleanupEngines();
  await cluster?.stop();
  await backends.stop();
}
console.log(JSON.stringify({ ...summary, injected: undefined }, null, 1));
mkdirSync(flags.out, { recursive: true });
const file = join(flags.out, `chaos-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(summary, null, 1)}\n`);
console.error(`written ${file}`);
process.exit(0);

/**
 * What a JetStream consumer of the whole stream sees, against the ledger: every entry of the members
 * as an event with the same (member, seq) and entry id, no event of a (member, seq) with another entry
 * id (a deposed owner's), no event nobody's ledger has. A (member, seq) delivered more than once with
 * the same entry is counted, not a violation: consumers drop repeats by (member, seq) (README).
 */
async function streamViolations(url: string, reader: EngineProcess, members: string[]) {
  const nc = await connect({ servers: url });
  const byMemberSeq = new Map<string, string[]>();
  let messages = 0;
  try {
    const consumer = await nc.jetstream().consumers.get('JIFEN', { filterSubjects: 'jifen.cluster.>' });
    for (;;) {
      let got = 0;
      for await (const m of await consumer.fetch({ max_messages: 1000, expires: 2_000 })) {
        got++;
        messages++;
        for (const e of decodeEnvelope(m.data).events) {
          const key = `${e.memberId}#${e.seq}`;
          byMemberSeq.set(key, [...(byMemberSeq.get(key) ?? []), e.entryId]);
        }
      }
      if (got === 0) break;
    }
  } finally {
    await nc.close();
  }
  const violations: string[] = [];
  const client = pointsClient(reader.grpcAddr);
  const inLedger = new Set<string>();
  try {
    for (const member of members) {
      for (const e of await listAllEntries(client, TENANT, member).catch(() => [])) {
        const key = `${member}#${e.seq}`;
        inLedger.add(key);
        const seen = byMemberSeq.get(key) ?? [];
        if (!seen.includes(e.entry_id)) violations.push(`JetStream: ${key} (${e.entry_id}) never published`);
        for (const other of new Set(seen))
          if (other !== e.entry_id) violations.push(`JetStream: ${key} published as ${other}, the ledger has ${e.entry_id}`);
      }
    }
  } finally {
    client.close();
  }
  for (const key of byMemberSeq.keys()) if (!inLedger.has(key)) violations.push(`JetStream: ${key} published, in no ledger`);
  const duplicates = [...byMemberSeq.values()].filter((ids) => ids.length > 1).length;
  return { violations, messages, events: byMemberSeq.size, duplicates };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
