// When this node must stop serving its slots by itself: before etcd can have expired its lease. etcd
// extends a lease to TTL from when it handles a keepalive, which is after this node sent it; so from the
// send time of the last acknowledged keepalive, on a monotonic clock (never the wall clock, which NTP
// may step), TTL less a margin is a deadline etcd's expiry cannot precede. Pure: callers pass the times.

export interface KeepAliveAck {
  /** performance.now() just before the keepalive was sent. */
  sentAt: number;
  /** The TTL etcd answered with, seconds (etcd may raise a requested TTL to its minimum). */
  ttlS: number;
}

/** Until when (monotonic ms) the slots held under this lease may be served. */
export function servingDeadline(ack: KeepAliveAck, marginMs: number): number {
  return ack.sentAt + ack.ttlS * 1000 - marginMs;
}

export function mayServe(now: number, deadline: number): boolean {
  return now < deadline;
}

/**
 * The margin kept before the lease can expire: a fifth of the TTL, at least 500 ms. It covers the
 * monotonic clock running slower than etcd leader's, and a caller's check landing just before the
 * deadline; what a paused process does after the check is the ledger fence's job.
 */
export function safetyMarginMs(ttlS: number): number {
  return Math.max(500, (ttlS * 1000) / 5);
}

/**
 * How often keepalives go out: a quarter of the TTL, so that with the margin above two may be lost
 * in a row before the deadline passes (TTL − margin = 4/5 TTL > 3 intervals).
 */
export function keepAliveIntervalMs(ttlS: number): number {
  return (ttlS * 1000) / 4;
}
