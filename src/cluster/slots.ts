// The unit of ownership between nodes: 4096 slots, the same number as the front's router (slotOf);
// test/cluster/slots.test.ts keeps the two equal, since the cluster sits below the front and cannot import it.

export const SLOT_COUNT = 4096;

/** Every slot number, 0 … SLOT_COUNT − 1. */
export function allSlots(): number[] {
  return Array.from({ length: SLOT_COUNT }, (_, slot) => slot);
}
