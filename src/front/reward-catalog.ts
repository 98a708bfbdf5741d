// The points mall's catalog: each tenant's rewards and lotteries, kept durably in the shared files
// beside the ledger (`rewards/<tenant>.json`). Definitions only: units sold live in each reward's stock actor, so a
// PutReward that raises `stock` restocks without touching what was sold. refresh() takes up the
// reward versions other engine processes on the same shared files stored since.

import { createHmac, randomBytes } from 'node:crypto';
import { type Rejection, reject } from '../actor/rejections.js';
import type { SharedFiles } from '../ledger/shared-files.js';
import { DRAW_RANGE, type Reward } from '../rules/rewards.js';

const REWARDS = 'rewards';

export type PutRewardOutcome = { ok: true; reward: Reward } | { ok: false; rejection: Rejection };

export interface RewardRefresh {
  /** Reward versions newer than the ones held before, now served by get and list. */
  rewards: Reward[];
  /** Tenants whose catalog could not be read this time (the rewards held stay in use). */
  errors: string[];
}

export class RewardCatalog {
  private readonly tenants = new Map<string, Map<string, Reward>>();
  private writes: Promise<unknown> = Promise.resolve();
  /** Other engines' rewards a put took up on its way: the next refresh reports them. */
  private readonly takenUpByPut: Reward[] = [];

  private constructor(
    private readonly files: SharedFiles,
    private readonly drawSecret: Buffer,
  ) {}

  static async open(files: SharedFiles): Promise<RewardCatalog> {
    const catalog = new RewardCatalog(files, await drawSecretOf(files));
    const { errors } = await catalog.refreshNow();
    if (errors.length > 0) throw new Error(errors.join('; '));
    return catalog;
  }

  /**
   * Takes up the reward versions other engine processes on the same shared files stored since: one
   * listing of `rewards/` and one read per tenant. A reward never goes back to an older version, and
   * one this catalog stored itself is not returned again. Runs between puts. A tenant that fails is
   * named in errors and tried again on the next refresh; a failed listing rejects.
   */
  refresh(): Promise<RewardRefresh> {
    const run = this.writes.then(() => this.refreshNow());
    this.writes = run.catch(() => {});
    return run;
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
    // The tenant's file as stored now, not only as held: another engine may have stored rewards since
    // the last refresh, and rewriting the file from what is held would drop them.
    this.takenUpByPut.push(...this.takeUpNewer(reward.tenantId, await this.readTenant(reward.tenantId)));
    const rewards = this.tenants.get(reward.tenantId) ?? new Map<string, Reward>();
    const current = rewards.get(reward.rewardId)?.version ?? 0;
    if (expectedVersion !== undefined && expectedVersion !== current) {
      return { ok: false, rejection: reject.rewardVersionConflict(reward.rewardId, expectedVersion, current) };
    }
    const stored: Reward = { ...reward, version: current + 1 };
    const next = new Map(rewards);
    next.set(stored.rewardId, stored);
    await this.files.write(this.tenantFile(reward.tenantId), JSON.stringify([...next.values()]));
    this.tenants.set(reward.tenantId, next);
    return { ok: true, reward: stored };
  }

  private async refreshNow(): Promise<RewardRefresh> {
    const rewards: Reward[] = [];
    const errors: string[] = [];
    for (const file of await this.files.list(REWARDS)) {
      if (!file.endsWith('.json')) continue;
      try {
        const tenantId = decodeURIComponent(file.slice(0, -'.json'.length));
        rewards.push(...this.takeUpNewer(tenantId, await this.readTenant(tenantId)));
      } catch (err) {
        errors.push(`${REWARDS}/${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return { rewards: [...this.takenUpByPut.splice(0), ...rewards], errors };
  }

  /** Holds the rewards of the tenant that are newer than the ones held, and returns them. */
  private takeUpNewer(tenantId: string, stored: Reward[]): Reward[] {
    const held = this.tenants.get(tenantId);
    // seq guard: a reward's older version (a file rewritten by an engine behind this one) never replaces a newer one
    const newer = stored.filter((r) => r.version > (held?.get(r.rewardId)?.version ?? 0));
    if (newer.length === 0) return [];
    const next = new Map(held);
    for (const reward of newer) next.set(reward.rewardId, reward);
    this.tenants.set(tenantId, next);
    return newer;
  }

  private async readTenant(tenantId: string): Promise<Reward[]> {
    return JSON.parse((await this.files.read(this.tenantFile(tenantId))) ?? '[]') as Reward[];
  }

  private tenantFile(tenantId: string): string {
    return `${REWARDS}/${encodeURIComponent(tenantId)}.json`;
  }
}

/** The ledger's lottery secret, made once by the first engine (`draw-secret`, never sent anywhere). */
async function drawSecretOf(files: SharedFiles): Promise<Buffer> {
  const stored = await files.create('draw-secret', randomBytes(32).toString('hex'));
  return Buffer.from(stored.trim(), 'hex');
}
