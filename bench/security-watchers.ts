// WatchEvents consumers that never read, for bench/watchers.ts: raw HTTP/2 (node:http2), not grpc-js,
// whose client keeps reading into its own memory while paused. Each stream sends its request, is paused
// at once and advertises a tiny receive window, so flow control stops the server after a few hundred
// bytes: what a client that stopped reading looks like on the wire (as in test/e2e/watch-events.test.ts).
// lastCursor() finds where the live events start (a client that read everything retained, then stopped),
// so the streams can open caught up rather than at the ring's oldest event.
// finish() then reads each stream briefly to tell the ones the engine ended (their trailers come right
// after the little that was in flight) from the ones it still serves, and closes everything.
import http2 from 'node:http2';

/** The receive window each stalled stream advertises (the HTTP/2 default is 65,535). */
export const STALLED_WINDOW_BYTES = 1024;

export interface StalledStream {
  /** grpc-status of the trailers, once seen. */
  status: string | undefined;
  message: string | undefined;
  /** Closed by the server before finish() (without being read: an RST_STREAM or a dropped connection). */
  closedEarly: boolean;
}

export interface StalledSummary {
  opened: number;
  /** By grpc-status name (RESOURCE_EXHAUSTED, …); `open` = still served, `unknown` = closed without trailers. */
  byStatus: Record<string, number>;
  /** Messages of the trailers seen, with their counts. */
  messages: Record<string, number>;
}

const STATUS_NAMES: Record<string, string> = {
  '0': 'OK',
  '1': 'CANCELLED',
  '2': 'UNKNOWN',
  '4': 'DEADLINE_EXCEEDED',
  '8': 'RESOURCE_EXHAUSTED',
  '13': 'INTERNAL',
  '14': 'UNAVAILABLE',
  '16': 'UNAUTHENTICATED',
};

interface Entry {
  stream: http2.ClientHttp2Stream;
  state: StalledStream;
  closed: Promise<void>;
}

/** A protobuf varint of a non-negative integer below 2^53. */
function varint(n: number): number[] {
  const out: number[] = [];
  let rest = n;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}

/** A WatchEventsRequest {tenant_id, after} in a gRPC frame (5-byte prefix). */
function watchRequestFrame(tenant: string, after = 0): Buffer {
  const tenantBytes = Buffer.from(tenant);
  if (tenantBytes.length > 127) throw new Error('tenant id too long for this encoder');
  const request = Buffer.concat([
    Buffer.from([0x0a, tenantBytes.length]), // field 1: tenant_id
    tenantBytes,
    Buffer.from(after > 0 ? [0x10, ...varint(after)] : []), // field 2: after
  ]);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(request.length, 1);
  return Buffer.concat([prefix, request]);
}

/** The `cursor` (field 1, a varint) of a WatchEventsResponse, or null when it does not start with it. */
function cursorOf(message: Buffer): number | null {
  if (message[0] !== 0x08) return null;
  let n = 0;
  let scale = 1;
  for (let i = 1; i < message.length && i < 11; i++) {
    n += (message[i] & 0x7f) * scale;
    if ((message[i] & 0x80) === 0) return n;
    scale *= 0x80;
  }
  return null;
}

/**
 * The cursor of the tenant's last retained event: one stream read from the start until nothing came
 * for `idleMs` (call it while no load runs), then cancelled. 0 when none came.
 */
export async function lastCursor(address: string, tenant: string, idleMs = 1000): Promise<number> {
  const session = http2.connect(`http://${address}`);
  session.on('error', () => {});
  const stream = session.request({
    ':method': 'POST',
    ':path': '/jifen.v1.PointsService/WatchEvents',
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  stream.on('error', () => {});
  stream.end(watchRequestFrame(tenant));
  let last = 0;
  let pending = Buffer.alloc(0);
  await new Promise<void>((resolve) => {
    let idle = setTimeout(resolve, idleMs * 5);
    stream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
        const length = pending.readUInt32BE(1);
        last = cursorOf(pending.subarray(5, 5 + length)) ?? last;
        pending = pending.subarray(5 + length);
      }
      clearTimeout(idle);
      idle = setTimeout(resolve, idleMs);
    });
    stream.once('close', () => {
      clearTimeout(idle);
      resolve();
    });
  });
  stream.close(http2.constants.NGHTTP2_CANCEL);
  session.destroy();
  return last;
}

