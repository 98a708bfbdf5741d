// The engine a festival run drives when no --targets are given: one embedded node, started like the
// other profiles start it (bench/processes.ts), with deploy/programs so tenant `example` earns under
// example.yaml; a fresh data directory, removed when it stops.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { freePort, type Managed, spawnManaged, stopProcess, waitUntilReady } from '../processes.js';

export interface LocalEngine {
  address: string;
  proc: Managed;
  stop(): Promise<void>;
}

export async function startEngine(root: string, shards: number | null, logDir: string): Promise<LocalEngine> {
  const host = '127.0.0.1';
  const port = await freePort(host);
  const address = `${host}:${port}`;
  const dataDir = mkdtempSync(join(os.tmpdir(), 'jifen-festival-data-'));
  let ready = false;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JIFEN_GRPC_ADDR: address,
    JIFEN_METRICS_ADDR: `${host}:${await freePort(host)}`,
    JIFEN_DATA_DIR: dataDir,
    JIFEN_BALANCES: 'memory',
    JIFEN_EVENTS: 'memory',
    JIFEN_PROGRAMS_DIR: join(root, 'deploy', 'programs'),
    ...(shards !== null ? { JIFEN_SHARDS: String(shards) } : {}),
  };
  const proc = spawnManaged('engine', process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env,
    logFile: join(logDir, 'engine.log'),
    onStdoutLine: (line) => {
      if (/listening/i.test(line)) ready = true;
    },
  });
  const stop = async () => {
    await stopProcess(proc);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(proc, { host, port, sawReadyLine: () => ready, timeoutMs: 60_000 });
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, proc, stop };
}
