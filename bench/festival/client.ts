// gRPC plumbing of the festival run: PointsService and AdminService clients over several channels
// per target node (round robin), the API key from JIFEN_API_KEY as `authorization: Bearer <key>`
// metadata when set, and unary calls that resolve to a status name instead of throwing.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ADMIN_PROTO, LOADER_OPTIONS, POINTS_PROTO } from '../../src/contract/proto.js';

export type Msg = Record<string, any>;
type Callback = (err: grpc.ServiceError | null, res?: Msg) => void;
type UnaryMethod = (req: Msg, metadata: grpc.Metadata, options: grpc.CallOptions, cb: Callback) => void;
type Stub = Record<string, UnaryMethod> & grpc.Client;

export interface Answer {
  status: string;
  response?: Msg;
  details?: string;
}

export class Clients {
  private readonly points: Stub[];
  private readonly admins: Stub[];
  private readonly metadata = new grpc.Metadata();
  private turn = 0;

  constructor(targets: string[], channelsPerTarget: number, apiKey = process.env.JIFEN_API_KEY) {
    if (targets.length === 0) throw new Error('festival: no target node');
    const loaded = grpc.loadPackageDefinition(protoLoader.loadSync([POINTS_PROTO, ADMIN_PROTO], LOADER_OPTIONS)) as unknown as {
      jifen: { v1: { PointsService: grpc.ServiceClientConstructor; AdminService: grpc.ServiceClientConstructor } };
    };
    const { PointsService, AdminService } = loaded.jifen.v1;
    const credentials = grpc.credentials.createInsecure();
    // A local subchannel pool per client: each channel is its own HTTP/2 connection.
    const options = { 'grpc.use_local_subchannel_pool': 1 };
    this.points = targets.flatMap((t) =>
      Array.from({ length: channelsPerTarget }, () => new PointsService(t, credentials, options) as Stub),
    );
    this.admins = targets.map((t) => new AdminService(t, credentials) as Stub);
    if (apiKey) this.metadata.set('authorization', `Bearer ${apiKey}`);
  }

  /** A PointsService call on the next channel; never rejects. */
  call(rpc: string, request: Msg, deadlineMs: number): Promise<Answer> {
    const stub = this.points[this.turn++ % this.points.length];
    return unary(stub, rpc, request, this.metadata, deadlineMs);
  }

  /** An AdminService call on the first node (setup and checks); never rejects. */
  admin(rpc: string, request: Msg, deadlineMs = 30_000): Promise<Answer> {
    return unary(this.admins[0], rpc, request, this.metadata, deadlineMs);
  }

  async ready(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await Promise.all(
      [...this.points, ...this.admins].map(
        (c) =>
          new Promise<void>((resolve, reject) =>
            c.waitForReady(deadline, (err) =>
              err ? reject(new Error(`festival: cannot reach ${c.getChannel().getTarget()}: ${err.message}`)) : resolve(),
            ),
          ),
      ),
    );
  }

  close(): void {
    for (const c of [...this.points, ...this.admins]) c.close();
  }
}

function unary(stub: Stub, rpc: string, request: Msg, metadata: grpc.Metadata, deadlineMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    stub[rpc](request, metadata, { deadline: Date.now() + deadlineMs }, (err, res) => {
      if (err) resolve({ status: grpc.status[err.code] ?? String(err.code), details: err.details });
      else resolve({ status: 'OK', response: res ?? {} });
    });
  });
}

/** Throws unless the answer is OK; for setup calls. */
export function expectOk(what: string, a: Answer): Msg {
  if (a.status !== 'OK') throw new Error(`festival: ${what}: ${a.status}: ${a.details ?? ''}`);
  return a.response ?? {};
}
