// One unary gRPC call, the same for every service: run the handler, answer with its response or map
// its error through api/status.ts, and record the call's code and duration.

import type * as grpc from '@grpc/grpc-js';
import type { EngineMetrics } from '../metrics/registry.js';
import { ANSWERED, isInternal, rejectionOfError, statusName } from './status.js';
import { retryAfterTrailerOf } from './retry-after.js';

/**
 * Req and Res are the method's request (__Output) and response types from src/contract/generated,
 * taken from the service's Handlers type where the handler is placed; Res is not inferred from
 * `run`, so what `run` answers is checked against the contract's response.
 */
export function unary<Req, Res>(
  deps: { metrics: EngineMetrics },
  method: string,
  run: (req: Req, deadline: number) => Promise<NoInfer<Res>>,
): grpc.handleUnaryCall<Req, Res> {
  const { metrics } = deps;
  const seconds = metrics.rpcSeconds.labels(method);
  return (call, callback) => {
    const started = performance.now();
    const finish = (code: grpc.status) => {
      seconds.observe((performance.now() - started) / 1000);
      metrics.rpcs.inc({ method, code: statusName(code) });
    };
    let promise: Promise<Res>;
    try {
      promise = run(call.request, deadlineOf(call));
    } catch (err) {
      promise = Promise.reject(err);
    }
    promise.then(
      (response) => {
        finish(ANSWERED);
        callback(null, response);
      },
      (err: unknown) => {
        const { code, message } = rejectionOfError(err);
        if (isInternal(code)) console.error(`${method} failed:`, err);
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
