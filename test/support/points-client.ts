// Promisified clients for end-to-end tests: PointsService (each RPC resolves with the response or
// rejects with the grpc ServiceError), grpc.health.v1.Health, and server reflection.

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as HEALTH_PROTO } from 'grpc-health-check';
import { LOADER_OPTIONS, POINTS_PROTO } from '../../src/contract/proto.js';
import { REPO_ROOT } from './engine-process.js';

export interface Timestamp {
  seconds: number;
  nanos: number;
}

export interface EarnRequest {
  tenant_id: string;
  member_id: string;
  idempotency_key: string;
  order_id: string;
  amount_minor: number | string;
  currency: string;
  items?: { sku: string; category?: string; amount_minor: number; quantity: number }[];
  channel?: string;
  store_id?: string;
  occurred_at?: Timestamp | null;
}

export interface RedeemRequest {
  tenant_id: string;
  member_id: string;
  idempotency_key: string;
  points: number | string;
  reason?: string;
  order_id?: string;
}

export interface ReverseRequest {
  tenant_id: string;
  member_id: string;
  idempotency_key: string;
  order_id: string;
  amount_minor?: number;
  reason?: string;
}

export interface AdjustRequest {
  tenant_id: string;
  member_id: string;
  idempotency_key: string;
  points: number | string;
  reason: string;
  operator: string;
}

export interface MemberRequest {
  tenant_id: string;
  member_id: string;
}

export interface ListEntriesRequest extends MemberRequest {
  page_size?: number;
  page_token?: string;
}

export interface WriteResponse {
  entry_id: string;
  points: number;
  balance: number;
  seq: number;
}

export interface Account {
  tenant_id: string;
  member_id: string;
  balance: number;
  lifetime_earned: number;
  lifetime_redeemed: number;
  seq: number;
  lots: { points: number; expires_at: Timestamp | null }[];
}

export interface Entry {
  entry_id: string;
  seq: number;
  type: string;
  points: number;
  balance_after: number;
  idempotency_key: string;
  order_id: string;
  reason: string;
  operator: string;
  amount_minor: number;
  created_at: Timestamp | null;
}

export type Command = { earn: EarnRequest } | { redeem: RedeemRequest } | { reverse: ReverseRequest } | { adjust: AdjustRequest };

export interface CommandResult {
  result: 'earn' | 'redeem' | 'reverse' | 'adjust' | 'error';
  earn?: WriteResponse | null;
  redeem?: WriteResponse | null;
  reverse?: WriteResponse | null;
  adjust?: WriteResponse | null;
  error?: { code: number; message: string; status: string } | null;
}

export interface CallOptions {
  deadline?: grpc.Deadline;
  metadata?: grpc.Metadata;
}

export interface PointsClient {
  Earn(req: EarnRequest, opts?: CallOptions): Promise<WriteResponse>;
  Redeem(req: RedeemRequest, opts?: CallOptions): Promise<WriteResponse>;
  Reverse(req: ReverseRequest, opts?: CallOptions): Promise<WriteResponse>;
  Adjust(req: AdjustRequest, opts?: CallOptions): Promise<WriteResponse>;
  GetAccount(req: MemberRequest, opts?: CallOptions): Promise<{ account: Account }>;
  ListEntries(req: ListEntriesRequest, opts?: CallOptions): Promise<{ entries: Entry[]; next_page_token: string }>;
  SubmitBatch(req: { commands: Command[] }, opts?: CallOptions): Promise<{ results: CommandResult[] }>;
  /** Opens a WatchEvents server stream; see EventWatch. */
  watchEvents(req: WatchEventsRequest, opts?: CallOptions): EventWatch;
  close(): void;
}

export interface WatchEventsRequest {
  tenant_id: string;
  /** Deliver events with cursor > after; 0 or absent = everything retained. */
  after?: number;
}

/** jifen.v1.PointsEvent as the loader decodes it (keepCase, longs as Number). */
export interface PointsEventMsg {
  entry_id: string;
  tenant_id: string;
  member_id: string;
  seq: number;
  event: string;
  points: number;
  balance_after: number;
  order_id: string;
  idempotency_key: string;
  reason: string;
  created_at: Timestamp | null;
  /** Transfers, holds and redemptions: the id that ties their entries together, and the other side. */
  reference?: string;
  counterparty?: string;
}

