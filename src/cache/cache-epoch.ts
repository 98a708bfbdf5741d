// The cache epoch: the front trusts a cached account only if it was written under the current
// epoch. The front starts a new epoch whenever the cache may have lost or regressed data (its
// connection dropped, e.g. a Redis restart; a shard failed to write it), so a stale copy is never
// served: it becomes a miss, and the shard answers and writes the account back.

import { randomUUID } from 'node:crypto';
import { BroadcastChannel } from 'node:worker_threads';

const EPOCH_CHANNEL = 'jifen-cache-epoch';

/** The front's side: owns the epoch and tells the shard threads when it changes. */
export class EpochAuthority {
  private current = randomUUID();
  private readonly channel = new BroadcastChannel(EPOCH_CHANNEL);

  constructor() {
    this.channel.unref();
  }

  get epoch(): string {
    return this.current;
  }

  renew(): void {
    this.current = randomUUID();
    this.channel.postMessage(this.current);
  }

  close(): void {
    this.channel.close();
  }
}

/** A shard thread's copy, starting from the epoch given at spawn and following renewals. */
export class EpochFollower {
  private current: string;
  private readonly channel = new BroadcastChannel(EPOCH_CHANNEL);

  constructor(initial: string) {
    this.current = initial;
    this.channel.unref();
    this.channel.onmessage = (message) => {
      this.current = (message as MessageEvent).data as string;
    };
  }

  get epoch(): string {
    return this.current;
  }

  close(): void {
    this.channel.close();
  }
}