export class StalledWatchers {
  private readonly sessions: http2.ClientHttp2Session[] = [];
  private readonly entries: Entry[] = [];

  /**
   * `count` streams over `connections` HTTP/2 connections (round robin), each with metadata `headers`
   * (an API key per stream with authentication on: keys[i % keys.length]), each asking for the events
   * after cursor `after` (0: everything retained).
   */
  constructor(address: string, tenant: string, count: number, connections: number, apiKeys: string[] = [], after = 0) {
    const frame = watchRequestFrame(tenant, after);
    for (let c = 0; c < Math.min(connections, count); c++) {
      const session = http2.connect(`http://${address}`, { settings: { initialWindowSize: STALLED_WINDOW_BYTES } });
      session.on('error', () => {});
      this.sessions.push(session);
    }
    for (let i = 0; i < count; i++) {
      const session = this.sessions[i % this.sessions.length];
      const key = apiKeys.length ? apiKeys[i % apiKeys.length] : undefined;
      const stream = session.request({
        ':method': 'POST',
        ':path': '/jifen.v1.PointsService/WatchEvents',
        'content-type': 'application/grpc',
        te: 'trailers',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      });
      stream.on('error', () => {});
      const state: StalledStream = { status: undefined, message: undefined, closedEarly: false };
      // Refusals (quota, authentication) come as headers-only answers: trailers in the first HEADERS frame.
      stream.on('response', (headers) => {
        if (headers['grpc-status'] !== undefined) {
          state.status = String(headers['grpc-status']);
          state.message = decodeURIComponent(String(headers['grpc-message'] ?? ''));
        }
      });
      stream.on('trailers', (trailers) => {
        state.status = String(trailers['grpc-status']);
        state.message = decodeURIComponent(String(trailers['grpc-message'] ?? ''));
      });
      const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
      void closed.then(() => {
        if (!this.finishing) state.closedEarly = true;
      });
      stream.end(frame);
      stream.pause();
      this.entries.push({ stream, state, closed });
    }
  }

  private finishing = false;

  /** Streams the server has answered with a status without being read (refusals at open). */
  refusedAtOpen(): number {
    return this.entries.filter((e) => e.state.status !== undefined).length;
  }

  /**
   * Reads every stream for up to `readMs`: a stream the server ended yields its trailers after the
   * little it had in flight; one it still serves keeps sending and counts as `open` (also once it has
   * sent more than `maxBytes`). Then closes all connections.
   */
  async finish(readMs = 5000, maxBytes = 256 * 1024): Promise<StalledSummary> {
    this.finishing = true;
    const byStatus: Record<string, number> = {};
    const messages: Record<string, number> = {};
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, readMs));
    await Promise.all(
      this.entries.map(async ({ stream, state, closed }) => {
        let bytes = 0;
        stream.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > maxBytes) stream.close(http2.constants.NGHTTP2_CANCEL);
        });
        stream.resume();
        await Promise.race([closed, deadline]);
        const name =
          state.status !== undefined
            ? (STATUS_NAMES[state.status] ?? `code ${state.status}`)
            : stream.closed && bytes <= maxBytes
              ? 'unknown'
              : 'open';
        byStatus[name] = (byStatus[name] ?? 0) + 1;
        if (state.message) messages[state.message] = (messages[state.message] ?? 0) + 1;
      }),
    );
    this.close();
    return { opened: this.entries.length, byStatus, messages };
  }

  close(): void {
    for (const session of this.sessions) session.destroy();
  }
}
