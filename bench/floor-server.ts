// The benchmark "floor": the least a durable, single-writer-per-shard points engine must do per earn,
// written as cheaply as this stack allows, to show what the engine's architecture (not its business
// work) costs against the echo ceiling. The same PointsService contract and loader as the echo; each
// SubmitBatch's earns are routed by member (the engine's slot hash) to one of N worker threads; a
// worker keeps each member's balance and seq and each idempotency key's answer in memory, appends the
// group of calls that arrived meanwhile to its log file as one write, fdatasyncs it, and only then
// answers. No rules, orders, snapshots, outbox, metrics or checks: every one of those is engine work.
// The idempotency keys are kept in memory without bound (fine for a bench's minutes, not for a ledger).
//
// Usage: node --import tsx bench/floor-server.ts [host:port] [--workers N] [--durability fsync|os]
//          [--rows none|sqlite|sqlite-entry] [--dir DIR]
//   address falls back to $JIFEN_GRPC_ADDR, then 127.0.0.1:0. Prints `READY <port>` once bound.
//   --rows: also write the embedded ledger's rows of each earn (floor-shard.ts), the ladder's rungs.
//   --dir: where the logs go (kept); default a temporary directory removed at exit.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as grpc from '@grpc/grpc-js';
import { shardOf } from '../src/front/router.js';
import { workerExecArgv } from '../src/front/worker-exec-argv.js';
import type { CommandResult, EarnRequest, EarnResponse, SubmitBatchRequest, SubmitBatchResponse } from './proto.js';
import { serveBench } from './bench-server.js';
import { type Answer, OUT_FIELDS, type ShardData, type Task } from './floor-shard.js';

await serve();

async function serve(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      workers: { type: 'string', default: '2' },
      durability: { type: 'string', default: 'fsync' },
      rows: { type: 'string', default: 'none' },
      dir: { type: 'string' },
    },
  });
  const address = positionals[0] ?? process.env.JIFEN_GRPC_ADDR ?? '127.0.0.1:0';
  const count = Number(values.workers);
  if (!Number.isInteger(count) || count < 1) throw new Error(`--workers: a positive integer, got ${values.workers}`);
  if (values.durability !== 'fsync' && values.durability !== 'os') throw new Error('--durability: fsync or os');
  const rows = values.rows as ShardData['rows'];
  if (!['none', 'sqlite', 'sqlite-entry'].includes(rows)) throw new Error(`--rows: none, sqlite or sqlite-entry, got ${rows}`);
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'jifen-floor-'));
  mkdirSync(dir, { recursive: true });
  const workers = Array.from(
    { length: count },
    (_, i) =>
      // A CommonJS entry that requires floor-shard.ts: a Worker's entry file does not go through tsx's
      // ESM loader, its require does (as piscina's worker loads the engine's shard-worker.ts).
      new Worker(new URL('./floor-shard-entry.cjs', import.meta.url), {
        execArgv: workerExecArgv(process.execArgv, true),
        workerData: {
          module: fileURLToPath(new URL('./floor-shard.ts', import.meta.url)),
          logFile: join(dir, `shard-${i}.log`),
          fsync: values.durability === 'fsync',
          rows,
        } satisfies ShardData,
      }),
  );

  // A call waits for one answer per worker it sent earns to; its results go back in request order.
  interface Pending {
    results: CommandResult[];
    req: EarnRequest[];
    /** Per worker: the request positions of the earns sent to it, in order. */
    positions: number[][];
    waiting: number;
    done: (results: CommandResult[]) => void;
  }
  const pending = new Map<number, Pending>();
  let nextId = 1;
  for (const [wi, worker] of workers.entries()) {
    // A shard thread that dies would leave its calls unanswered: the bench must fail, not wait.
    worker.on('error', (err: unknown) => {
      console.error(`floor server: a shard thread failed: ${err instanceof Error ? err.stack : String(err)}`);
      process.exit(1);
    });
    worker.on('message', ({ id, out }: Answer) => {
      const p = pending.get(id) as Pending;
      const positions = p.positions[wi];
      for (let k = 0; k < positions.length; k++) {
        const at = positions[k];
        const req = p.req[at];
        const o = k * OUT_FIELDS;
        const answer: EarnResponse = {
          entry_id: `${req.tenant_id}:${req.member_id}:${out[o + 2]}`,
          points: out[o],
          balance: out[o + 1],
          seq: out[o + 2],
        };
        p.results[at] = { earn: answer };
      }
      if (--p.waiting === 0) {
        pending.delete(id);
        p.done(p.results);
      }
    });
  }

  const handlers: grpc.UntypedServiceImplementation = {
    SubmitBatch: ((call, callback) => {
      const commands = call.request.commands;
      const results: CommandResult[] = new Array(commands.length);
      const req: EarnRequest[] = new Array(commands.length);
      const items: (string | number)[][] = workers.map(() => []);
      const positions: number[][] = workers.map(() => []);
      for (let i = 0; i < commands.length; i++) {
        const earn = commands[i].earn;
        if (!earn) {
          results[i] = { error: { code: grpc.status.UNIMPLEMENTED, message: 'floor: earn only', status: 'UNIMPLEMENTED' } };
          continue;
        }
        req[i] = earn;
        const w = shardOf(earn.tenant_id, earn.member_id, workers.length);
        items[w].push(earn.tenant_id, earn.member_id, earn.idempotency_key, earn.order_id, earn.amount_minor);
        positions[w].push(i);
      }
      const id = nextId++;
      const p: Pending = { results, req, positions, waiting: 0, done: (r) => callback(null, { results: r }) };
      for (let w = 0; w < workers.length; w++) {
        if (positions[w].length === 0) continue;
        p.waiting++;
        workers[w].postMessage({ id, items: items[w] } satisfies Task);
      }
      if (p.waiting === 0) callback(null, { results });
      else pending.set(id, p);
    }) satisfies grpc.handleUnaryCall<SubmitBatchRequest, SubmitBatchResponse>,
  };

  serveBench('floor server', address, handlers);
  const shutdown = () => {
    for (const w of workers) void w.terminate();
    if (values.dir === undefined) rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
