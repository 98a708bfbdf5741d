// The hot-account cache (Redis in production). A cache only: the ledger is the truth, every copy
// carries the seq it reflects, and an older seq never overwrites a newer one.

import type { MemberState } from '../actor/state.js';
import type { MemberRef } from '../ledger/store.js';

/** What the cache holds per member: the figures GetAccount shows, and the full state for activation. */
export interface CachedAccount {
  state: MemberState;
  /** Points held by open holds (0 until holds land). */
  held: number;
  /** Tier code ('' until tiers land). */
  tier: string;
}

export interface BalanceCache {
  /**
   * Writes each member's account unless the cache already holds the same or a newer seq.
   * One round trip (pipeline) per call, not per member. Rejects if the cache cannot be written.
   */
  putAccounts(accounts: CachedAccount[]): Promise<void>;
  /** The cached accounts in the order of refs; undefined where the cache has none. */
  getAccounts(refs: MemberRef[]): Promise<(CachedAccount | undefined)[]>;
  close(): Promise<void>;
}
