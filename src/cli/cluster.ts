// `jifen cluster`: the cluster as etcd holds it, by the same JIFEN_CLUSTER_* settings as the engine.
//
//   npm run cluster -- status [--json]
//
// Exit code: 0 done, 2 usage or configuration errors, 1 anything else (etcd unreachable).

import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { connectEtcd } from '../cluster/etcd-client.js';
import { formatStatus, readClusterStatus } from '../cluster/status.js';
import { ConfigError, loadClusterSettings } from '../config/config.js';

const USAGE = 'usage: cluster status [--json]   (etcd from JIFEN_CLUSTER_ETCD_ENDPOINTS, keys under JIFEN_CLUSTER_PREFIX)';

export class ClusterUsageError extends Error {
  override name = 'ClusterUsageError';
}

/** Runs one cluster command against etcd at `endpoints`, printing through `out`. */
export async function runCluster(
  argv: string[],
  settings: { endpoints: string[]; prefix: string },
  out: (line: string) => void,
): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
  const [command, ...rest] = positionals;
  if (command !== 'status' || rest.length > 0)
    throw new ClusterUsageError(command === undefined ? 'no command' : `unknown command ${positionals.join(' ')}`);
  const client = connectEtcd({ endpoints: settings.endpoints });
  try {
    const status = await readClusterStatus(client, settings.prefix);
    out(values.json ? JSON.stringify(status, null, 2) : formatStatus(status));
  } finally {
    client.close();
  }
}

async function main(): Promise<number> {
  try {
    // The tool reads the cluster whether or not this environment enables it for an engine.
    const env = loadClusterSettings();
    await runCluster(process.argv.slice(2), { endpoints: env.etcdEndpoints, prefix: env.prefix }, (line) => console.log(line));
    return 0;
  } catch (err) {
    const usage =
      err instanceof ClusterUsageError || err instanceof ConfigError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(usage ? `${(err as Error).message}\n${USAGE}` : `cluster: ${(err as Error).message}`);
    return usage ? 2 : 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then((code) => process.exit(code));
}
