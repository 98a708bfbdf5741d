// The gRPC error a call must end with, for end-to-end tests that expect a rejection.

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
