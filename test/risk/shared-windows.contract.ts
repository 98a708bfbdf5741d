// The contract of SharedWindows, run against every implementation (in process, over the front's
// channel, Redis): per-command atomic reservations, totals before the command, retry-after hints,
// corrections, distinct members, and windows that slide.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECK_COUNTER, CHECK_DISTINCT, type ReserveRequest, type SharedWindows } from '../../src/risk/shared-windows.js';

const MINUTE = 60_000;
/** On a whole hour, so on a bucket boundary. */
const T0 = 1_750_000_000_000 - (1_750_000_000_000 % 3_600_000);

type Check =
  | { counter: string; maxCount?: number; maxPoints?: number; cost?: number; windowMs?: number }
  | { distinct: string; member: string; windowMs?: number };

/** A request from a readable list of commands, each a list of checks. */
export function requestOf(now: number, commands: Check[][]): ReserveRequest {
  const keys: string[] = [];
  const members: string[] = [];
  const ops: number[] = [];
  const index = (list: string[], value: string) => (list.includes(value) ? list.indexOf(value) : list.push(value) - 1);
  for (const checks of commands) {
    ops.push(checks.length);
    for (const c of checks) {
      if ('counter' in c)
        ops.push(CHECK_COUNTER, index(keys, c.counter), c.windowMs ?? MINUTE, c.maxCount ?? 0, c.maxPoints ?? 0, c.cost ?? 0);
      else ops.push(CHECK_DISTINCT, index(keys, c.distinct), c.windowMs ?? MINUTE, index(members, c.member), 0, 0);
    }
  }
  return { now, keys, members, ops, opCount: commands.length };
}

/** The reply per command: [status, retryAfterMs, [count, points] per check]. */
export function repliesOf(request: ReserveRequest, reply: number[]): [number, number, [number, number][]][] {
  const out: [number, number, [number, number][]][] = [];
  let at = 0;
  let r = 0;
  for (let op = 0; op < request.opCount; op++) {
    const n = request.ops[at];
    at += 1 + n * 6;
    const checks: [number, number][] = [];
    for (let k = 0; k < n; k++) checks.push([reply[r + 2 + 2 * k], reply[r + 3 + 2 * k]]);
    out.push([reply[r], reply[r + 1], checks]);
    r += 2 + 2 * n;
  }
  return out;
}

export function sharedWindowsContract(
  name: string,
  open: () => Promise<{ windows: SharedWindows; prefix: string; close(): Promise<void> }>,
) {
  describe(`SharedWindows contract: ${name}`, () => {
    let windows: SharedWindows;
    let close: () => Promise<void>;
    let p: string;

    beforeEach(async () => {
      const opened = await open();
      windows = opened.windows;
      close = opened.close;
      p = `${opened.prefix}${Math.random().toString(36).slice(2)}:`;
    });
    afterEach(async () => close());

    async function reserve(now: number, commands: Check[][]) {
      const request = requestOf(now, commands);
      return repliesOf(request, await windows.reserve(request));
    }

    it('admits up to the count limit, refuses the rest without counting them, and reports totals before each command', async () => {
      const dev = { counter: `${p}dev`, maxCount: 3 };
      const replies = await reserve(T0, [[dev], [dev], [dev], [dev], [dev]]);
      expect(replies.map(([status, , checks]) => [status, checks[0][0]])).toEqual([
        [0, 0],
        [0, 1],
        [0, 2],
        [1, 3],
        [1, 3],
      ]);
      // The first bucket leaves the window 65 s after it started.
      expect(replies[3][1]).toBe(65_000);
      expect((await reserve(T0 + 64_999, [[dev]]))[0][0]).toBe(1);
      expect((await reserve(T0 + 65_000, [[dev]]))[0].slice(0, 1)).toEqual([0]);
    });

    it('is atomic per command: refused by one check, no check of the command counts it', async () => {
      const a = { counter: `${p}a`, maxCount: 10 };
      const b = { counter: `${p}b`, maxCount: 1 };
      await reserve(T0, [[b]]);
      const [[status], [, , after]] = await reserve(T0 + 1, [[a, b], [a]]);
      expect(status).toBe(2);
      expect(after[0][0]).toBe(0);
    });

    it('refuses a spend whose points would pass the limit, with a hint for when it fits', async () => {
      const card = (cost: number) => ({ counter: `${p}card`, maxPoints: 1_000, cost });
      const replies = await reserve(T0, [[card(600)], [card(300)], [card(200)], [card(100)]]);
      expect(replies.map(([status, retry, checks]) => [status, retry, checks[0][1]])).toEqual([
        [0, 0, 0],
        [0, 0, 600],
        [1, 65_000, 900],
        [0, 0, 900],
      ]);
    });

    it('applies corrections before the next reservation: refunds and points learnt after deciding', async () => {
      const key = `${p}earns`;
      await reserve(T0, [[{ counter: key }], [{ counter: key }]]);
      const bucket = Math.floor(T0 / 5_000);
      windows.settle({
        keys: [key, `${p}never-seen`],
        values: [0, MINUTE, bucket, -1, 0, 0, MINUTE, bucket, 0, 40, 1, MINUTE, bucket, -1, 0],
      });
      windows.settle({ keys: [key], values: [0, MINUTE, bucket, 0, 25] });
      const [[, , checks]] = await reserve(T0 + 1, [[{ counter: key }]]);
      expect(checks[0]).toEqual([1, 65]);
    });

    it('counts distinct members per key within the window, the command itself included', async () => {
      const seen = (member: string) => ({ distinct: `${p}members`, member });
      const replies = await reserve(T0, [[seen('m1')], [seen('m2')], [seen('m1')], [seen('m3')]]);
      expect(replies.map(([, , checks]) => checks[0][0])).toEqual([1, 2, 2, 3]);
      expect((await reserve(T0 + 30_000, [[seen('m4')]]))[0][2][0][0]).toBe(4);
      // m1, m2, m3 were last seen at T0: a minute later only m4 and the new one remain.
      expect((await reserve(T0 + MINUTE, [[seen('m5')]]))[0][2][0][0]).toBe(2);
    });

    it('keeps windows of different keys and lengths apart', async () => {
      await reserve(T0, [[{ counter: `${p}x`, windowMs: 3_600_000 }], [{ counter: `${p}x`, windowMs: 3_600_000 }]]);
      const [[, , checks]] = await reserve(T0 + 10 * MINUTE, [[{ counter: `${p}x`, windowMs: 3_600_000 }, { counter: `${p}y` }]]);
      expect(checks).toEqual([
        [2, 0],
        [0, 0],
      ]);
    });
  });
}
