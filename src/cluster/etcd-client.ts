// One etcd client for the cluster's calls: every unary call bounded by a deadline, so an unreachable
// etcd turns into an error the caller retries, never a call that hangs; streams (watch, keepalive)
// carry their own.

import { Etcd3 } from 'etcd3';

export interface EtcdClientOptions {
  endpoints: string[];
  /** Deadline of each unary call (get, txn, grant, revoke); default 5 s. */
  callTimeoutMs?: number;
}

export function connectEtcd(options: EtcdClientOptions): Etcd3 {
  const callTimeoutMs = options.callTimeoutMs ?? 5_000;
  return new Etcd3({
    hosts: options.endpoints,
    dialTimeout: callTimeoutMs,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
  });
}
