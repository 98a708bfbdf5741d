// Whether a shard may start an actor from the hot-account cache: the cached states activation reads,
// and the check that a cached copy belongs to this ledger before it seeds an actor.

import type { MemberState } from '../actor/state.js';
import type { BalanceCache } from '../cache/balance-cache.js';
import type { LedgerStore, MemberHistory, MemberLoad } from '../ledger/store.js';

export interface ShardCache {
  cache: BalanceCache;
  /** The current cache epoch: readers trust only accounts written under it. */
  epoch: () => string;
  /**
   * Whether activation starts from the cached state (then reads only the ledger entries after it).
   * Worth a round trip when the ledger is remote (Cassandra); a local ledger reads its snapshot faster.
   */
  activateFromCache: boolean;
}

/** Cached states for activation; a cache that cannot be read only makes activation use the ledger. */
export async function readCachedStates(refs: MemberLoad[], shardCache: ShardCache | undefined): Promise<(MemberState | undefined)[]> {
  if (!shardCache?.activateFromCache) return refs.map(() => undefined);
  try {
    const accounts = await shardCache.cache.getAccounts(refs);
    return accounts.map((a) => a?.state);
  } catch {
    return refs.map(() => undefined);
  }
}

/**
 * A cached state seeds an actor only if this ledger holds the entry at its seq with the same
 * balance (the store returns that entry first). Otherwise — a ledger restored from an older copy,
 * a cache from elsewhere — the copy is deleted and the member loaded from the ledger alone.
 * Histories are rewritten in place to what activation should fold.
 */
export async function distrustForeignCopies(
  refs: MemberLoad[],
  cached: (MemberState | undefined)[],
  histories: MemberHistory[],
  store: LedgerStore,
  shardCache: ShardCache | undefined,
): Promise<void> {
  const foreign: number[] = [];
  for (let i = 0; i < refs.length; i++) {
    const copy = cached[i];
    if (!copy) continue;
    const [first, ...after] = histories[i].entries;
    if (first && first.seq === copy.seq && first.balanceAfter === copy.balance) {
      histories[i] = { snapshot: null, entries: after };
    } else {
      foreign.push(i);
      cached[i] = undefined;
    }
  }
  if (foreign.length === 0) return;
  const reload = foreign.map((i) => ({ tenantId: refs[i].tenantId, memberId: refs[i].memberId }));
  const fresh = await store.loadMembers(reload);
  foreign.forEach((i, j) => {
    histories[i] = fresh[j];
  });
  await shardCache?.cache.deleteAccounts(reload).catch(() => {
    // Still there: the seq guard will refuse its repair and readers keep missing, which is safe.
  });
}
