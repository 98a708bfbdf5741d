// Cross-member windows without Redis (JIFEN_BALANCES=memory): shards are threads, so one
// InProcessWindows lives on the front's thread and every shard talks to it over its own
// BroadcastChannel. The front handles one message at a time, which makes each reservation atomic
// across shards; a shard's corrections reach it before that shard's next reservation (one channel,
// in order).

import { randomBytes } from 'node:crypto';
import { BroadcastChannel } from 'node:worker_threads';
import {
  type Corrections,
  InProcessWindows,
  type ReserveReply,
  type ReserveRequest,
  type SharedWindows,
  SharedWindowsUnavailable,
} from './shared-windows.js';

type ToHost = { type: 'reserve'; id: number; request: ReserveRequest } | { type: 'settle'; corrections: Corrections };
type ToShard = { id: number; reply: ReserveReply };

/** A shard waits this long for the front before applying the failure policy. */
const REPLY_TIMEOUT_MS = 2_000;

function channelName(base: string, shard: number): string {
  return `${base}:${shard}`;
}

/** Hosts stay referenced while open: a collected channel would drop the shards' requests. */
const open = new Set<WindowsHost>();

/** The front's side: owns the windows, answers every shard. */
export class WindowsHost {
  readonly windows = new InProcessWindows();
  private readonly channels: BroadcastChannel[] = [];

  /** `name` is handed to the shards (ShardWorkerData) so they find this host. */
  constructor(
    shards: number,
    readonly name = `jifen-risk-${randomBytes(4).toString('hex')}`,
  ) {
    for (let shard = 0; shard < shards; shard++) {
      const channel = new BroadcastChannel(channelName(name, shard));
      channel.unref();
      channel.onmessage = (event) => this.receive(channel, (event as MessageEvent).data as ToHost);
      this.channels.push(channel);
    }
    open.add(this);
  }

  close(): void {
    for (const channel of this.channels) channel.close();
    open.delete(this);
  }

  private receive(channel: BroadcastChannel, message: ToHost): void {
    if (message.type === 'settle') {
      this.windows.settle(message.corrections);
      return;
    }
    channel.postMessage({ id: message.id, reply: this.windows.reserveNow(message.request) } satisfies ToShard);
  }
}

/** A shard's side: the SharedWindows it reserves through. */
export class ChannelWindows implements SharedWindows {
  private readonly channel: BroadcastChannel;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (reply: ReserveReply) => void; timer: NodeJS.Timeout }>();

  constructor(name: string, shard: number) {
    this.channel = new BroadcastChannel(channelName(name, shard));
    this.channel.unref();
    this.channel.onmessage = (event) => {
      const { id, reply } = (event as MessageEvent).data as ToShard;
      const waiter = this.waiting.get(id);
      if (!waiter) return;
      this.waiting.delete(id);
      clearTimeout(waiter.timer);
      waiter.resolve(reply);
    };
  }

  reserve(request: ReserveRequest): Promise<ReserveReply> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new SharedWindowsUnavailable(`no answer from the front's velocity windows within ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      this.waiting.set(id, { resolve, timer });
      this.channel.postMessage({ type: 'reserve', id, request } satisfies ToHost);
    });
  }

  settle(corrections: Corrections): void {
    this.channel.postMessage({ type: 'settle', corrections } satisfies ToHost);
  }

  async close(): Promise<void> {
    this.channel.close();
  }
}
