// One persistent gRPC channel per peer node (cluster mode), micro-batched like a shard mailbox: the ops
// for one peer that arrive in one event-loop turn travel as one Forward call, and each gets its own
// answer back. A call that fails on the way answers every op in it ForwardFailed (UNAVAILABLE): the
// owner may have applied some, so the caller retries with the same idempotency key.

import * as grpc from '@grpc/grpc-js';
import type { ShardOp } from '../actor/commands.js';
import { reject } from '../actor/rejections.js';
import type { OpResult } from '../actor/results.js';
import { FORWARD_PATH, type ForwardReply, type ForwardRequest, READ_PATH, type ReadReply, decode, encode } from './forward-wire.js';
import type { GroupRead } from './shard-threads.js';

/** Ops in one Forward call, at most; more wait for the next. */
const MAX_OPS_PER_CALL = 2_000;
/** Forward calls in flight per peer; further ops wait and ride in the next call together. */
const MAX_CALLS_IN_FLIGHT = 8;
/** A deadline for a forwarded op without one (internal ops: sagas, follow-ups). */
const DEFAULT_FORWARD_MS = 30_000;

export interface PeerOptions {
  credentials: grpc.ChannelCredentials;
  /** Sent as `authorization: Bearer …` (JIFEN_CLUSTER_SECRET); the peer's gate checks it. */
  secret?: string;
  /** Counts each forwarded op by outcome (ok, rejected, failed). */
  onForwarded?: (node: string, outcome: 'ok' | 'rejected' | 'failed', ops: number) => void;
}

interface Pending {
  op: ShardOp;
  deadline: number;
  reply: (result: OpResult) => void;
}

export class PeerChannels {
  private readonly peers = new Map<string, PeerChannel>();

  constructor(private readonly options: PeerOptions) {}

  forward(node: string, address: string, op: ShardOp, deadline: number, reply: (result: OpResult) => void): void {
    this.peer(node, address).post({ op, deadline: Number.isFinite(deadline) ? deadline : Date.now() + DEFAULT_FORWARD_MS, reply });
  }

  read(node: string, address: string, group: number, task: GroupRead, deadline: number): Promise<ReadReply> {
    return this.peer(node, address).read({ group, task }, deadline);
  }

  close(): void {
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
  }

  private peer(node: string, address: string): PeerChannel {
    const key = `${node}@${address}`;
    let peer = this.peers.get(key);
    if (!peer) {
      peer = new PeerChannel(node, address, this.options);
      this.peers.set(key, peer);
    }
    return peer;
  }
}

class PeerChannel {
  private readonly client: grpc.Client;
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly node: string,
    address: string,
    private readonly options: PeerOptions,
  ) {
    this.client = new grpc.Client(address, options.credentials, {
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
      'grpc.max_send_message_length': 64 * 1024 * 1024,
      'grpc.keepalive_time_ms': 10_000,
      'grpc.keepalive_timeout_ms': 5_000,
      // No channelz service is served: without this grpc-js tracks every forwarded call for it.
      'grpc.enable_channelz': 0,
    });
  }

  post(pending: Pending): void {
    this.queue.push(pending);
    this.schedule();
  }

  read(request: { group: number; task: GroupRead }, deadline: number): Promise<ReadReply> {
    return new Promise((resolve) => {
      this.call(READ_PATH, request, deadline, (err, bytes) => {
        if (err || !bytes) resolve({ ok: false, rejection: reject.forwardFailed(this.node, err?.message ?? 'no answer') });
        else resolve(decode<ReadReply>(bytes));
      });
    });
  }

  close(): void {
    this.client.close();
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_CALLS_IN_FLIGHT || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.send();
    });
  }

  private send(): void {
    const now = Date.now();
    const batch = this.queue.length <= MAX_OPS_PER_CALL ? this.queue : this.queue.slice(0, MAX_OPS_PER_CALL);
    this.queue = batch === this.queue ? [] : this.queue.slice(MAX_OPS_PER_CALL);
    const live: Pending[] = [];
    for (const p of batch) {
      if (p.deadline <= now) p.reply({ ok: false, rejection: reject.deadlineExceeded() });
      else live.push(p);
    }
    if (live.length === 0) {
      this.schedule();
      return;
    }
    const request: ForwardRequest = { ops: live.map((p) => p.op), deadlines: live.map((p) => p.deadline) };
    const deadline = Math.max(...request.deadlines);
    this.inFlight++;
    this.call(FORWARD_PATH, request, deadline, (err, bytes) => {
      this.inFlight--;
      this.answer(live, err, bytes);
      this.schedule();
    });
    this.schedule();
  }

  private answer(live: Pending[], err: grpc.ServiceError | null, bytes: Buffer | undefined): void {
    const results = !err && bytes ? decode<ForwardReply>(bytes) : undefined;
    if (!results || results.length !== live.length) {
      const failure = reject.forwardFailed(this.node, err ? `${grpc.status[err.code]}: ${err.details}` : 'malformed answer');
      for (const p of live) p.reply({ ok: false, rejection: failure });
      this.options.onForwarded?.(this.node, 'failed', live.length);
      return;
    }
    let ok = 0;
    for (let i = 0; i < live.length; i++) {
      if (results[i].ok) ok++;
      live[i].reply(results[i]);
    }
    this.options.onForwarded?.(this.node, 'ok', ok);
    if (ok < live.length) this.options.onForwarded?.(this.node, 'rejected', live.length - ok);
  }

  /** One unary call of the node service: the request in V8's serialization, the answer's bytes as they came. */
  private call(path: string, request: unknown, deadline: number, done: (err: grpc.ServiceError | null, bytes?: Buffer) => void): void {
    this.client.makeUnaryRequest(path, encode, (b: Buffer) => b, request, this.metadata(), { deadline }, done);
  }

  private metadata(): grpc.Metadata {
    const metadata = new grpc.Metadata();
    if (this.options.secret) metadata.set('authorization', `Bearer ${this.options.secret}`);
    return metadata;
  }
}
