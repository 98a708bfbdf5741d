// The node-to-node service of cluster mode (front/forward-wire.ts): a peer forwards ops and ledger-shard
// reads for slots it believes this node owns; ClusterFront serves them or answers SlotMoved. The call
// gate lets only peers in (JIFEN_CLUSTER_SECRET when authentication is on).

import * as grpc from '@grpc/grpc-js';
import type { ClusterFront } from '../front/cluster-front.js';
import { type ForwardRequest, NODE_SERVICE, type ReadRequest, decode, encode } from '../front/forward-wire.js';

export function addNodeService(server: grpc.Server, cluster: ClusterFront): void {
  server.addService(NODE_SERVICE, {
    Forward: bytesHandler<ForwardRequest>('Forward', (r) => cluster.acceptForwarded(r.ops, r.deadlines)),
    Read: bytesHandler<ReadRequest>('Read', (r) => cluster.acceptRead(r.group, r.task)),
  });
}

/** A unary handler whose request and answer travel in V8's serialization. */
function bytesHandler<T>(name: string, serve: (request: T) => Promise<unknown>): grpc.handleUnaryCall<Buffer, Buffer> {
  return (call, callback) => {
    let request: T;
    try {
      request = decode<T>(call.request);
    } catch {
      return callback({ code: grpc.status.INVALID_ARGUMENT, details: `undecodable ${name} request` });
    }
    serve(request).then(
      (answer) => callback(null, encode(answer)),
      (err: unknown) => callback({ code: grpc.status.INTERNAL, details: err instanceof Error ? err.message : String(err) }),
    );
  };
}
