// Seeded randomness for the festival mix. Each scheduled send gets its own stream derived from
// (seed, send index), so a send's member, amounts and follow-ups do not depend on how the schedule
// is split over generator processes: the same profile and seed give the same requests.

/** A stream of uniform numbers in [0, 1) for one send (mulberry32 over a mixed seed). */
export function streamFor(seed: number, index: number): () => number {
  let state = mix32(mix32(seed >>> 0) ^ Math.imul(index + 1, 0x9e3779b1));
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [lo, hi], both ends included. */
export function intIn(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/** One of the items, uniformly. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
