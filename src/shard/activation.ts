// Brings a batch's members into memory as actors: from a cached state this ledger vouches for (then only
// the entries after it), else from the newest snapshot and the entries after it.

import { type MemberState, applyEntry, completeState, emptyState } from '../actor/state.js';
import type { LedgerStore, MemberLoad, MemberRef } from '../ledger/store.js';
import { type ActorCache, actorKey } from './actor-cache.js';
import { type ShardCache, distrustForeignCopies, readCachedStates } from './cache-trust.js';

/**
 * Activates every member of `refs` not already active and returns how many it activated. A cached
 * state is always a committed one, so either way the fold is exact.
 */
export async function activateMembers(
  refs: MemberRef[],
  actors: ActorCache,
  store: LedgerStore,
  shardCache: ShardCache | undefined,
): Promise<number> {
  const missing: MemberLoad[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    const key = actorKey(ref.tenantId, ref.memberId);
    if (seen.has(key)) continue;
    seen.add(key);
    if (!actors.touch(key)) missing.push({ tenantId: ref.tenantId, memberId: ref.memberId });
  }
  if (missing.length === 0) return 0;
  const cached = await readCachedStates(missing, shardCache);
  for (let i = 0; i < missing.length; i++) {
    if (cached[i]) missing[i].afterSeq = (cached[i] as MemberState).seq;
  }
  const histories = await store.loadMembers(missing);
  await distrustForeignCopies(missing, cached, histories, store, shardCache);
  for (let i = 0; i < missing.length; i++) {
    const { tenantId, memberId } = missing[i];
    const { snapshot, entries } = histories[i];
    const stored = cached[i] ?? snapshot;
    const state: MemberState = stored ? completeState(stored) : emptyState(tenantId, memberId);
    const snapshotSeq = state.seq;
    for (const entry of entries) applyEntry(state, entry);
    actors.put(actorKey(tenantId, memberId), { state, snapshotSeq, used: false });
  }
  return missing.length;
}
