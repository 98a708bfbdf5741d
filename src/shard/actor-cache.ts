// Active member actors of one shard, so idle ones can be passivated: oldest first, with a second
// chance (CLOCK) for those used since they were last passed over. Passivation only drops memory: the
// ledger (snapshot + later entries) re-activates an actor exactly.

import type { MemberState } from '../actor/state.js';

export interface Actor {
  state: MemberState;
  /** seq of the newest snapshot in the store; activation replays the entries after it. */
  snapshotSeq: number;
}

export function actorKey(tenantId: string, memberId: string): string {
  return `${tenantId}\u0000${memberId}`;
}

interface Slot {
  actor: Actor;
  /** Used since put or since passivation last passed it over. */
  used: boolean;
}

export class ActorCache {
  /** In the order passivation looks at them: put order, a slot passed over moved to the end. */
  private readonly actors = new Map<string, Slot>();

  constructor(public capacity: number) {}

  get size(): number {
    return this.actors.size;
  }

  /**
   * Returns the actor and marks it used, so the next passivation passes it over once. (Moving it to
   * the end of the map on every use cost ~3 % of a shard thread under a festival's stream.)
   */
  touch(key: string): Actor | undefined {
    const slot = this.actors.get(key);
    if (!slot) return undefined;
    slot.used = true;
    return slot.actor;
  }

  /** Returns the actor without marking it used. */
  peek(key: string): Actor | undefined {
    return this.actors.get(key)?.actor;
  }

  put(key: string, actor: Actor): void {
    const slot = this.actors.get(key);
    if (slot) slot.actor = actor;
    else this.actors.set(key, { actor, used: false });
  }

  drop(key: string): void {
    this.actors.delete(key);
  }

  /**
   * Passivates actors beyond capacity, oldest first; one used since it was last looked at is moved to
   * the end, unmarked, instead (every slot is moved at most once per use, so a round ends). Called
   * between batches, never inside one.
   */
  passivateOverflow(): number {
    let excess = this.actors.size - this.capacity;
    if (excess <= 0) return 0;
    const dropped = excess;
    for (const [key, slot] of this.actors) {
      this.actors.delete(key);
      if (slot.used) {
        slot.used = false;
        this.actors.set(key, slot);
      } else if (--excess === 0) break;
    }
    return dropped;
  }
}
