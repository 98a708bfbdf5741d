// The server interceptor in front of every method but health and reflection, the one place that
// decides whether a call may reach its handler and that writes down what operators and admins did:
//   1. who calls: the `authorization: Bearer …` API key, else (mTLS) a client certificate that stands
//      for a tenant and role; with authentication off, the anonymous caller;
//   2. may it: the decoded request against the caller's role and tenant (access.ts);
//   3. not too fast: the caller's token bucket (a SubmitBatch costs one token per command), and for
//      WatchEvents the streams it and everyone already hold open;
//   4. the audit trail: an audited call's record is written before its answer leaves.
// A refused call never reaches a handler, so it changes nothing; each refusal is counted by reason.

import { createHash, timingSafeEqual } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Counter, Gauge } from 'prom-client';
import { bearerTokenOf } from '../auth/api-key.js';
import type { AuditRecord } from '../auth/audit-trail.js';
import { ANONYMOUS, type Caller, callerOfCertificate } from '../auth/caller.js';
import type { Authentication } from '../auth/key-book.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import type { StreamQuota } from '../auth/stream-quota.js';
import type { EngineMetrics } from '../metrics/registry.js';
import { accessDenial, tenantOf } from './access.js';
import { reasonOf, requestSummary } from './audit-summary.js';
import { RETRY_AFTER_KEY } from './retry-after.js';
import { NODE_SERVICE_PREFIX } from '../front/forward-wire.js';
import { AUDITED_PATHS, isOpenPath } from './roles.js';
import { type CallStatus, permissionDenied, rateLimited, rejectionOfError, statusName, tooManyStreams, unauthenticated } from './status.js';

/** What the gate needs of the engine's keys (auth/key-book.ts). */
export interface KeyAuthenticator {
  authenticate(presented: string): Promise<Authentication>;
  /** The answer at once for a key string already verified (no hash, no promise), else undefined. */
  authenticateKnown?(presented: string): Authentication | undefined;
}

export interface CallGateDeps {
  /** The API keys every call must present; undefined: authentication off (every caller is anonymous). */
  keys?: KeyAuthenticator;
  /** Whether a verified client certificate may stand for a caller (mTLS with a client CA). */
  certificateCallers: boolean;
  limiter: RateLimiter;
  streams: StreamQuota;
  audit?: { record(entry: Omit<AuditRecord, 'id'>): Promise<unknown> };
  metrics: EngineMetrics;
  clock: () => number;
  /**
   * Cluster mode with authentication on: the secret peers present on node-to-node calls
   * (JIFEN_CLUSTER_SECRET). Node calls are refused to everyone else, API keys included.
   */
  nodeSecret?: string;
}

const WATCH_PATH = '/jifen.v1.PointsService/WatchEvents';
const BATCH_PATH = '/jifen.v1.PointsService/SubmitBatch';
const REASONS = ['missing', 'malformed', 'unknown', 'revoked', 'expired', 'role', 'tenant'] as const;

