// Keeps this engine deciding with the program versions and catalog that other engine processes on the
// same shared files store: every intervalMs it refreshes the registry and the catalog, and hands the
// program versions it newly sees to the engine's shards. Failures are logged and retried next round.

import type { ProgramRefresh } from './program-registry.js';
import type { RewardRefresh } from './reward-catalog.js';
import type { Program } from '../rules/program/program.js';
import type { Reward } from '../rules/rewards.js';

/** How often a node looks for programs and rewards stored through another node, unless configured. */
export const DEFAULT_SHARED_CONFIG_REFRESH_MS = 2_000;

export interface SharedConfigSources {
  programs: { refresh(): Promise<ProgramRefresh> };
  rewards: { refresh(): Promise<RewardRefresh> };
}

export interface SharedConfigFollowerOptions {
  intervalMs: number;
  /** Program versions newly seen (the newest per tenant); main hands them to engine.installPrograms. */
  installPrograms: (programs: Program[]) => Promise<void>;
  /** Reward versions newly seen; the catalog already serves them, so this is for the log. */
  onRewards?: (rewards: Reward[]) => void;
  log?: (line: string) => void;
}

export class SharedConfigFollower {
  /** Versions the registry took up that the shards have not yet accepted: handed again next round. */
  private readonly unhanded = new Map<string, Program>();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly sources: SharedConfigSources,
    private readonly options: SharedConfigFollowerOptions,
  ) {}

  /** Follows every intervalMs until close(); the first round runs one interval from now. */
  static start(sources: SharedConfigSources, options: SharedConfigFollowerOptions): SharedConfigFollower {
    const follower = new SharedConfigFollower(sources, options);
    follower.schedule();
    return follower;
  }

  /** One round: refresh programs and rewards, hand new program versions on. Never rejects. */
  followOnce(): Promise<void> {
    this.round ??= this.followNow().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  /** Stops following; resolves once a round in flight has finished. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.round;
  }

  private schedule(): void {
    if (this.closed) return;
    // A new round is timed from the end of the last, so a slow store never gets rounds piled up.
    this.timer = setTimeout(() => void this.followOnce().then(() => this.schedule()), this.options.intervalMs);
    this.timer.unref();
  }

  private async followNow(): Promise<void> {
    await this.followPrograms();
    await this.followRewards();
  }

  private async followPrograms(): Promise<void> {
    try {
      const { programs, errors } = await this.sources.programs.refresh();
      for (const error of errors) this.log(`jifen: taking up a program from the shared files failed (retried): ${error}`);
      for (const program of programs) this.unhanded.set(program.tenantId, program);
    } catch (err) {
      this.log(`jifen: refreshing programs from the shared files failed (retried): ${String(err)}`);
    }
    if (this.unhanded.size === 0) return;
    try {
      await this.options.installPrograms([...this.unhanded.values()]);
      this.unhanded.clear();
    } catch (err) {
      this.log(`jifen: installing programs from the shared files failed (retried): ${String(err)}`);
    }
  }

  private async followRewards(): Promise<void> {
    try {
      const { rewards, errors } = await this.sources.rewards.refresh();
      for (const error of errors) this.log(`jifen: taking up rewards from the shared files failed (retried): ${error}`);
      if (rewards.length > 0) this.options.onRewards?.(rewards);
    } catch (err) {
      this.log(`jifen: refreshing rewards from the shared files failed (retried): ${String(err)}`);
    }
  }

  private log(line: string): void {
    (this.options.log ?? console.error)(line);
  }
}
