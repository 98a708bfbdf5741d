// google.protobuf.Timestamp as proto-loader decodes it, read back as epoch milliseconds.

import type { Timestamp } from './points-client.js';

/** Epoch ms of `ts`; 0 when the field is unset (null), as for a lot that never expires. */
export function msOf(ts: Timestamp | null | undefined): number {
  return ts ? ts.seconds * 1000 + Math.floor(ts.nanos / 1_000_000) : 0;
}
