// Node to node (cluster mode): the internal service a node forwards commands and ledger-shard reads
// through to the owner of their slot. Its messages are the shard ops and results themselves in V8's
// serialization (what worker threads use, via node:v8), so nothing is decoded twice and no field can
// be lost between the public contract and the shard; every node of a cluster must run the same
// engine version (a rolling upgrade that changes these types needs a drain first, deploy/CLUSTER.md).

import { deserialize, serialize } from 'node:v8';
import type * as grpc from '@grpc/grpc-js';
import type { ShardOp } from '../actor/commands.js';
import type { Rejection } from '../actor/rejections.js';
import type { OpResult } from '../actor/results.js';
import type { GroupRead } from './shard-threads.js';

export const NODE_SERVICE_PREFIX = '/jifen.cluster.v1.Node/';
export const FORWARD_PATH = `${NODE_SERVICE_PREFIX}Forward`;
export const READ_PATH = `${NODE_SERVICE_PREFIX}Read`;

export interface ForwardRequest {
  ops: ShardOp[];
  /** Per op: epoch ms after which its caller no longer waits. */
  deadlines: number[];
}

/** Per op, in order. */
export type ForwardReply = OpResult[];

export interface ReadRequest {
  group: number;
  task: GroupRead;
}

export type ReadReply = { ok: true; value: unknown } | { ok: false; rejection: Rejection };

export const encode = (value: unknown): Buffer => serialize(value);
export const decode = <T>(bytes: Buffer): T => deserialize(bytes) as T;

/** The service for grpc.Server.addService; messages stay bytes (decoded by the handlers). */
export const NODE_SERVICE: grpc.ServiceDefinition = {
  Forward: bytesMethod(FORWARD_PATH),
  Read: bytesMethod(READ_PATH),
};

function bytesMethod(path: string): grpc.MethodDefinition<Buffer, Buffer> {
  const same = (b: Buffer) => b;
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: same,
    requestDeserialize: same,
    responseSerialize: same,
    responseDeserialize: same,
  };
}