export interface WatchedEvent {
  cursor: number;
  event: PointsEventMsg;
}

/** One open WatchEvents stream, collecting what arrives. */
export interface EventWatch {
  /** Every message received so far, in arrival order. */
  readonly received: WatchedEvent[];
  /**
   * Resolves with `received` once it holds at least `count` messages; rejects when the stream ends
   * first (with its error) or after timeoutMs, naming how many had arrived.
   */
  waitFor(count: number, timeoutMs?: number): Promise<WatchedEvent[]>;
  /** Resolves with the stream's final error (a grpc ServiceError), or null if it ended with OK. */
  readonly ended: Promise<grpc.ServiceError | null>;
  /** Cancels the stream (client side); `ended` then resolves with a CANCELLED error. */
  cancel(): void;
}

export interface ClientOptions {
  /** Own TCP connection instead of grpc-js's shared subchannel pool (a "separate client"). */
  separateConnection?: boolean;
  /** TLS (and client certificate) credentials; default plaintext. */
  credentials?: grpc.ChannelCredentials;
}

const RPCS = ['Earn', 'Redeem', 'Reverse', 'Adjust', 'GetAccount', 'ListEntries', 'SubmitBatch'] as const;

type UnaryMethod = (
  req: unknown,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, res?: unknown) => void,
) => void;

export function pointsClient(address: string, options: ClientOptions = {}): PointsClient {
  const raw = pointsServiceChannel(address, options);
  const client = promisedClient<PointsClient>(raw, RPCS);
  const watch = (raw as unknown as Record<string, ServerStreamMethod>).WatchEvents.bind(raw);
  client.watchEvents = (req, opts = {}) =>
    openEventWatch(watch({ after: 0, ...req }, opts.metadata ?? new grpc.Metadata(), { deadline: opts.deadline }));
  return client;
}

/** A raw PointsService client on its own channel options; pair it with promisedClient for the RPCs a test needs. */
export function pointsServiceChannel(address: string, options: ClientOptions = {}): grpc.Client {
  const ctor = loadService(POINTS_PROTO, LOADER_OPTIONS, ['jifen', 'v1', 'PointsService']);
  return new ctor(address, options.credentials ?? grpc.credentials.createInsecure(), channelOptions(options));
}

/**
 * One promise-returning method per listed unary RPC of `raw` (resolves with the response, rejects
 * with the grpc ServiceError), plus close(): the shape of every test client.
 */
export function promisedClient<T>(raw: grpc.Client, rpcs: readonly string[]): T {
  const methods = raw as unknown as Record<string, UnaryMethod>;
  const client: Record<string, unknown> = { close: () => raw.close() };
  for (const rpc of rpcs) {
    const method = methods[rpc].bind(raw);
    client[rpc] = (req: unknown, opts: CallOptions = {}) =>
      new Promise((resolve, reject) =>
        method(req, opts.metadata ?? new grpc.Metadata(), { deadline: opts.deadline }, (err, res) => (err ? reject(err) : resolve(res))),
      );
  }
  return client as T;
}

type ServerStreamMethod = (req: unknown, metadata: grpc.Metadata, options: grpc.CallOptions) => grpc.ClientReadableStream<WatchedEvent>;

function openEventWatch(stream: grpc.ClientReadableStream<WatchedEvent>): EventWatch {
  const received: WatchedEvent[] = [];
  const waiters = new Set<() => void>();
  let finished = false;
  let finalError: grpc.ServiceError | null = null;
  const ended = new Promise<grpc.ServiceError | null>((resolve) => {
    const finish = (err: grpc.ServiceError | null) => {
      if (finished) return;
      finished = true;
      finalError = err;
      resolve(err);
      for (const wake of waiters) wake();
    };
    stream.on('error', (err: grpc.ServiceError) => finish(err));
    stream.on('status', (status: grpc.StatusObject) => {
      if (status.code === grpc.status.OK) finish(null);
    });
    stream.on('end', () => setImmediate(() => finish(null)));
  });
  stream.on('data', (message: WatchedEvent) => {
    received.push(message);
    for (const wake of waiters) wake();
  });
  return {
    received,
    ended,
    cancel: () => stream.cancel(),
    waitFor: (count, timeoutMs = 10_000) =>
      new Promise<WatchedEvent[]>((resolve, reject) => {
        const check = () => {
          if (received.length >= count) done(() => resolve(received));
          else if (finished) {
            const why = finalError ? `${grpc.status[finalError.code]}: ${finalError.details}` : 'OK';
            done(() => reject(new Error(`WatchEvents ended (${why}) after ${received.length} of ${count} events`)));
          }
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`WatchEvents: ${received.length} of ${count} events within ${timeoutMs} ms`))),
          timeoutMs,
        );
        const done = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      }),
  };
}

