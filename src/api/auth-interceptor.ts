// The server interceptor in front of every method: the caller's key is authenticated from the
// `authorization: Bearer …` metadata before anything is read, and the decoded request is checked
// against the key's role and tenant (access.ts) before the handler sees it. A refused call never
// reaches a handler, so it changes nothing; each refusal is counted by reason. Health and reflection
// stay open.

import * as grpc from '@grpc/grpc-js';
import { Counter } from 'prom-client';
import { type ApiKey, bearerTokenOf } from '../auth/api-key.js';
import type { Authentication } from '../auth/key-book.js';
import type { EngineMetrics } from '../metrics/registry.js';
import { accessDenial } from './access.js';
import { isOpenPath } from './roles.js';
import { type CallStatus, permissionDenied, rejectionOfError, unauthenticated } from './status.js';

/** What the interceptor needs of the engine's keys (auth/key-book.ts). */
export interface KeyAuthenticator {
  authenticate(presented: string): Promise<Authentication>;
}

const REASONS = ['missing', 'malformed', 'unknown', 'revoked', 'expired', 'role', 'tenant'] as const;

export function authInterceptor(keys: KeyAuthenticator, metrics: EngineMetrics): grpc.ServerInterceptor {
  const failures = new Counter({
    name: 'jifen_auth_failures_total',
    help: 'Calls refused by authentication (missing, malformed, unknown, revoked, expired key) or authorization (role, tenant)',
    labelNames: ['reason'] as const,
    registers: [metrics.registry],
  });
  for (const reason of REASONS) failures.labels(reason).inc(0);

  return (method, call) => {
    if (isOpenPath(method.path)) return new grpc.ServerInterceptingCall(call);
    let key: ApiKey | undefined;
    let refused = false;
    const refuse = (reason: (typeof REASONS)[number], answer: CallStatus) => {
      refused = true;
      failures.labels(reason).inc();
      call.sendStatus({ code: answer.code, details: answer.message, metadata: null });
    };
    const listener = new grpc.ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        const token = bearerTokenOf(firstString(metadata.get('authorization')));
        if (token === 'missing' || token === 'malformed') return refuse(token, unauthenticated(token));
        keys.authenticate(token).then(
          (found) => {
            if (!found.ok) return refuse(found.failure, unauthenticated(found.failure));
            key = found.key;
            next(metadata);
          },
          (err: unknown) => {
            console.error(`authenticating a call to ${method.path} failed:`, err);
            refused = true;
            const answer = rejectionOfError(err);
            call.sendStatus({ code: answer.code, details: answer.message, metadata: null });
          },
        );
      })
      .withOnReceiveMessage((message, next) => {
        if (refused || key === undefined) return;
        const denial = accessDenial(key, method.path, message);
        if (denial) return refuse(denial.kind, permissionDenied(denial));
        next(message);
      })
      .withOnReceiveHalfClose((next) => {
        if (!refused) next();
      })
      .build();
    return new grpc.ServerInterceptingCall(call, new grpc.ResponderBuilder().withStart((next) => next(listener)).build());
  };
}

function firstString(values: grpc.MetadataValue[]): string | undefined {
  const value = values[0];
  return typeof value === 'string' ? value : undefined;
}
