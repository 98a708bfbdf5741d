// How many WatchEvents streams are open, per caller and in all: each stream holds a queue and a
// subscription, so one key (or everyone together) opening thousands is refused before it starts.

export type StreamRefusal = { kind: 'per_caller'; limit: number } | { kind: 'total'; limit: number };

export class StreamQuota {
  private readonly open = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly perCaller: number,
    private readonly maxTotal: number,
  ) {}

  /**
   * Opens one stream for caller, or says why not; a stream opened must be released exactly once.
   * perCaller false: only the total counts (the anonymous caller of an engine without keys is everyone).
   */
  acquire(callerId: string, perCaller = true): StreamRefusal | undefined {
    if (this.total >= this.maxTotal) return { kind: 'total', limit: this.maxTotal };
    const held = this.open.get(callerId) ?? 0;
    if (perCaller && held >= this.perCaller) return { kind: 'per_caller', limit: this.perCaller };
    this.open.set(callerId, held + 1);
    this.total++;
    return undefined;
  }

  release(callerId: string): void {
    const held = this.open.get(callerId);
    if (!held) return;
    if (held === 1) this.open.delete(callerId);
    else this.open.set(callerId, held - 1);
    this.total--;
  }

  get openStreams(): number {
    return this.total;
  }
}
