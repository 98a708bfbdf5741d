// The generator's schedule: the main sends (from the curve, already in time order) merged with
// follow-ups that answers add later (captures, releases, refunds, retries), kept in a binary heap
// by intended time. Pure data structure: no clock.
import type { Schedule, Scheduled } from './open-loop.js';

export class MergedSchedule implements Schedule {
  private readonly heap: Scheduled[] = [];
  private head: Scheduled | undefined;
  private spent = false;

  constructor(private readonly main: Iterator<Scheduled>) {
    this.advance();
  }

  add(item: Scheduled): void {
    const h = this.heap;
    h.push(item);
    for (let i = h.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (h[parent].atMs <= h[i].atMs) break;
      [h[parent], h[i]] = [h[i], h[parent]];
      i = parent;
    }
  }

  peek(): Scheduled | undefined {
    const top = this.heap[0];
    if (!this.head) return top;
    return top && top.atMs < this.head.atMs ? top : this.head;
  }

  take(): Scheduled | undefined {
    const item = this.peek();
    if (item === undefined) return undefined;
    if (item === this.head) this.advance();
    else this.popHeap();
    return item;
  }

  closed(): boolean {
    return this.spent;
  }

  private advance(): void {
    const r = this.main.next();
    this.head = r.done ? undefined : r.value;
    if (r.done) this.spent = true;
  }

  private popHeap(): void {
    const h = this.heap;
    const last = h.pop() as Scheduled;
    if (h.length === 0) return;
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l].atMs < h[m].atMs) m = l;
      if (r < h.length && h[r].atMs < h[m].atMs) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i], h[m]];
      i = m;
    }
  }
}
