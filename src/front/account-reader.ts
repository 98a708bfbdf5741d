// GetAccount: from the hot-account cache when it holds the member under the current epoch (no trip
// to the shard), else from the member's actor, which then writes the cache back.

import type { GetAccountQuery } from '../actor/commands.js';
import { type OpResult, accountViewOf } from '../actor/results.js';
import { completeState, memberExists } from '../actor/state.js';
import type { Program } from '../rules/program/program.js';
import type { BalanceCache } from '../cache/balance-cache.js';
import type { EpochAuthority } from '../cache/cache-epoch.js';
import type { Engine } from './engine.js';

export class AccountReader {
  constructor(
    private readonly engine: Engine,
    private readonly cache: BalanceCache | undefined,
    private readonly epoch: EpochAuthority,
    private readonly programFor: (tenantId: string) => Program,
    private readonly clock: () => number,
    /** Told how each cache read went (for the metrics). */
    private readonly onRead: (result: 'hit' | 'miss' | 'error') => void = () => {},
  ) {}

  async read(query: GetAccountQuery, deadline: number): Promise<OpResult> {
    if (!this.cache) return this.engine.submit(query, deadline);
    try {
      const [account] = await this.cache.getAccounts([query]);
      if (account && account.epoch === this.epoch.epoch && memberExists(account.state)) {
        const value = accountViewOf(completeState(account.state), this.programFor(query.tenantId), this.clock());
        this.onRead('hit');
        return { ok: true, value };
      }
      this.onRead('miss');
    } catch {
      // An unreachable cache is a miss: the shard answers.
      this.onRead('error');
    }
    return this.engine.submit({ ...query, refillCache: true }, deadline);
  }
}
