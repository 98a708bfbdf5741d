// The benchmark "ceiling": a bare grpc-js PointsService that answers Earn and SubmitBatch
// immediately with responses shaped (and sized) like the engine's, doing no other work.
// Whatever the engine reaches relative to this is what its own work costs.
//
// Usage: node --import tsx bench/echo-server.ts [host:port]
//   address falls back to $JIFEN_GRPC_ADDR, then 127.0.0.1:0 (any free port).
// Prints `READY <port>` on stdout once bound; exits on SIGTERM/SIGINT.
import * as grpc from '@grpc/grpc-js';
import type { CommandResult, EarnRequest, EarnResponse, SubmitBatchRequest, SubmitBatchResponse } from './proto.js';
import { serveBench } from './bench-server.js';

const address = process.argv[2] ?? process.env.JIFEN_GRPC_ADDR ?? '127.0.0.1:0';

// Same fields and roughly the same byte size as a real first-earn answer
// (entry id "<tenant>:<member>:<seq>", points = 1 per yuan, balance = points, seq 1).
function earnAnswer(req: EarnRequest): EarnResponse {
  const points = Math.floor(req.amount_minor / 100);
  return {
    entry_id: `${req.tenant_id}:${req.member_id}:1`,
    points,
    balance: points,
    seq: 1,
  };
}

const handlers: grpc.UntypedServiceImplementation = {
  Earn: ((call, callback) => {
    callback(null, earnAnswer(call.request));
  }) satisfies grpc.handleUnaryCall<EarnRequest, EarnResponse>,

  SubmitBatch: ((call, callback) => {
    const results: CommandResult[] = call.request.commands.map((cmd) =>
      cmd.earn
        ? { earn: earnAnswer(cmd.earn) }
        : {
            error: {
              code: grpc.status.UNIMPLEMENTED,
              message: 'echo: earn only',
              status: 'UNIMPLEMENTED',
            },
          },
    );
    callback(null, { results });
  }) satisfies grpc.handleUnaryCall<SubmitBatchRequest, SubmitBatchResponse>,
};

const server = serveBench('echo server', address, handlers);

function shutdown(): void {
  // Give in-flight calls a moment, then go regardless: the bench is already done with us.
  const force = setTimeout(() => process.exit(0), 2000);
  force.unref();
  server.tryShutdown(() => process.exit(0));
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
