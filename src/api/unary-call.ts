// One unary gRPC call, the same for every service: run the handler, answer with its response or map
// its error through api/status.ts, and record the call's code and duration.

import * as grpc from '@grpc/grpc-js';
import type { EngineMetrics } from '../metrics/registry.js';
import { rejectionOfError, statusName } from './status.js';
import { retryAfterTrailerOf } from './retry-after.js';

type Handler = (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => void;

export function unary(
  deps: { metrics: EngineMetrics },
  method: string,
  run: (req: any, deadline: number) => Promise<Record<string, unknown>>,
): Handler {
  const { metrics } = deps;
  const seconds = metrics.rpcSeconds.labels(method);
  return (call, callback) => {
    const started = performance.now();
    const finish = (code: grpc.status) => {
      seconds.observe((performance.now() - started) / 1000);
      metrics.rpcs.inc({ method, code: statusName(code) });
    };
    let promise: Promise<Record<string, unknown>>;
    try {
      promise = run(call.request, deadlineOf(call));
    } catch (err) {
      promise = Promise.reject(err);
    }
    promise.then(
      (response) => {
        finish(grpc.status.OK);
        callback(null, response);
      },
      (err: unknown) => {
        const { code, message } = rejectionOfError(err);
        if (code === grpc.status.INTERNAL) console.error(`${method} failed:`, err);
        finish(code);
        callback({ code, details: message, ...retryAfterTrailerOf(err) });
      },
    );
  };
}

function deadlineOf(call: grpc.ServerUnaryCall<unknown, unknown>): number {
  const deadline = call.getDeadline();
  if (deadline instanceof Date) return deadline.getTime();
  return Number.isFinite(deadline) ? deadline : Number.POSITIVE_INFINITY;
}
