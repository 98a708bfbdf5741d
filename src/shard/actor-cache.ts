// Active member actors of one shard, so idle ones can be passivated: oldest first, with a second
// chance (CLOCK) for those used since they were last passed over. Passivation only drops memory: the
// ledger (snapshot + later entries) re-activates an actor exactly.

import type { MemberState } from '../actor/state.js';

export interface Actor {
  state: MemberState;
  /** seq of the newest snapshot in the store; activation replays the entries after it. */
  snapshotSeq: number;
  /** Used since it was put or since passivation last passed it over (kept by ActorCache). */
  used?: boolean;
}

export function actorKey(tenantId: string, memberId: string): string {
  return `${tenantId}\u0000${memberId}`;
}

export class ActorCache {
  /** In the order passivation looks at them: put order, an actor passed over moved to the end. */
  private readonly actors = new Map<string, Actor>();

  constructor(public capacity: number) {}

  get size(): number {
    return this.actors.size;
  }

  /**
   * Returns the actor and marks it used, so the next passivation passes it over once. (Moving it to
   * the end of the map on every use cost ~3 % of a shard thread under a festival's stream.)
   */
  touch(key: string): Actor | undefined {
    const actor = this.actors.get(key);
    if (actor) actor.used = true;
    return actor;
  }

  /** Returns the actor without marking it used. */
  peek(key: string): Actor | undefined {
    return this.actors.get(key);
  }

  put(key: string, actor: Actor): void {
    this.actors.set(key, actor);
  }

  drop(key: string): void {
    this.actors.delete(key);
  }

  /**
   * Passivates actors beyond capacity, oldest first; one used since it was last looked at is moved to
   * the end, unmarked, instead (every actor is moved at most once per use, so a round ends). Called
   * between batches, never inside one.
   */
  passivateOverflow(): number {
    let excess = this.actors.size - this.capacity;
    if (excess <= 0) return 0;
    const dropped = excess;
    for (const [key, actor] of this.actors) {
      this.actors.delete(key);
      if (actor.used) {
        actor.used = false;
        this.actors.set(key, actor);
      } else if (--excess === 0) break;
    }
    return dropped;
  }
}
