// Vitest global setup of the `cassandra` project (vitest.config.ts): one real node per test run,
// started before the project's files and stopped after them, pass or fail. Test files read the
// contact point with cassandraTarget() (test/support/cassandra-server.ts). Overrides:
//   CASSANDRA_CONTACT_POINTS=host:port[,...]  use that cluster (CASSANDRA_LOCAL_DC, default datacenter1); start nothing
//   JIFEN_TEST_CASSANDRA=off                  skip the Cassandra suites
// With CI=true a node that cannot start (no Java, no Maven, a failed fetch, a failed start) fails the
// run with the node's last log lines; elsewhere the suites skip, loudly.

import type { TestProject } from 'vitest/node';
import { type CassandraServer, type CassandraTarget, LOCAL_DC, startCassandraServer } from './cassandra-server.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let server: CassandraServer | undefined;
  let target: CassandraTarget;
  if (process.env.JIFEN_TEST_CASSANDRA === 'off') {
    target = skip('JIFEN_TEST_CASSANDRA=off');
  } else if (process.env.CASSANDRA_CONTACT_POINTS) {
    const contactPoints = process.env.CASSANDRA_CONTACT_POINTS.split(',').map((h) => h.trim());
    target = { contactPoints, localDataCenter: process.env.CASSANDRA_LOCAL_DC ?? LOCAL_DC };
    console.log(`cassandra suites use CASSANDRA_CONTACT_POINTS=${contactPoints.join(',')} (no node started)`);
  } else {
    try {
      server = await startCassandraServer({ log: (line) => console.log(line) });
      target = { contactPoints: [server.contactPoint], localDataCenter: server.localDataCenter };
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (process.env.CI === 'true') {
        console.error(`\n*** CASSANDRA NODE FAILED (required when CI=true) ***\n${why}\n`);
        throw err;
      }
      target = skip(why);
    }
  }
  project.provide('cassandra', target);
  return async () => {
    await server?.stop();
  };
}

function skip(why: string): CassandraTarget {
  console.warn(`\n*** CASSANDRA SUITES SKIPPED: ${why} ***\n`);
  return { skipped: why.split('\n')[0] };
}
