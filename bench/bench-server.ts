// What the bench's own PointsService servers (the echo ceiling, the floor) share: the methods they do
// not serve answer UNIMPLEMENTED, channelz is off as on the engine's server (src/api/server.ts: the
// ratio then measures the engine's work, not a per-call setting only one side pays), and `READY <port>`
// on stdout once bound, which the harnesses wait for.
import * as grpc from '@grpc/grpc-js';
import { loadPointsProto } from './proto.js';

const METHODS = ['Earn', 'SubmitBatch', 'Redeem', 'Reverse', 'Adjust', 'GetAccount', 'ListEntries'] as const;

/** Binds `served` (every other method UNIMPLEMENTED) at `address`; prints READY, or exits 1 if it cannot bind. */
export function serveBench(name: string, address: string, served: grpc.UntypedServiceImplementation): grpc.Server {
  const only = Object.keys(served).join(' and ');
  const unimplemented: grpc.handleUnaryCall<unknown, unknown> = (_call, callback) =>
    callback({ code: grpc.status.UNIMPLEMENTED, details: `${name}: only ${only}` });
  const handlers: grpc.UntypedServiceImplementation = Object.fromEntries(METHODS.map((m) => [m, served[m] ?? unimplemented]));
  const server = new grpc.Server({ 'grpc.enable_channelz': 0 });
  server.addService(loadPointsProto().service, handlers);
  server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) {
      console.error(`${name}: cannot bind ${address}: ${err.message}`);
      process.exit(1);
    }
    console.log(`READY ${port}`);
  });
  return server;
}