export interface HealthClient {
  check(service?: string, opts?: CallOptions): Promise<{ status: string }>;
  close(): void;
}

export function healthClient(address: string, credentials = grpc.credentials.createInsecure()): HealthClient {
  const ctor = loadService(HEALTH_PROTO, { ...LOADER_OPTIONS, includeDirs: [] }, ['grpc', 'health', 'v1', 'Health']);
  const raw = new ctor(address, credentials) as unknown as { Check: UnaryMethod } & grpc.Client;
  return {
    check: (service = '', opts = {}) =>
      new Promise((resolve, reject) =>
        raw.Check({ service }, new grpc.Metadata(), { deadline: opts.deadline }, (err, res) =>
          err ? reject(err) : resolve(res as { status: string }),
        ),
      ),
    close: () => raw.close(),
  };
}

const REFLECTION_PROTO = `${REPO_ROOT}/node_modules/@grpc/reflection/build/proto/grpc/reflection/v1alpha/reflection.proto`;

/** The fully qualified service names the server lists through grpc.reflection.v1alpha. */
export async function listServicesByReflection(address: string, credentials = grpc.credentials.createInsecure()): Promise<string[]> {
  const ctor = loadService(REFLECTION_PROTO, { ...LOADER_OPTIONS, includeDirs: [] }, ['grpc', 'reflection', 'v1alpha', 'ServerReflection']);
  const raw = new ctor(address, credentials) as unknown as {
    ServerReflectionInfo(): grpc.ClientDuplexStream<unknown, ReflectionResponse>;
  } & grpc.Client;
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const stream = raw.ServerReflectionInfo();
      stream.once('data', (res: ReflectionResponse) => {
        stream.end();
        if (res.error_response) reject(new Error(`reflection error: ${res.error_response.error_message}`));
        else resolve((res.list_services_response?.service ?? []).map((s) => s.name));
      });
      stream.once('error', reject);
      stream.write({ host: '', list_services: '*' });
    });
  } finally {
    raw.close();
  }
}

interface ReflectionResponse {
  list_services_response?: { service: { name: string }[] } | null;
  error_response?: { error_code: number; error_message: string } | null;
}

export function isServiceError(err: unknown): err is grpc.ServiceError {
  return err instanceof Error && typeof (err as grpc.ServiceError).code === 'number';
}

/** The status code of a rejected call, or OK when it succeeded; re-throws anything that is not a gRPC error. */
export async function codeOf(call: Promise<unknown>): Promise<grpc.status> {
  try {
    await call;
    return grpc.status.OK;
  } catch (err) {
    if (isServiceError(err)) return err.code;
    throw err;
  }
}

function channelOptions(options: ClientOptions): grpc.ChannelOptions {
  return options.separateConnection ? { 'grpc.use_local_subchannel_pool': 1 } : {};
}

const constructors = new Map<string, grpc.ServiceClientConstructor>();

function loadService(file: string, loaderOptions: protoLoader.Options, path: string[]): grpc.ServiceClientConstructor {
  const cacheKey = `${file}#${path.join('.')}`;
  let ctor = constructors.get(cacheKey);
  if (!ctor) {
    let node: unknown = grpc.loadPackageDefinition(protoLoader.loadSync(file, loaderOptions));
    for (const part of path) node = (node as Record<string, unknown>)[part];
    ctor = node as grpc.ServiceClientConstructor;
    constructors.set(cacheKey, ctor);
  }
  return ctor;
}
