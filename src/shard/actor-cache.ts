// Active member actors of one shard, least recently used first, so idle ones can be passivated.
// Passivation only drops memory: the ledger (snapshot + later entries) re-activates an actor exactly.

import type { MemberState } from '../actor/state.js';

export interface Actor {
  state: MemberState;
  /** seq of the newest snapshot in the store; activation replays the entries after it. */
  snapshotSeq: number;
}

export function actorKey(tenantId: string, memberId: string): string {
  return `${tenantId}\u0000${memberId}`;
}

export class ActorCache {
  private readonly actors = new Map<string, Actor>();

  constructor(public capacity: number) {}

  get size(): number {
    return this.actors.size;
  }

  /** Returns the actor and marks it most recently used. */
  touch(key: string): Actor | undefined {
    const actor = this.actors.get(key);
    if (actor) {
      this.actors.delete(key);
      this.actors.set(key, actor);
    }
    return actor;
  }

  /** Returns the actor without changing its recency (Map re-insertion is not free at 100k+ actors). */
  peek(key: string): Actor | undefined {
    return this.actors.get(key);
  }

  put(key: string, actor: Actor): void {
    this.actors.set(key, actor);
  }

  drop(key: string): void {
    this.actors.delete(key);
  }

  /** Passivates the least recently used actors beyond capacity; called between batches, never inside one. */
  passivateOverflow(): number {
    let excess = this.actors.size - this.capacity;
    if (excess <= 0) return 0;
    const dropped = excess;
    for (const key of this.actors.keys()) {
      this.actors.delete(key);
      if (--excess === 0) break;
    }
    return dropped;
  }
}
