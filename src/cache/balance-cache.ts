// The hot-account cache (Redis in production). A cache only: the ledger is the truth, every copy
// carries the seq it reflects, and an older seq never overwrites a newer one.

import type { MemberState } from '../actor/state.js';
import type { MemberRef } from '../ledger/store.js';

/** What the cache holds per member: the figures GetAccount shows, and the full state for activation. */
export interface CachedAccount {
  state: MemberState;
  /** Points in open holds when written (GetAccount recomputes them from state). */
  held: number;
  /** Tier level id. */
  tier: string;
  /** Spendable points when written (pending and lapsed lots excluded); GetAccount recomputes them from state. */
  available?: number;
  /**
   * The cache epoch the account was written under. The front trusts a cached account only under the
   * current epoch, which changes whenever the cache may have lost or regressed data (restart, fault).
   */
  epoch: string;
}

export interface BalanceCache {
  /**
   * Writes each member's account unless the cache already holds a newer seq, or the same seq under
   * the same epoch (the same seq under a new epoch is rewritten: that is how a refill re-trusts it).
   * One round trip (pipeline) per call, not per member. Rejects if the cache cannot be written.
   */
  putAccounts(accounts: CachedAccount[]): Promise<void>;
  /** The cached accounts in the order of refs; undefined where the cache has none. */
  getAccounts(refs: MemberRef[]): Promise<(CachedAccount | undefined)[]>;
  /** Removes the accounts (a copy found ahead of the ledger must go before the seq guard blocks its repair). */
  deleteAccounts(refs: MemberRef[]): Promise<void>;
  /** Called each time the connection to the cache is lost (the cache may come back empty or older). */
  onConnectionLost(listener: () => void): void;
  close(): Promise<void>;
}
