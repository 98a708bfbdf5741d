// WatchEvents consumers that never read, for bench/watchers.ts: raw HTTP/2 (node:http2), not grpc-js,
// whose client keeps reading into its own memory while paused. Each stream sends its request, is paused
// at once and advertises a tiny receive window, so flow control stops the server after a few hundred
// bytes: what a client that stopped reading looks like on the wire (as in test/e2e/watch-events.test.ts).
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

/** A WatchEventsRequest {tenant_id} in a gRPC frame (5-byte prefix). */
function watchRequestFrame(tenant: string): Buffer {
  const tenantBytes = Buffer.from(tenant);
  if (tenantBytes.length > 127) throw new Error('tenant id too long for this encoder');
  const request = Buffer.concat([Buffer.from([0x0a, tenantBytes.length]), tenantBytes]); // field 1: tenant_id
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(request.length, 1);
  return Buffer.concat([prefix, request]);
}

export class StalledWatchers {
  private readonly sessions: http2.ClientHttp2Session[] = [];
  private readonly entries: Entry[] = [];

  /**
   * `count` streams over `connections` HTTP/2 connections (round robin), each with metadata `headers`
   * (an API key per stream with authentication on: keys[i % keys.length]).
   */
  constructor(address: string, tenant: string, count: number, connections: number, apiKeys: string[] = []) {
    const frame = watchRequestFrame(tenant);
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
