// The points mall's catalog: each tenant's rewards and lotteries, kept durably in the data directory
// (`rewards/<tenant>.json`). Definitions only: units sold live in each reward's stock actor, so a
// PutReward that raises `stock` restocks without touching what was sold.

import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Rejection, reject } from '../actor/rejections.js';
import { DRAW_RANGE, type Reward } from '../rules/rewards.js';
import { writeFileDurably } from './durable-file.js';

export type PutRewardOutcome = { ok: true; reward: Reward } | { ok: false; rejection: Rejection };

export class RewardCatalog {
  private readonly tenants = new Map<string, Map<string, Reward>>();
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private readonly drawSecret: Buffer,
  ) {}

  static async open(dataDir: string): Promise<RewardCatalog> {
    const dir = join(dataDir, 'rewards');
    await mkdir(dir, { recursive: true });
    const catalog = new RewardCatalog(dir, await drawSecretOf(dataDir));
    for (const file of await readdir(dir)) {
      if (!file.endsWith('.json')) continue;
      const rewards = JSON.parse(await readFile(join(dir, file), 'utf8')) as Reward[];
      catalog.tenants.set(decodeURIComponent(file.slice(0, -'.json'.length)), new Map(rewards.map((r) => [r.rewardId, r])));
    }
    return catalog;
  }

  get(tenantId: string, rewardId: string): Reward | undefined {
    return this.tenants.get(tenantId)?.get(rewardId);
  }

  list(tenantId: string): Reward[] {
    return [...(this.tenants.get(tenantId)?.values() ?? [])].sort((a, b) => a.rewardId.localeCompare(b.rewardId));
  }

  /** Stores the reward as its next version; with expectedVersion set, only over that version (0 = new). */
  put(reward: Omit<Reward, 'version'>, expectedVersion: number | undefined): Promise<PutRewardOutcome> {
    const next = this.writes.then(() => this.putNow(reward, expectedVersion));
    this.writes = next.catch(() => {});
    return next;
  }

  /**
   * A lottery draw's value: uniform in [0, DRAW_RANGE), keyed by this ledger's secret and the request,
   * so members cannot predict it, a retry draws the same value, and an auditor holding the secret
   * can check every recorded value.
   */
  drawValueOf(tenantId: string, memberId: string, rewardId: string, idempotencyKey: string): number {
    const mac = createHmac('sha256', this.drawSecret).update(`${tenantId}\u0000${memberId}\u0000${rewardId}\u0000${idempotencyKey}`).digest();
    // 48 bits, reduced: the bias is below 2^-18 of a slot
    return mac.readUIntBE(0, 6) % DRAW_RANGE;
  }

  private async putNow(reward: Omit<Reward, 'version'>, expectedVersion: number | undefined): Promise<PutRewardOutcome> {
    const rewards = this.tenants.get(reward.tenantId) ?? new Map<string, Reward>();
    const current = rewards.get(reward.rewardId)?.version ?? 0;
    if (expectedVersion !== undefined && expectedVersion !== current) {
      return { ok: false, rejection: reject.rewardVersionConflict(reward.rewardId, expectedVersion, current) };
    }
    const stored: Reward = { ...reward, version: current + 1 };
    const next = new Map(rewards);
    next.set(stored.rewardId, stored);
    await writeFileDurably(join(this.dir, `${encodeURIComponent(reward.tenantId)}.json`), JSON.stringify([...next.values()]));
    this.tenants.set(reward.tenantId, next);
    return { ok: true, reward: stored };
  }
}

/** The ledger's lottery secret, made once (`draw-secret` in the data directory, never sent anywhere). */
async function drawSecretOf(dataDir: string): Promise<Buffer> {
  const file = join(dataDir, 'draw-secret');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  const secret = randomBytes(32);
  await writeFileDurably(file, secret.toString('hex'));
  return secret;
}
