// This node's etcd lease: granted once, kept alive by a keepalive every TTL/4, each timed on the
// monotonic clock from its send, so the node knows until when it may serve (lease-safety.ts). Every
// key the node holds (its node key, its slots) is bound to this lease and dies with it.

import type { Etcd3 } from 'etcd3';
import { type KeepAliveAck, keepAliveIntervalMs, mayServe, safetyMarginMs, servingDeadline } from './lease-safety.js';

export interface NodeLeaseOptions {
  ttlS: number;
  /** Default: safetyMarginMs(ttl granted). */
  marginMs?: number;
  /** A monotonic clock in ms; default performance.now. */
  now?: () => number;
  /** Longest wait for one keepalive's answer; default the keepalive interval. */
  callTimeoutMs?: number;
}

/** etcd answered that the lease no longer exists (expired or revoked): every key under it is gone. */
export class LeaseExpired extends Error {
  override name = 'LeaseExpired';
}

export class NodeLease {
  private leaseId: string | undefined;
  private lastAck: KeepAliveAck | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private paused = false;
  private lost = false;
  private readonly now: () => number;
  private readonly lostListeners: (() => void)[] = [];

  constructor(
    private readonly client: Etcd3,
    private readonly options: NodeLeaseOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Grants the lease (TTL as etcd answers it) and starts its keepalives; returns the lease id. */
  async grant(): Promise<string> {
    const sentAt = this.now();
    const granted = await this.client.leaseClient.leaseGrant({ TTL: this.options.ttlS, ID: 0 });
    this.leaseId = granted.ID;
    this.lastAck = { sentAt, ttlS: Number(granted.TTL) };
    this.running = true;
    this.schedule(keepAliveIntervalMs(this.ttlS));
    return granted.ID;
  }

  get id(): string | undefined {
    return this.lost ? undefined : this.leaseId;
  }

  /** The TTL etcd granted, seconds. */
  get ttlS(): number {
    return this.lastAck?.ttlS ?? this.options.ttlS;
  }

  /** Monotonic ms until which keys held under this lease may be served; −Infinity when there is none. */
  deadline(): number {
    if (this.lastAck === undefined || this.lost) return Number.NEGATIVE_INFINITY;
    return servingDeadline(this.lastAck, this.options.marginMs ?? safetyMarginMs(this.lastAck.ttlS));
  }

  /** Monotonic send time of the last keepalive (or the grant) etcd acknowledged. */
  lastAcknowledgedAt(): number | undefined {
    return this.lastAck?.sentAt;
  }

  mayServe(): boolean {
    return mayServe(this.now(), this.deadline());
  }

  /** Called once when etcd says the lease is gone. */
  onLost(listener: () => void): void {
    this.lostListeners.push(listener);
  }

  /** Test and drill hook: stop sending keepalives, as a stalled process or a cut link would. */
  pauseKeepAlive(): void {
    this.paused = true;
  }

  resumeKeepAlive(): void {
    this.paused = false;
    if (this.running && this.timer === undefined) this.schedule(0);
  }

  /** Stops the keepalives and leaves the lease to expire by its TTL (a crash, as etcd sees it). */
  abandon(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Stops the keepalives and revokes the lease: etcd deletes every key under it in one revision. */
  async revoke(): Promise<void> {
    this.abandon();
    if (this.leaseId === undefined || this.lost) return;
    this.lost = true;
    await this.client.leaseClient.leaseRevoke({ ID: this.leaseId });
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running || this.paused) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.keepAliveOnce();
    }, delayMs);
  }

  private async keepAliveOnce(): Promise<void> {
    if (!this.running || this.paused || this.leaseId === undefined) return;
    const interval = keepAliveIntervalMs(this.ttlS);
    const sentAt = this.now();
    try {
      const ttlS = await this.sendKeepAlive(this.leaseId, this.options.callTimeoutMs ?? interval);
      if (ttlS <= 0) throw new LeaseExpired(`lease ${this.leaseId} is gone`);
      // Answers arrive in order on a fresh stream each; a late one must not move the deadline back.
      if (this.lastAck === undefined || sentAt > this.lastAck.sentAt) this.lastAck = { sentAt, ttlS };
      this.schedule(interval);
    } catch (err) {
      if (err instanceof LeaseExpired) return this.markLost();
      // etcd unreachable or slow: try again soon; the deadline decides whether the slots stay served.
      this.schedule(Math.min(250, interval));
    }
  }

  /** One keepalive on its own stream; resolves with the TTL etcd answered (0: the lease is gone). */
  private async sendKeepAlive(id: string, timeoutMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    // The stream's own deadline ends a call etcd does not answer; this one also covers getting a stream.
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no keepalive answer within ${timeoutMs} ms`)), timeoutMs + 100);
    });
    try {
      return await Promise.race([this.keepAliveOnStream(id, timeoutMs), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async keepAliveOnStream(id: string, timeoutMs: number): Promise<number> {
    const stream = await this.client.leaseClient.leaseKeepAlive({ deadline: Date.now() + timeoutMs });
    try {
      const answer = await new Promise<{ TTL: string }>((resolve, reject) => {
        stream.on('data', resolve);
        stream.on('error', reject);
        stream.write({ ID: id });
      });
      return Number(answer.TTL);
    } finally {
      stream.end();
    }
  }

  private markLost(): void {
    if (this.lost) return;
    this.lost = true;
    this.abandon();
    for (const listener of this.lostListeners) listener();
  }
}
