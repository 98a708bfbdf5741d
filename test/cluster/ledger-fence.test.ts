// The ledger fence's logic without a Cassandra node (src/ledger/cassandra/fence.ts): the takeover's
// conditions, the commit point's outcomes (applied, refused, timed out and resolved by a SERIAL read),
// write timestamps ordered by the fence token, whole rows. The real-node proof is
// test/contract/cassandra-fencing.test.ts.

import { types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { CQL, insertEntryOf } from '../../src/ledger/cassandra/cql.js';
import { ShardFence, ShardFenced, fullRow } from '../../src/ledger/cassandra/fence.js';
import type { CqlClient } from '../../src/ledger/cassandra/session.js';

interface Fence {
  epoch: number;
  incarnation: number;
  commits: number;
  outbox: number;
}

/** shard_heads' static row of one shard, with the LWTs fence.ts sends; `timeoutNext` makes the next batch time out (after applying, or not). */
function fakeClient(): { client: CqlClient; row: () => Fence | undefined; set: (f: Fence) => void; timeoutNext: (apply: boolean) => void } {
  let fence: Fence | undefined;
  let timeout: boolean | undefined;
  const result = (applied: boolean, rows: Record<string, unknown>[] = []) =>
    ({
      rows: [{ '[applied]': applied, ...(fence ? { epoch: types.Long.fromNumber(fence.epoch) } : {}) }, ...rows],
      wasApplied: () => applied,
    }) as unknown as types.ResultSet;
  const client = {
    async execute(query: string, params: unknown[]) {
      const p = params as number[];
      if (query.startsWith('SELECT epoch')) {
        const rows = fence
          ? [{ epoch: fence.epoch, incarnation: fence.incarnation, commits: fence.commits, committed_outbox: fence.outbox }]
          : [];
        return { rows, wasApplied: () => true } as unknown as types.ResultSet;
      }
      if (query.startsWith('INSERT INTO shard_heads')) {
        if (fence) return result(false);
        fence = { epoch: p[1], incarnation: 1, commits: 0, outbox: 0 };
        return result(true);
      }
      if (query.includes('IF epoch < ?')) {
        const ok = fence !== undefined && fence.epoch < p[3] && fence.incarnation === p[4];
        if (ok && fence) fence = { ...fence, epoch: p[0], incarnation: p[1], commits: 0 };
        return result(ok);
      }
      if (query.includes('SET incarnation = ?')) {
        const ok = fence !== undefined && fence.epoch === p[2] && fence.incarnation === p[3];
        if (ok && fence) fence = { ...fence, incarnation: p[0], commits: 0 };
        return result(ok);
      }
      if (query.startsWith('UPDATE shard_heads SET epoch')) {
        if (fence) fence = { ...fence, epoch: p[0], incarnation: p[1], commits: 0 }; // the test-only switch: no condition
        return result(true);
      }
      if (query.startsWith('SELECT head_seq')) return { rows: [], wasApplied: () => true } as unknown as types.ResultSet;
      throw new Error(`unexpected ${query}`);
    },
    async batch(queries: { query: string; params: unknown[] }[]) {
      const [point] = queries;
      const p = point.params as number[];
      const ok = fence !== undefined && fence.epoch === p[3] && fence.incarnation === p[4];
      if (ok && fence && timeout !== false) fence = { ...fence, commits: p[0], outbox: p[1] };
      if (timeout !== undefined) {
        timeout = undefined;
        throw new Error('Server timeout during write query at consistency SERIAL (CAS)');
      }
      return result(ok);
    },
    async shutdown() {},
  } as unknown as CqlClient;
  return {
    client,
    row: () => fence,
    set: (f) => {
      fence = f;
    },
    timeoutNext: (apply) => {
      timeout = apply;
    },
  };
}

describe('ledger fence (fence.ts)', () => {
  it('takes a fresh shard, a larger epoch takes it over, the same epoch re-opens it, a smaller one is refused', async () => {
    const fake = fakeClient();
    const first = await ShardFence.takeOver(fake.client, 3, { epoch: 7 }, 100);
    expect([first.epoch, first.incarnation]).toEqual([7, 1]);
    const newer = await ShardFence.takeOver(fake.client, 3, { epoch: 8 }, 100);
    expect([newer.epoch, newer.incarnation]).toEqual([8, 2]);
    const restarted = await ShardFence.takeOver(fake.client, 3, { epoch: 8 }, 100);
    expect([restarted.epoch, restarted.incarnation]).toEqual([8, 3]);
    await expect(ShardFence.takeOver(fake.client, 3, { epoch: 7 }, 100)).rejects.toBeInstanceOf(ShardFenced);
    expect(fake.row()).toMatchObject({ epoch: 8, incarnation: 3 });
    // The test-only switch writes over a larger epoch: what the fencing-off variant relies on.
    const off = await ShardFence.takeOver(fake.client, 3, { epoch: 7, testOnlyUnconditional: true }, 100);
    expect(off.epoch).toBe(7);
  });

  it('a commit point refused by a newer owner throws ShardFenced, and so does every later commit of that store', async () => {
    const fake = fakeClient();
    const a = await ShardFence.takeOver(fake.client, 3, { epoch: 7 }, 100);
    await a.commitPoint([['acme', 'm-1', 1]], 1);
    expect(fake.row()).toMatchObject({ commits: 1, outbox: 1 });
    await ShardFence.takeOver(fake.client, 3, { epoch: 8 }, 100);
    const refused = await a.commitPoint([['acme', 'm-1', 2]], 2).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ShardFenced);
    expect(refused).toMatchObject({ shard: 3, epoch: 7, ownerEpoch: 8, maybeApplied: false });
    expect(() => a.checkNotDeposed()).toThrow(ShardFenced);
    expect(fake.row()).toMatchObject({ epoch: 8, commits: 0, outbox: 1 });
  });

  it('a commit point that timed out is decided by a SERIAL read: applied, not applied, or fenced', async () => {
    const fake = fakeClient();
    const a = await ShardFence.takeOver(fake.client, 3, { epoch: 7 }, 100);
    fake.timeoutNext(true); // the round completed before the timeout reached the client
    await a.commitPoint([['acme', 'm-1', 1]], 1);
    expect(a.committedOutbox).toBe(1);
    fake.timeoutNext(false); // it did not
    await expect(a.commitPoint([['acme', 'm-1', 2]], 2)).rejects.toThrow(/timeout/);
    expect(a.committedOutbox).toBe(1);
    a.checkNotDeposed(); // a failed commit, not a lost shard
    fake.set({ epoch: 9, incarnation: 5, commits: 0, outbox: 1 });
    fake.timeoutNext(false);
    const moved = await a.commitPoint([['acme', 'm-1', 2]], 2).catch((err: unknown) => err);
    expect(moved).toBeInstanceOf(ShardFenced);
    expect(moved).toMatchObject({ ownerEpoch: 9, maybeApplied: true }); // the takeover may have completed it
  });

  it('write timestamps grow in send order, every later incarnation above every earlier one and above any wall clock', async () => {
    const fake = fakeClient();
    const a = await ShardFence.takeOver(fake.client, 3, { epoch: 7 }, 100);
    const aTimes = Array.from({ length: 1000 }, () => BigInt(a.writeTimestamp().toString()));
    for (let i = 1; i < aTimes.length; i++) expect(aTimes[i] > aTimes[i - 1]).toBe(true);
    expect(aTimes[0] > BigInt(Date.now()) * 1000n * 100n).toBe(true); // above a microsecond clock, even one 100 times ahead
    const b = await ShardFence.takeOver(fake.client, 3, { epoch: 8 }, 100);
    const first = BigInt(b.writeTimestamp().toString());
    expect(first > aTimes[aTimes.length - 1]).toBe(true);
    // Snapshots: by incarnation first, then by seq.
    const snap = (f: ShardFence, seq: number) => BigInt(f.snapshotTimestamp(seq).toString());
    expect(snap(b, 1) > snap(a, 1_000_000)).toBe(true);
    expect(snap(b, 5) > snap(b, 4)).toBe(true);
    expect(snap(b, 1) < 2n ** 63n).toBe(true);
  });

  it('rows are written whole: an absent detail as an empty text, other unset columns as null', () => {
    const entry = insertEntryOf({
      tenantId: 'acme',
      memberId: 'm-1',
      seq: 1,
      type: 'earn',
      points: 1,
      balanceAfter: 1,
      idempotencyKey: 'k',
      orderId: '',
      reason: '',
      operator: '',
      amountMinor: 0,
      createdAt: 0,
      expiresAt: 0,
      payloadHash: '',
    });
    expect(entry.params.at(-1)).toBe(types.unset);
    expect(fullRow(entry).params.at(-1)).toBe('');
    const order = { query: CQL.insertOrder, params: ['acme', 'm-1', 'o', 1, types.unset] };
    expect(fullRow(order).params).toEqual(['acme', 'm-1', 'o', 1, null]);
  });
});
