// A refusal that carries a retry-after hint (a velocity limit) also says it in the call's trailing
// metadata, `retry-after-ms`, so clients can back off without parsing the message.

import * as grpc from '@grpc/grpc-js';
import { RejectionError } from './status.js';

export const RETRY_AFTER_KEY = 'retry-after-ms';

const NONE: { metadata?: grpc.Metadata } = Object.freeze({});

export function retryAfterTrailerOf(err: unknown): { metadata?: grpc.Metadata } {
  const ms = err instanceof RejectionError ? err.rejection.retryAfterMs : undefined;
  if (!ms || ms <= 0) return NONE;
  const metadata = new grpc.Metadata();
  metadata.set(RETRY_AFTER_KEY, String(Math.ceil(ms)));
  return { metadata };
}
