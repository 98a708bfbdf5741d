// How a ledger client finds a Cassandra node again after it went away.
import { policies } from 'cassandra-driver';

/**
 * The driver's default waits 1, 2, 4, … up to 600 s between attempts, so a node that restarts in 30 s
 * may be tried again only a minute later, and every commit of a shard fails with "All host(s) tried"
 * until then although the node serves. A ledger node back must be found within seconds: first retry at
 * once, then 250 ms doubling, never more than 4 s apart.
 */
export function ledgerReconnection(): policies.reconnection.ReconnectionPolicy {
  return new policies.reconnection.ExponentialReconnectionPolicy(250, 4_000, true);
}
