// Answers a batch's auditMember queries once its entries are committed: the member's whole ledger read
// back and replayed (src/reports/member-audit.ts) against the actor and the cache's copy; a copy that is
// stale or differs is rewritten from the ledger when asked (the online reconciler does).

import type { ShardOp } from '../actor/commands.js';
import type { LedgerEntry } from '../actor/entries.js';
import type { MemberAuditAnswer, OpResult } from '../actor/results.js';
import { type MemberState, accountStateOf, availablePoints, completeState, heldPoints, memberExists } from '../actor/state.js';
import type { LedgerStore, MemberRef } from '../ledger/store.js';
import { auditMember } from '../reports/member-audit.js';
import { tierLevel } from '../rules/tiers.js';
import { type ActorCache, actorKey } from './actor-cache.js';
import type { ShardCache } from './cache-trust.js';
import type { ProgramBook } from './program-book.js';

const PAGE = 1000;

export async function answerAuditQueries(
  ops: ShardOp[],
  results: OpResult[],
  actors: ActorCache,
  store: LedgerStore,
  shardCache: ShardCache | undefined,
  programs: ProgramBook,
  now: number,
): Promise<void> {
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (op.kind !== 'auditMember') continue;
    const actor = actors.peek(actorKey(op.tenantId, op.memberId));
    if (!actor || !memberExists(actor.state)) {
      results[i] = { ok: true, value: { exists: false, mismatches: [], outstanding: 0, underReview: 0, repaired: false } };
      continue;
    }
    const entries = await allEntries(store, op);
    const cached = await cachedCopy(shardCache, op);
    const audit = auditMember({ entries, live: actor.state, cached, now, graceMs: op.graceMs });
    let repaired = false;
    const cacheWrong = audit.mismatches.some((m) => m.kind === 'cache_stale' || m.kind === 'cache_differs' || m.kind === 'cache_ahead');
    if (op.repairCache && cacheWrong && shardCache && audit.replayed) {
      repaired = await repairCopy(shardCache, audit.replayed, actor.state, programs, now);
    }
    const value: MemberAuditAnswer = {
      exists: true,
      mismatches: audit.mismatches,
      outstanding: audit.outstanding,
      underReview: audit.underReview,
      repaired,
    };
    results[i] = { ok: true, value };
  }
}

async function allEntries(store: LedgerStore, ref: MemberRef): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  for (;;) {
    const page = await store.listEntries(ref, entries.length === 0 ? 0 : entries[entries.length - 1].seq, PAGE);
    entries.push(...page);
    if (page.length < PAGE) return entries;
  }
}

async function cachedCopy(
  shardCache: ShardCache | undefined,
  ref: MemberRef,
): Promise<{ state: MemberState; trusted: boolean } | undefined> {
  if (!shardCache) return undefined;
  try {
    const [account] = await shardCache.cache.getAccounts([ref]);
    return account ? { state: completeState(account.state), trusted: account.epoch === shardCache.epoch() } : undefined;
  } catch {
    return undefined; // an unreachable cache serves nothing: there is no copy to check
  }
}

/**
 * The copy is deleted first (the seq guard keeps a copy at the same or a newer seq), then written from
 * the actor when it agrees with the ledger, under the current epoch.
 */
async function repairCopy(
  shardCache: ShardCache,
  replayed: MemberState,
  live: MemberState,
  programs: ProgramBook,
  now: number,
): Promise<boolean> {
  try {
    await shardCache.cache.deleteAccounts([replayed]);
    if (live.seq !== replayed.seq || live.balance !== replayed.balance) return true; // the next write or read refills it
    await shardCache.cache.putAccounts([
      {
        state: shardCache.activateFromCache ? live : accountStateOf(live),
        held: heldPoints(live, now),
        tier: tierLevel(programs.programFor(live.tenantId), live.tier).id,
        available: availablePoints(live, now),
        epoch: shardCache.epoch(),
      },
    ]);
    return true;
  } catch {
    return false;
  }
}
