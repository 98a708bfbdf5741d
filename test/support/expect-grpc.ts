// Small waiting and failure helpers the end-to-end tests share.

import type * as grpc from '@grpc/grpc-js';
import { isServiceError } from './points-client.js';

/** The gRPC error a call ends with; fails the test if the call succeeds or fails otherwise. */
export async function failureOf(call: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await call;
  } catch (err) {
    if (isServiceError(err)) return err;
    throw err;
  }
  throw new Error('the call succeeded but a gRPC error was expected');
}

/**
 * Polls `probe` until it finds something: for effects that land after the answer (housekeeping,
 * follow-ups delivered to another shard).
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
