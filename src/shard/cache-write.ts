// Writes a committed batch's accounts to the hot-account cache under the current epoch, so the front
// can answer reads from it (read-your-writes: the replies wait for this write).

import type { ShardOp } from '../actor/commands.js';
import { type MemberState, accountStateOf, availablePoints, heldPoints, memberExists } from '../actor/state.js';
import { tierLevel } from '../rules/tiers.js';
import { type Actor, type ActorCache, actorKey } from './actor-cache.js';
import type { ShardCache } from './cache-trust.js';
import type { ProgramBook } from './program-book.js';

/**
 * Writes the batch's changed accounts, and those the front asked to refill after a cache miss,
 * under the current epoch. Returns false if the cache could not be written.
 */
export async function writeCachedAccounts(
  shardCache: ShardCache | undefined,
  ops: ShardOp[],
  touched: Set<Actor>,
  actors: ActorCache,
  programs: ProgramBook,
  clock: () => number,
): Promise<boolean> {
  if (!shardCache) return true;
  const states = new Set<MemberState>();
  for (const actor of touched) states.add(actor.state);
  for (const op of ops) {
    if (op.kind !== 'getAccount' || !op.refillCache) continue;
    const actor = actors.peek(actorKey(op.tenantId, op.memberId));
    if (actor && memberExists(actor.state)) states.add(actor.state);
  }
  if (states.size === 0) return true;
  const epoch = shardCache.epoch();
  try {
    const now = clock();
    // Only activation needs the whole state; a cache that serves reads gets the account's part
    // (lots, holds, tier …), a fraction of a busy member's JSON (caps, activity, risk windows).
    const whole = shardCache.activateFromCache;
    await shardCache.cache.putAccounts(
      [...states].map((state) => ({
        state: whole ? state : accountStateOf(state),
        held: heldPoints(state, now),
        tier: tierLevel(programs.programFor(state.tenantId), state.tier).id,
        available: availablePoints(state, now),
        epoch,
      })),
    );
    return true;
  } catch {
    return false;
  }
}
