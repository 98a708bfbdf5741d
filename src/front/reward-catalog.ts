// The points mall's catalog: each tenant's rewards and lotteries, kept durably in the shared files
// beside the ledger (`rewards/<tenant>.json`). Definitions only: units sold live in each reward's stock actor, so a
// PutReward that raises `stock` restocks without touching what was sold.

import { createHmac, randomBytes } from 'node:crypto';
import { type Rejection, reject } from '../actor/rejections.js';
import type { SharedFiles } from '../ledger/shared-files.js';
import { DRAW_RANGE, type Reward } from '../rules/rewards.js';

const REWARDS = 'rewards';

export type PutRewardOutcome = { ok: true; reward: Reward } | { ok: false; rejection: Rejection };

export class RewardCatalog {
  private readonly tenants = new Map<string, Map<string, Reward>>();
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly files: SharedFiles,
    private readonly drawSecret: Buffer,
  ) {}

  static async open(files: SharedFiles): Promise<RewardCatalog> {
    const catalog = new RewardCatalog(files, await drawSecretOf(files));
    for (const file of await files.list(REWARDS)) {
      if (!file.endsWith('.json')) continue;
      const rewards = JSON.parse((await files.read(`${REWARDS}/${file}`)) ?? '[]') as Reward[];
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
    const mac = createHmac('sha256', this.drawSecret)
      .update(`${tenantId}\u0000${memberId}\u0000${rewardId}\u0000${idempotencyKey}`)
      .digest();
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
    await this.files.write(`${REWARDS}/${encodeURIComponent(reward.tenantId)}.json`, JSON.stringify([...next.values()]));
    this.tenants.set(reward.tenantId, next);
    return { ok: true, reward: stored };
  }
}

/** The ledger's lottery secret, made once by the first engine (`draw-secret`, never sent anywhere). */
async function drawSecretOf(files: SharedFiles): Promise<Buffer> {
  const stored = await files.create('draw-secret', randomBytes(32).toString('hex'));
  return Buffer.from(stored.trim(), 'hex');
}
