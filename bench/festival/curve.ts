// The festival curve: the offered rate over the run (a baseline, a step to the peak at "midnight",
// a decay) and the schedule of intended send times that follows it. Pure: no clock, no I/O.
import type { FestivalProfile } from './profile.js';

export type Curve = FestivalProfile['curve'];

/** Seconds from the start of the run to midnight, to the end of the peak, and to the end of the run. */
export function phases(c: Curve): { midnightS: number; peakEndS: number; durationS: number } {
  const midnightS = c.preMidnightSeconds;
  const peakEndS = midnightS + c.peakSeconds;
  return { midnightS, peakEndS, durationS: peakEndS + c.afterPeakSeconds };
}

/** Offered sends per second at `t` seconds into the run. */
export function rateAt(c: Curve, t: number): number {
  const { midnightS, peakEndS } = phases(c);
  if (t < midnightS) return c.baselineRate;
  if (t < peakEndS) return c.baselineRate * c.peakMultiplier;
  const floor = Math.min(c.peakFloor, c.peakMultiplier);
  const decayed = floor + (c.peakMultiplier - floor) * 0.5 ** ((t - peakEndS) / c.decayHalfLifeSeconds);
  return c.baselineRate * decayed;
}

export function peakRate(c: Curve): number {
  return c.baselineRate * c.peakMultiplier;
}

/**
 * Intended send times in milliseconds from the start, evenly spaced at the rate of the moment
 * (each gap is 1 / rate at the previous send), in order, ending before the run's end.
 */
export function* sendTimes(c: Curve): Generator<number> {
  const endMs = phases(c).durationS * 1000;
  let t = 0;
  while (t < endMs) {
    yield t;
    t += 1000 / rateAt(c, t / 1000);
  }
}

/** How many sends the schedule offers in each whole second of the run. */
export function offeredPerSecond(c: Curve): number[] {
  const seconds = Math.ceil(phases(c).durationS);
  const counts = new Array<number>(seconds).fill(0);
  for (const t of sendTimes(c)) counts[Math.floor(t / 1000)]++;
  return counts;
}