export function callGate(deps: CallGateDeps): grpc.ServerInterceptor {
  const { metrics } = deps;
  const failures = new Counter({
    name: 'jifen_auth_failures_total',
    help: 'Calls refused by authentication (missing, malformed, unknown, revoked, expired key) or authorization (role, tenant)',
    labelNames: ['reason'] as const,
    registers: [metrics.registry],
  });
  for (const reason of REASONS) failures.labels(reason).inc(0);
  const limited = new Counter({
    name: 'jifen_rate_limited_total',
    help: 'Calls refused with RESOURCE_EXHAUSTED by the rate limit of their key, by role',
    labelNames: ['role'] as const,
    registers: [metrics.registry],
  });
  const streamRefusals = new Counter({
    name: 'jifen_watch_streams_refused_total',
    help: 'WatchEvents calls refused because their key (per_caller) or all callers (total) hold the most streams allowed',
    labelNames: ['reason'] as const,
    registers: [metrics.registry],
  });
  new Gauge({
    name: 'jifen_watch_streams_open',
    help: 'WatchEvents streams open on this engine',
    registers: [metrics.registry],
    collect() {
      this.set(deps.streams.openStreams);
    },
  });
  const audits = new Counter({
    name: 'jifen_audit_records_total',
    help: 'Audit-trail records of admin and operator actions: written, or failed (logged; the answer still goes out)',
    labelNames: ['result'] as const,
    registers: [metrics.registry],
  });
  audits.labels('written').inc(0);
  audits.labels('failed').inc(0);

  return (method, call) => {
    const path = method.path;
    if (isOpenPath(path)) return new grpc.ServerInterceptingCall(call);
    if (path.startsWith(NODE_SERVICE_PREFIX))
      return deps.keys ? peersOnly(call, deps.nodeSecret, failures) : new grpc.ServerInterceptingCall(call);
    const audited = deps.audit !== undefined && AUDITED_PATHS.has(path);
    const watch = path === WATCH_PATH;
    // Without keys an ordinary call has nothing to check: it passes untouched.
    if (!deps.keys && !audited && !watch) return new grpc.ServerInterceptingCall(call);

    let caller: Caller | undefined = deps.keys ? undefined : ANONYMOUS;
    let refused = false;
    let request: unknown;
    let streamHeld = false;
    const releaseStream = () => {
      if (!streamHeld || !caller) return;
      streamHeld = false;
      deps.streams.release(caller.id);
    };
    const refuse = (answer: CallStatus, metadata: grpc.Metadata | null = null) => {
      refused = true;
      call.sendStatus({ code: answer.code, details: answer.message, metadata });
    };

    const listener = new grpc.ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        if (!deps.keys) return next(metadata);
        const header = firstString(metadata.get('authorization'));
        if (header === undefined && deps.certificateCallers) {
          const certificate = call.getAuthContext().sslPeerCertificate;
          const fromCertificate = certificate ? callerOfCertificate(certificate.subjectaltname, certificate.raw) : undefined;
          if (fromCertificate) {
            caller = fromCertificate;
            return next(metadata);
          }
        }
        const token = bearerTokenOf(header);
        if (token === 'missing' || token === 'malformed') {
          failures.labels(token).inc();
          return refuse(unauthenticated(token));
        }
        const admit = (found: Authentication) => {
          if (!found.ok) {
            failures.labels(found.failure).inc();
            return refuse(unauthenticated(found.failure));
          }
          caller = found.key;
          next(metadata);
        };
        const known = deps.keys.authenticateKnown?.(token);
        if (known) return admit(known);
        deps.keys.authenticate(token).then(admit, (err: unknown) => {
          console.error(`authenticating a call to ${path} failed:`, err);
          refuse(rejectionOfError(err));
        });
      })
      .withOnReceiveMessage((message, next) => {
        if (refused || caller === undefined) return;
        if (deps.keys) {
          const denial = accessDenial(caller, path, message);
          if (denial) {
            failures.labels(denial.kind).inc();
            return refuse(permissionDenied(denial));
          }
        }
        const cost = path === BATCH_PATH ? Math.max(1, commandsOf(message)) : 1;
        const rate = deps.limiter.take(caller.id, caller.role, cost);
        if (!rate.ok) {
          limited.labels(caller.role ?? '').inc();
          const trailer = new grpc.Metadata();
          trailer.set(RETRY_AFTER_KEY, String(rate.retryAfterMs));
          return refuse(rateLimited(caller, rate), trailer);
        }
        if (watch) {
          const refusal = deps.streams.acquire(caller.id, caller !== ANONYMOUS);
          if (refusal) {
            streamRefusals.labels(refusal.kind).inc();
            return refuse(tooManyStreams(refusal));
          }
          streamHeld = true;
        }
        if (audited) request = message;
        next(message);
      })
      .withOnReceiveHalfClose((next) => {
        if (!refused) next();
      })
      .withOnCancel(releaseStream)
      .build();

    // A call that is neither audited nor a stream has nothing to do on its way out: no responder of
    // the gate's own, which grpc-js would call for every message and status (the hot path, Earn).
    if (!audited && !watch) return new grpc.ServerInterceptingCall(call, { start: (next) => next(listener) });
    const responder = new grpc.ResponderBuilder()
      .withStart((next) => next(listener))
      .withSendStatus((status, next) => {
        releaseStream();
        if (!audited || request === undefined || !deps.audit || !caller) return next(status);
        deps.audit
          .record({
            at: deps.clock(),
            keyId: caller.id,
            role: caller.role ?? '',
            tenantId: tenantOf(request) || (caller.tenantId ?? ''),
            method: methodOf(path),
            requestJson: requestSummary(request),
            reason: reasonOf(request),
            outcome: status.code === grpc.status.OK ? 'OK' : statusName(status.code),
            outcomeMessage: status.code === grpc.status.OK ? '' : status.details,
            peer: call.getPeer(),
          })
          .then(
            () => {
              audits.labels('written').inc();
              next(status);
            },
            (err: unknown) => {
              audits.labels('failed').inc();
              console.error(`jifen: writing the audit record of a call to ${path} failed:`, err);
              next(status);
            },
          );
      })
      .build();
    return new grpc.ServerInterceptingCall(call, responder);
  };
}

/** A node-to-node call passes with the cluster's secret as its bearer token, and with nothing else. */
function peersOnly(
  call: grpc.ServerInterceptingCallInterface,
  secret: string | undefined,
  failures: Counter<'reason'>,
): grpc.ServerInterceptingCall {
  const expected = secret === undefined ? undefined : createHash('sha256').update(secret).digest();
  let refused = false;
  const listener = new grpc.ServerListenerBuilder()
    .withOnReceiveMetadata((metadata, next) => {
      const token = bearerTokenOf(firstString(metadata.get('authorization')));
      const presented = typeof token === 'string' && token !== 'missing' && token !== 'malformed' ? token : undefined;
      const ok =
        expected !== undefined && presented !== undefined && timingSafeEqual(createHash('sha256').update(presented).digest(), expected);
      if (ok) return next(metadata);
      refused = true;
      failures.labels(presented === undefined ? 'missing' : 'unknown').inc();
      call.sendStatus({
        code: grpc.status.UNAUTHENTICATED,
        details: 'node-to-node calls need the cluster secret (JIFEN_CLUSTER_SECRET)',
        metadata: null,
      });
    })
    .withOnReceiveMessage((message, next) => {
      if (!refused) next(message);
    })
    .withOnReceiveHalfClose((next) => {
      if (!refused) next();
    })
    .build();
  return new grpc.ServerInterceptingCall(call, new grpc.ResponderBuilder().withStart((next) => next(listener)).build());
}

/** `/jifen.v1.PointsService/Adjust` → `PointsService.Adjust`. */
function methodOf(path: string): string {
  return path.slice(path.lastIndexOf('.', path.lastIndexOf('/')) + 1).replace('/', '.');
}

function firstString(values: grpc.MetadataValue[]): string | undefined {
  const value = values[0];
  return typeof value === 'string' ? value : undefined;
}

function commandsOf(message: unknown): number {
  const commands = (message as { commands?: unknown } | null)?.commands;
  return Array.isArray(commands) ? commands.length : 0;
}
