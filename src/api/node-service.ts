// The node-to-node service of cluster mode (front/forward-wire.ts): a peer forwards ops and ledger-shard
// reads for slots it believes this node owns; ClusterFront serves them or answers SlotMoved. The call
// gate lets only peers in (JIFEN_CLUSTER_SECRET when authentication is on).

import type * as grpc from '@grpc/grpc-js';
import type { ClusterFront } from '../front/cluster-front.js';
import { type ForwardRequest, NODE_SERVICE, type ReadRequest, decode, encode } from '../front/forward-wire.js';

export function addNodeService(server: grpc.Server, cluster: ClusterFront): void {
  const forward: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    let request: ForwardRequest;
    try {
      request = decode<ForwardRequest>(call.request);
    } catch {
      return callback({ code: 3, details: 'undecodable Forward request' });
    }
    cluster.acceptForwarded(request.ops, request.deadlines).then(
      (results) => callback(null, encode(results)),
      (err: unknown) => callback({ code: 13, details: err instanceof Error ? err.message : String(err) }),
    );
  };
  const read: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    let request: ReadRequest;
    try {
      request = decode<ReadRequest>(call.request);
    } catch {
      return callback({ code: 3, details: 'undecodable Read request' });
    }
    cluster.acceptRead(request.group, request.task).then(
      (reply) => callback(null, encode(reply)),
      (err: unknown) => callback({ code: 13, details: err instanceof Error ? err.message : String(err) }),
    );
  };
  server.addService(NODE_SERVICE, { Forward: forward, Read: read });
}
