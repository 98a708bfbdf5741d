// Slot ownership against a real etcd: three nodes (in-process, one etcd client each) share the 4096
// slots; a dead node's slots move within its lease time with larger epochs; a joiner takes its share a
// bounded number at a time; a node whose keepalives stall stops serving before etcd expires its lease;
// a graceful release hands everything over at once. Short TTLs (2 s) keep each case to seconds.

import { randomBytes } from 'node:crypto';
import type { Etcd3 } from 'etcd3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectEtcd } from '../../src/cluster/etcd-client.js';
import { safetyMarginMs } from '../../src/cluster/lease-safety.js';
import { assignSlots } from '../../src/cluster/rendezvous.js';
import { SlotOwnership, type SlotOwnershipOptions } from '../../src/cluster/slot-ownership.js';
import { DEFAULT_GROUP_SIZE, SLOT_COUNT } from '../../src/cluster/slots.js';
import { readClusterStatus } from '../../src/cluster/status.js';
import { runCluster } from '../../src/cli/cluster.js';
import { type EtcdServer, etcdOnPath, startEtcdServer } from '../support/etcd-server.js';

const TTL_S = 2;
const describeEtcd = etcdOnPath() ? describe : describe.skip;

describeEtcd('slot ownership on etcd', () => {
  let etcd: EtcdServer;
  const started: SlotOwnership[] = [];
  const clients: Etcd3[] = [];
  let prefix = '';

  beforeAll(async () => {
    etcd = await startEtcdServer();
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((node) => node.abandon()));
    for (const client of clients.splice(0)) client.close();
  });

  afterAll(async () => {
    await etcd?.stop();
  });

  /** A node on its own etcd client (as separate processes would be), under this test's prefix. */
  async function startNode(nodeId: string, options: Partial<SlotOwnershipOptions> = {}): Promise<SlotOwnership> {
    const client = connectEtcd({ endpoints: [etcd.endpoint] });
    clients.push(client);
    const node = new SlotOwnership({
      client,
      nodeId,
      address: `127.0.0.1:${50_000 + started.length}`,
      ttlS: TTL_S,
      movesPerRound: 64,
      prefix,
      ...options,
    });
    started.push(node);
    await node.start();
    return node;
  }

  function newPrefix(): void {
    prefix = `/jifen-test/${randomBytes(4).toString('hex')}/`;
  }

  /**
   * Resolves once every node serves exactly the slots rendezvous gives it among `nodes`, and every
   * node's map (fed by its watch, a little behind the others' claims) shows that assignment too.
   */
  async function converged(nodes: SlotOwnership[], timeoutMs = 10_000): Promise<void> {
    const winners = assignSlots(
      nodes.map((n) => n.nodeId),
      DEFAULT_GROUP_SIZE,
    );
    await until(`${nodes.length} nodes serving their rendezvous share`, timeoutMs, () =>
      nodes.every((node) => {
        for (let slot = 0; slot < SLOT_COUNT; slot++) {
          if (node.mayServe(slot) !== (winners[slot] === node.nodeId)) return false;
          if (node.map.ownerOf(slot)?.node !== winners[slot]) return false;
        }
        return true;
      }),
    );
  }

  it('three nodes converge to a full, disjoint assignment of the 4096 slots, as every node and etcd see it', async () => {
    newPrefix();
    const nodes = await Promise.all(['n1', 'n2', 'n3'].map((id) => startNode(id)));
    await converged(nodes);
    const served = nodes.map((node) => allSlots().filter((slot) => node.mayServe(slot)));
    expect(served.reduce((sum, slots) => sum + slots.length, 0)).toBe(SLOT_COUNT);
    expect(new Set(served.flat()).size).toBe(SLOT_COUNT);
    for (const slots of served) expect(slots.length).toBeGreaterThan(SLOT_COUNT / 3 / 1.15);
    // Every node's map agrees with the others', and with what the status tool reads from etcd.
    await until('all maps equal', 5_000, () =>
      nodes.every((node) => allSlots().every((s) => node.map.ownerOf(s)?.epoch === nodes[0].map.ownerOf(s)?.epoch)),
    );
    // The 16 slots of a group (one ledger shard of 256) share their owner and their epoch.
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const first = nodes[0].map.ownerOf(slot - (slot % DEFAULT_GROUP_SIZE));
      expect([nodes[0].map.ownerOf(slot)?.node, nodes[0].map.ownerOf(slot)?.epoch]).toEqual([first?.node, first?.epoch]);
    }
    const status = await readClusterStatus(clients[0], prefix);
    expect(status.unownedSlots).toBe(0);
    expect(status.nodes.map((n) => [n.node, n.slots])).toEqual(nodes.map((node, i) => [node.nodeId, served[i].length]));
  });

  it('npm run cluster -- status lists the nodes with their slot counts and epochs', async () => {
    newPrefix();
    const nodes = await Promise.all(['n1', 'n2'].map((id) => startNode(id)));
    await converged(nodes);
    const lines: string[] = [];
    await runCluster(['status'], { endpoints: [etcd.endpoint], prefix }, (line) => lines.push(line));
    const text = lines.join('\n');
    expect(text).toMatch(/2 node\(s\), 4096\/4096 slots owned, 0 unowned/);
    for (const node of nodes) {
      const count = allSlots().filter((slot) => node.mayServe(slot)).length;
      expect(text).toMatch(new RegExp(`^${node.nodeId}\\t127\\.0\\.0\\.1:\\d+\\t${count}\\t\\d+\\.\\.\\d+\\t\\d+$`, 'm'));
    }
    lines.length = 0;
    await runCluster(['status', '--json'], { endpoints: [etcd.endpoint], prefix }, (line) => lines.push(line));
    expect(JSON.parse(lines[0]).unownedSlots).toBe(0);
    await expect(runCluster(['rebalance'], { endpoints: [etcd.endpoint], prefix }, () => {})).rejects.toThrow(/unknown command/);
  });

  it('a node that dies loses its slots to the others within its lease time, each at a larger epoch', async () => {
    newPrefix();
    const nodes = await Promise.all(['n1', 'n2', 'n3'].map((id) => startNode(id)));
    await converged(nodes);
    const [dead, ...alive] = nodes;
    const before = new Map(allSlots().map((slot) => [slot, alive[0].map.ownerOf(slot)?.epoch ?? 0]));
    const lost = allSlots().filter((slot) => dead.mayServe(slot));
    const killedAt = performance.now();
    await dead.abandon();
    await converged(alive, (TTL_S + 3) * 1000);
    const tookMs = performance.now() - killedAt;
    // The TTL, etcd's 500 ms expiry tick, the claims, and slack for a busy CI machine.
    expect(tookMs).toBeLessThan(TTL_S * 1000 + 2_500);
    for (const slot of lost) expect(alive[0].map.ownerOf(slot)?.epoch).toBeGreaterThan(before.get(slot) as number);
    // Slots of the live nodes stayed where they were, epochs unchanged.
    const kept = allSlots().filter((slot) => !lost.includes(slot));
    for (const slot of kept) expect(alive[0].map.ownerOf(slot)?.epoch).toBe(before.get(slot));
    console.log(`failover at TTL ${TTL_S} s: ${lost.length} slots re-claimed ${Math.round(tookMs)} ms after the keepalives stopped`);
  });

  it('a joining node takes its share, with at most movesPerRound slots (whole groups) in transit per node at once', async () => {
    newPrefix();
    const movesPerRound = 16;
    const nodes = await Promise.all(['n1', 'n2', 'n3'].map((id) => startNode(id, { movesPerRound })));
    await converged(nodes);
    let maxUnowned = 0;
    nodes[0].onChange(() => {
      maxUnowned = Math.max(maxUnowned, nodes[0].map.counts().unowned);
    });
    const before = new Map(allSlots().map((slot) => [slot, nodes[0].map.ownerOf(slot)?.epoch ?? 0]));
    const joiner = await startNode('n4', { movesPerRound });
    await converged([...nodes, joiner]);
    const taken = allSlots().filter((slot) => joiner.mayServe(slot));
    expect(taken.length).toBeGreaterThan(SLOT_COUNT / 4 / 1.15);
    expect(maxUnowned).toBeGreaterThan(0);
    expect(maxUnowned).toBeLessThanOrEqual(3 * movesPerRound);
    for (const slot of taken) expect(joiner.epochOf(slot)).toBeGreaterThan(before.get(slot) as number);
    // Only slots the joiner took changed hands.
    const moved = allSlots().filter((slot) => nodes[0].map.ownerOf(slot)?.epoch !== before.get(slot));
    expect(moved.sort((a, b) => a - b)).toEqual(taken);
  });

  it('a node whose keepalives stall stops serving before etcd can expire its lease, then rejoins under a new one', async () => {
    newPrefix();
    const nodes = await Promise.all(['n1', 'n2'].map((id) => startNode(id)));
    await converged(nodes);
    const [stalled, other] = nodes;
    const slot = allSlots().find((s) => stalled.mayServe(s)) as number;
    const epoch = stalled.epochOf(slot) as number;
    // The other node's watch tells when etcd expired the lease (the slot key deleted): event-driven,
    // so a busy machine can only make it later, never earlier.
    let expiredAt: number | undefined;
    other.onChange(() => {
      if (expiredAt === undefined && other.map.ownerOf(slot)?.epoch !== epoch) expiredAt = performance.now();
    });
    stalled.nodeLease?.pauseKeepAlive();
    const pausedAt = performance.now();
    await until('the stalled node to stop serving', TTL_S * 1000, () => !stalled.mayServe(slot));
    // Its own deadline, TTL − margin after the send of its last acknowledged keepalive (final once paused).
    const deadline = stalled.nodeLease?.deadline() as number;
    await until('the lease to expire', (TTL_S + 3) * 1000, () => expiredAt !== undefined);
    // The node stopped serving at its deadline, a margin before etcd expired the lease and the other
    // node could take the slot.
    expect(deadline).toBeLessThan(pausedAt + TTL_S * 1000);
    expect((expiredAt as number) - deadline).toBeGreaterThanOrEqual(safetyMarginMs(TTL_S));
    console.log(
      `paused keepalive: serving deadline ${Math.round(deadline - pausedAt)} ms after the pause, lease expired (slot freed) ${Math.round((expiredAt as number) - pausedAt)} ms after it`,
    );
    // Back: etcd says the lease is gone; the node joins again under a new lease and takes its share at new epochs.
    stalled.nodeLease?.resumeKeepAlive();
    await converged(nodes, 10_000);
    expect(stalled.epochOf(slot)).toBeGreaterThan(epoch);
  });

  it('release() stops serving, lets the caller flush, then hands every slot over at once', async () => {
    newPrefix();
    const flushed: number[][] = [];
    let keysAtFlush = -1;
    const leaving = await startNode('n1', {
      beforeHandOver: async (slots) => {
        flushed.push(slots);
        // While the caller flushes, the node serves none of them but etcd still has it as their owner.
        expect(slots.some((slot) => leaving.mayServe(slot))).toBe(false);
        keysAtFlush = (await readClusterStatus(clients[0], prefix)).nodes.find((n) => n.node === 'n1')?.slots ?? 0;
      },
    });
    const staying = await Promise.all(['n2', 'n3'].map((id) => startNode(id)));
    await converged([leaving, ...staying]);
    flushed.length = 0;
    const held = allSlots().filter((slot) => leaving.mayServe(slot));
    const releasedAt = performance.now();
    await leaving.release();
    await converged(staying, 5_000);
    const tookMs = performance.now() - releasedAt;
    expect(flushed).toEqual([held]);
    expect(keysAtFlush).toBe(held.length);
    expect(tookMs).toBeLessThan(TTL_S * 1000);
    console.log(`graceful release: ${held.length} slots taken by the others ${Math.round(tookMs)} ms after release()`);
  });

  it('a restart under the same node id waits for the old incarnation to expire, then takes the share back at new epochs', async () => {
    newPrefix();
    const nodes = await Promise.all(['n1', 'n2'].map((id) => startNode(id)));
    await converged(nodes);
    const [crashed, other] = nodes;
    const slot = allSlots().find((s) => crashed.mayServe(s)) as number;
    const epoch = crashed.epochOf(slot) as number;
    await crashed.abandon();
    const restartedAt = performance.now();
    const restarted = await startNode('n1');
    // start() returned only once the old node key was gone, i.e. the old lease had expired.
    expect(performance.now() - restartedAt).toBeGreaterThan(500);
    await converged([restarted, other]);
    expect(restarted.epochOf(slot)).toBeGreaterThan(epoch);
  });

  it('etcd stopped past the TTL: every node stops serving before its lease can end, and all slots are held again after', async () => {
    newPrefix();
    const nodes = await Promise.all(['n1', 'n2'].map((id) => startNode(id)));
    await converged(nodes);
    const epochs = allSlots().map((slot) => nodes[0].map.ownerOf(slot)?.epoch ?? 0);
    etcd.pause();
    try {
      const pausedAt = performance.now();
      // Each node's deadline is fixed by its last acknowledged keepalive, before the pause, TTL − margin later at most.
      for (const node of nodes) expect(node.nodeLease?.deadline()).toBeLessThan(pausedAt + TTL_S * 1000 - safetyMarginMs(TTL_S) + 1);
      await until('no slot served anywhere', TTL_S * 1000 + 2_000, () =>
        allSlots().every((slot) => nodes.every((node) => !node.mayServe(slot))),
      );
      await new Promise((resolve) => setTimeout(resolve, TTL_S * 1000));
    } finally {
      etcd.resume();
    }
    // etcd expires the leases it could not renew; both nodes join again and claim at larger epochs.
    await converged(nodes, 15_000);
    for (const slot of [0, 1000, 4095]) expect(nodes[0].map.ownerOf(slot)?.epoch).toBeGreaterThan(epochs[slot]);
  });
});

function allSlots(): number[] {
  return Array.from({ length: SLOT_COUNT }, (_, slot) => slot);
}

async function until(what: string, timeoutMs: number, check: () => boolean): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`not ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
