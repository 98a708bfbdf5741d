// Loads the jifen.v1 contract for the bench processes (echo server, load generator).
// The loader options match the engine's so both sides encode/decode identically:
// longs as plain numbers, enums as names, defaults filled in, oneof name fields present.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { LOADER_OPTIONS, POINTS_PROTO, PROTO_DIR } from '../src/contract/proto.js';

export { LOADER_OPTIONS, PROTO_DIR };
export const PROTO_FILE = POINTS_PROTO;

export interface Timestamp {
  seconds: number;
  nanos: number;
}

export interface EarnRequest {
  tenant_id: string;
  member_id: string;
  idempotency_key: string;
  order_id: string;
  amount_minor: number;
  currency: string;
  channel: string;
  store_id: string;
  occurred_at: Timestamp;
  /** Anti-abuse context (the velocity profile's device windows). */
  device_id?: string;
}

export interface EarnResponse {
  entry_id: string;
  points: number;
  balance: number;
  seq: number;
}

export interface CommandError {
  code: number;
  message: string;
  status: string;
}

/** Only the earn variant is produced by the bench; decoded commands carry `command` (oneof name). */
export interface Command {
  command?: string;
  earn?: EarnRequest | null;
}

/** Decoded results carry `result`, the name of the oneof field that is set. */
export interface CommandResult {
  result?: string;
  earn?: EarnResponse | null;
  error?: CommandError | null;
}

export interface SubmitBatchRequest {
  commands: Command[];
}

export interface SubmitBatchResponse {
  results: CommandResult[];
}

export interface PointsProto {
  /** Client constructor: `new PointsService(address, credentials)`. */
  PointsService: grpc.ServiceClientConstructor;
  /** Service definition for `server.addService`. */
  service: grpc.ServiceDefinition;
}

export function loadPointsProto(): PointsProto {
  const definition = protoLoader.loadSync(PROTO_FILE, LOADER_OPTIONS);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    jifen: { v1: { PointsService: grpc.ServiceClientConstructor } };
  };
  const PointsService = loaded.jifen.v1.PointsService;
  return { PointsService, service: PointsService.service };
}

export function nowTimestamp(): Timestamp {
  const ms = Date.now();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}
