// Two engine nodes on one set of shared files: what one stores through its ProgramRegistry or
// RewardCatalog, the other takes up on refresh (and the SharedConfigFollower hands on), never going
// back to an older version and never reporting a version twice.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgramRegistry } from '../../src/front/program-registry.js';
import { RewardCatalog } from '../../src/front/reward-catalog.js';
import { SharedConfigFollower } from '../../src/front/shared-config-follower.js';
import { DataDirFiles } from '../../src/ledger/embedded/data-dir-files.js';
import type { SharedFiles } from '../../src/ledger/shared-files.js';
import type { ProgramFormat } from '../../src/rules/program/program-loader.js';
import type { Program } from '../../src/rules/program/program.js';
import type { Reward } from '../../src/rules/rewards.js';

/** The shared files as one node sees them: counts its calls, can hide paths (a lagging view) and run a step before a create. */
class NodeView implements SharedFiles {
  readonly calls = { read: 0, list: 0, write: 0, create: 0 };
  readonly hidden = new Set<string>();
  beforeCreate: ((path: string) => Promise<void>) | undefined;

  constructor(private readonly files: SharedFiles) {}

  read(path: string): Promise<string | undefined> {
    this.calls.read++;
    return this.hidden.has(path) ? Promise.resolve(undefined) : this.files.read(path);
  }
  write(path: string, text: string): Promise<void> {
    this.calls.write++;
    return this.files.write(path, text);
  }
  async create(path: string, text: string): Promise<string> {
    this.calls.create++;
    const step = this.beforeCreate;
    this.beforeCreate = undefined;
    await step?.(path);
    return this.files.create(path, text);
  }
  async list(dir: string): Promise<string[]> {
    this.calls.list++;
    return (await this.files.list(dir)).filter((name) => !this.hidden.has(`${dir}/${name}`));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  resetCalls(): void {
    Object.assign(this.calls, { read: 0, list: 0, write: 0, create: 0 });
  }
}

let dir: string;
let a: NodeView;
let b: NodeView;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jifen-follow-'));
  a = new NodeView(new DataDirFiles(dir));
  b = new NodeView(new DataDirFiles(dir));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const rateYaml = (points: number) => `name: follow test\nbase_rate: { points: ${points}, per_minor: 100 }\n`;
const rateJson = (points: number) => JSON.stringify({ name: 'follow test', base_rate: { points, per_minor: 100 } });

async function putProgram(registry: ProgramRegistry, tenantId: string, points: number, expected?: number): Promise<Program> {
  const outcome = await registry.put(tenantId, rateYaml(points), 'yaml', expected);
  if (!outcome.ok) throw new Error(outcome.rejection.message);
  return outcome.program;
}

describe('ProgramRegistry.refresh', () => {
  it.each<[string, string, ProgramFormat]>([
    ['acme', rateYaml(2), 'yaml'],
    ['json-tenant', rateJson(3), 'json'],
    ['a..b@shop+1', rateYaml(4), 'yaml'],
  ])(
    'a program %s put through node A is taken up by node B with the same version and normalised content',
    async (tenantId, document, format) => {
      const nodeA = await ProgramRegistry.open(a);
      const nodeB = await ProgramRegistry.open(b);
      await putProgram(nodeA, tenantId, 1);
      const second = await nodeA.put(tenantId, document, format, 1);
      expect(second.ok).toBe(true);

      const { programs, errors } = await nodeB.refresh();

      expect(errors).toEqual([]);
      expect(programs).toEqual([nodeA.programFor(tenantId)]);
      expect(nodeB.programFor(tenantId)).toMatchObject({ tenantId, version: 2 });
      expect(await nodeB.get(tenantId, 0)).toEqual(await nodeA.get(tenantId, 0));
      expect(nodeB.programs()).toEqual(nodeA.programs());
    },
  );

  it('takes up only the newest version when several were stored since', async () => {
    const nodeA = await ProgramRegistry.open(a);
    const nodeB = await ProgramRegistry.open(b);
    for (const points of [1, 2, 3]) await putProgram(nodeA, 'acme', points);
    expect((await nodeB.refresh()).programs.map((p) => p.version)).toEqual([3]);
  });

  it('never goes back to an older version when a lagging view shows only older ones', async () => {
    const nodeA = await ProgramRegistry.open(a);
    const nodeB = await ProgramRegistry.open(b);
    await putProgram(nodeA, 'acme', 1);
    await putProgram(nodeA, 'acme', 2);
    await nodeB.refresh();
    b.hidden.add('programs/acme/2.json');

    expect(await nodeB.refresh()).toEqual({ programs: [], errors: [] });
    expect(nodeB.programFor('acme')?.version).toBe(2);
  });

  const nothingNew: [string, (nodeA: ProgramRegistry, nodeB: ProgramRegistry) => Promise<ProgramRegistry>][] = [
    ['no program stored anywhere', async (_nodeA, nodeB) => nodeB],
    [
      'B already took up what A stored',
      async (nodeA, nodeB) => {
        await putProgram(nodeA, 'acme', 1);
        await nodeB.refresh();
        return nodeB;
      },
    ],
    [
      'B stored the newest version itself',
      async (_nodeA, nodeB) => {
        await putProgram(nodeB, 'acme', 1);
        return nodeB;
      },
    ],
    [
      'B started after A stored',
      async (nodeA) => {
        await putProgram(nodeA, 'acme', 1);
        return ProgramRegistry.open(b);
      },
    ],
  ];
  it.each(nothingNew)('a refresh with nothing new (%s) returns nothing, reads no version and changes nothing', async (_case, arrange) => {
    const nodeB = await arrange(await ProgramRegistry.open(a), await ProgramRegistry.open(b));
    const before = nodeB.programs();
    b.resetCalls();

    expect(await nodeB.refresh()).toEqual({ programs: [], errors: [] });
    expect(nodeB.programs()).toEqual(before);
    // the cost of a quiet round: one listing of programs/ and one per tenant, no reads, no writes
    expect(b.calls).toEqual({ read: 0, list: 1 + before.length, write: 0, create: 0 });
  });

  it('a tenant whose newest version cannot be read is named in errors; the other tenants are still taken up', async () => {
    const nodeA = await ProgramRegistry.open(a);
    const nodeB = await ProgramRegistry.open(b);
    await putProgram(nodeA, 'acme', 1);
    await a.write('programs/broken/1.json', '{ not json');

    const { programs, errors } = await nodeB.refresh();

    expect(programs.map((p) => p.tenantId)).toEqual(['acme']);
    expect(errors).toEqual([expect.stringContaining('programs/broken')]);
    expect(nodeB.programFor('broken')).toBeUndefined();
  });

  it('a put through a node that has not refreshed stores the version after the newest on file, not over it', async () => {
    const nodeA = await ProgramRegistry.open(a);
    const nodeB = await ProgramRegistry.open(b);
    await putProgram(nodeA, 'acme', 1);
    await putProgram(nodeB, 'acme', 2);

    expect((await putProgram(nodeA, 'acme', 3)).version).toBe(3);
    expect((await nodeA.get('acme', 2))?.document).toBe(rateYaml(2));
    expect((await nodeB.refresh()).programs.map((p) => p.version)).toEqual([3]);
  });

  it('expected_version is checked against the newest version on file, whichever node stored it', async () => {
    const nodeA = await ProgramRegistry.open(a);
    const nodeB = await ProgramRegistry.open(b);
    await putProgram(nodeA, 'acme', 1);

    const outcome = await nodeB.put('acme', rateYaml(9), 'yaml', 0);

    expect(outcome).toMatchObject({ ok: false, rejection: { kind: 'ProgramVersionConflict' } });
    expect((await nodeB.get('acme', 1))?.document).toBe(rateYaml(1));
  });

  it('a put that loses a version number to another node in the same instant counts again and keeps the other version', async () => {
    const nodeA = await ProgramRegistry.open(a);
    const nodeB = await ProgramRegistry.open(b);
    b.beforeCreate = async () => {
      await putProgram(nodeA, 'acme', 1);
    };

    expect((await putProgram(nodeB, 'acme', 2)).version).toBe(2);
    expect((await nodeB.get('acme', 1))?.document).toBe(rateYaml(1));
    expect((await nodeA.refresh()).programs.map((p) => p.version)).toEqual([2]);
  });
});

function rewardOf(tenantId: string, rewardId: string, points: number): Omit<Reward, 'version'> {
  return {
    tenantId,
    rewardId,
    name: `reward ${rewardId}`,
    kind: 'virtual',
    points,
    tierPoints: {},
    stock: 10,
    perMemberLimit: 0,
    limitPeriod: 'ever',
    minTier: '',
    minBalance: 0,
    availableFrom: 0,
    availableUntil: 0,
    requiresReview: false,
    maxQuantity: 1,
    prizes: [],
    fallbackPrizeId: '',
  };
}

async function putReward(catalog: RewardCatalog, tenantId: string, rewardId: string, points: number, expected?: number): Promise<Reward> {
  const outcome = await catalog.put(rewardOf(tenantId, rewardId, points), expected);
  if (!outcome.ok) throw new Error(outcome.rejection.message);
  return outcome.reward;
}

describe('RewardCatalog.refresh', () => {
  it.each([
    ['one new reward', [['acme', 'r1', 100]]],
    [
      'a reward changed twice',
      [
        ['acme', 'r1', 100],
        ['acme', 'r1', 120],
      ],
    ],
    [
      'rewards of two tenants',
      [
        ['acme', 'r1', 100],
        ['a..b@shop+1', 'r2', 50],
      ],
    ],
  ] as [string, [string, string, number][]][])(
    '%s put through node A is taken up by node B with the same versions',
    async (_case, puts) => {
      const nodeA = await RewardCatalog.open(a);
      const nodeB = await RewardCatalog.open(b);
      for (const [tenantId, rewardId, points] of puts) await putReward(nodeA, tenantId, rewardId, points);

      const { rewards, errors } = await nodeB.refresh();

      expect(errors).toEqual([]);
      const tenants = [...new Set(puts.map(([tenantId]) => tenantId))];
      const byTenant = (x: Reward, y: Reward) => x.tenantId.localeCompare(y.tenantId);
      expect(rewards.sort(byTenant)).toEqual(tenants.flatMap((t) => nodeA.list(t)).sort(byTenant));
      for (const tenantId of tenants) expect(nodeB.list(tenantId)).toEqual(nodeA.list(tenantId));
    },
  );

  it('never goes back to an older version of a reward when the file is rewritten by a node behind', async () => {
    const nodeA = await RewardCatalog.open(a);
    const nodeB = await RewardCatalog.open(b);
    const v1 = await putReward(nodeA, 'acme', 'r1', 100);
    await putReward(nodeA, 'acme', 'r1', 120);
    await nodeB.refresh();
    await a.write('rewards/acme.json', JSON.stringify([v1]));

    expect(await nodeB.refresh()).toEqual({ rewards: [], errors: [] });
    expect(nodeB.get('acme', 'r1')).toMatchObject({ version: 2, points: 120 });
  });

  it('a refresh with nothing new returns nothing and changes nothing; a reward the node stored itself is not returned', async () => {
    const nodeA = await RewardCatalog.open(a);
    const nodeB = await RewardCatalog.open(b);
    expect(await nodeB.refresh()).toEqual({ rewards: [], errors: [] });
    await putReward(nodeB, 'acme', 'r1', 100);
    await putReward(nodeA, 'other', 'r2', 100);
    await nodeB.refresh();
    b.resetCalls();

    expect(await nodeB.refresh()).toEqual({ rewards: [], errors: [] });
    expect(nodeB.list('acme').map((r) => r.version)).toEqual([1]);
    // the cost of a round: one listing of rewards/ and one read per tenant, no writes
    expect(b.calls).toEqual({ read: 2, list: 1, write: 0, create: 0 });
  });

  it('a put through a node that has not refreshed keeps the rewards another node stored, and reports them once', async () => {
    const nodeA = await RewardCatalog.open(a);
    const nodeB = await RewardCatalog.open(b);
    const r1 = await putReward(nodeA, 'acme', 'r1', 100);
    await putReward(nodeB, 'acme', 'r2', 50);

    expect(nodeB.list('acme').map((r) => r.rewardId)).toEqual(['r1', 'r2']);
    expect((await nodeA.refresh()).rewards.map((r) => r.rewardId)).toEqual(['r2']);
    expect(await nodeB.refresh()).toEqual({ rewards: [r1], errors: [] });
    expect(await nodeB.refresh()).toEqual({ rewards: [], errors: [] });
  });

  it('expected_version is checked against the version on file, whichever node stored it', async () => {
    const nodeA = await RewardCatalog.open(a);
    const nodeB = await RewardCatalog.open(b);
    await putReward(nodeA, 'acme', 'r1', 100);

    const outcome = await nodeB.put(rewardOf('acme', 'r1', 999), 0);

    expect(outcome).toMatchObject({ ok: false, rejection: { kind: 'RewardVersionConflict' } });
    expect(nodeA.get('acme', 'r1')).toMatchObject({ version: 1, points: 100 });
  });

  it('a tenant whose catalog cannot be read is named in errors; the other tenants are still taken up', async () => {
    const nodeA = await RewardCatalog.open(a);
    const nodeB = await RewardCatalog.open(b);
    await putReward(nodeA, 'acme', 'r1', 100);
    await a.write('rewards/broken.json', '[ not json');

    const { rewards, errors } = await nodeB.refresh();

    expect(rewards.map((r) => r.rewardId)).toEqual(['r1']);
    expect(errors).toEqual([expect.stringContaining('rewards/broken.json')]);
  });
});

describe('SharedConfigFollower', () => {
  async function twoNodes() {
    const nodeA = { programs: await ProgramRegistry.open(a), rewards: await RewardCatalog.open(a) };
    const nodeB = { programs: await ProgramRegistry.open(b), rewards: await RewardCatalog.open(b) };
    const installed: Program[][] = [];
    const rewardsSeen: Reward[][] = [];
    const logged: string[] = [];
    const options = {
      intervalMs: 60_000,
      installPrograms: async (programs: Program[]) => {
        installed.push(programs);
      },
      onRewards: (rewards: Reward[]) => rewardsSeen.push(rewards),
      log: (line: string) => logged.push(line),
    };
    return { nodeA, nodeB, installed, rewardsSeen, logged, options };
  }

  it('hands each new program version and reward to node B once', async () => {
    const { nodeA, nodeB, installed, rewardsSeen, logged, options } = await twoNodes();
    const follower = new SharedConfigFollower(nodeB, options);

    await follower.followOnce();
    expect(installed).toEqual([]);

    const acme1 = await putProgram(nodeA.programs, 'acme', 1);
    const r1 = await putReward(nodeA.rewards, 'acme', 'r1', 100);
    await follower.followOnce();
    await follower.followOnce();
    expect(installed).toEqual([[acme1]]);
    expect(rewardsSeen).toEqual([[r1]]);

    const acme2 = await putProgram(nodeA.programs, 'acme', 2);
    const other1 = await putProgram(nodeA.programs, 'other', 1);
    await follower.followOnce();
    await follower.followOnce();
    expect(installed).toEqual([[acme1], [acme2, other1]]);
    expect(logged).toEqual([]);
  });

  it('does not hand on a version node B stored itself', async () => {
    const { nodeB, installed, options } = await twoNodes();
    const follower = new SharedConfigFollower(nodeB, options);
    await putProgram(nodeB.programs, 'acme', 1);
    await follower.followOnce();
    expect(installed).toEqual([]);
  });

  it('a version the shards failed to install is handed again next round, then not again', async () => {
    const { nodeA, nodeB, logged, options } = await twoNodes();
    const calls: Program[][] = [];
    const installPrograms = vi.fn(async (programs: Program[]) => {
      calls.push(programs);
      if (calls.length === 1) throw new Error('shard pool closed');
    });
    const follower = new SharedConfigFollower(nodeB, { ...options, installPrograms });
    const acme1 = await putProgram(nodeA.programs, 'acme', 1);

    await follower.followOnce();
    await follower.followOnce();
    await follower.followOnce();

    expect(calls).toEqual([[acme1], [acme1]]);
    expect(logged).toEqual([expect.stringContaining('shard pool closed')]);
  });

  it('a failed refresh is logged, not thrown, and the rewards are still followed', async () => {
    const { nodeA, nodeB, rewardsSeen, logged, options } = await twoNodes();
    const failing = { refresh: () => Promise.reject(new Error('keyspace unavailable')) };
    const follower = new SharedConfigFollower({ programs: failing, rewards: nodeB.rewards }, options);
    const r1 = await putReward(nodeA.rewards, 'acme', 'r1', 100);

    await follower.followOnce();

    expect(logged).toEqual([expect.stringContaining('keyspace unavailable')]);
    expect(rewardsSeen).toEqual([[r1]]);
  });

  it('started, it follows every intervalMs until closed', async () => {
    const { nodeA, nodeB, installed, options } = await twoNodes();
    const follower = SharedConfigFollower.start(nodeB, { ...options, intervalMs: 10 });
    const acme1 = await putProgram(nodeA.programs, 'acme', 1);
    await vi.waitFor(() => expect(installed).toEqual([[acme1]]));

    await follower.close();
    await putProgram(nodeA.programs, 'acme', 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(installed).toEqual([[acme1]]);
  });
});
