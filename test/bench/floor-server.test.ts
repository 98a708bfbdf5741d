// The floor ladder's rungs are only a floor if the floor server does what it claims: each earn decided
// (points, the member's balance and seq), a retried idempotency key answered as before and not written
// twice, and every answered earn already in its shard's log. A real process on a real socket.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/processes.js';
import { type EarnRequest, loadPointsProto, nowTimestamp, type SubmitBatchResponse } from '../../bench/proto.js';

const ROOT = new URL('../..', import.meta.url).pathname;

function earn(member: string, key: string, amountMinor: number): EarnRequest {
  return {
    tenant_id: 't1',
    member_id: member,
    idempotency_key: key,
    order_id: `o-${key}`,
    amount_minor: amountMinor,
    currency: 'CNY',
    channel: 'app',
    store_id: 's1',
    occurred_at: nowTimestamp(),
  };
}

describe.each(['none', 'sqlite'])('bench/floor-server.ts --rows %s', (rows) => {
  const dir = mkdtempSync(join(tmpdir(), 'floor-server-test-'));
  let child: ReturnType<typeof spawn>;
  let client: grpc.Client & Record<string, (...args: unknown[]) => unknown>;

  beforeAll(async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'bench/floor-server.ts', `127.0.0.1:${port}`, '--rows', rows, '--dir', dir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('READY')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`floor server exited (${code})`)));
    });
    const { PointsService } = loadPointsProto();
    client = new PointsService(`127.0.0.1:${port}`, grpc.credentials.createInsecure()) as typeof client;
  }, 30_000);

  afterAll(() => {
    client?.close();
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const submit = (earns: EarnRequest[]) =>
    new Promise<SubmitBatchResponse>((resolve, reject) =>
      client.SubmitBatch({ commands: earns.map((e) => ({ earn: e })) }, (err: Error | null, res: SubmitBatchResponse) =>
        err ? reject(err) : resolve(res),
      ),
    );
  const answers = (res: SubmitBatchResponse) =>
    res.results.map((r) => r.earn && [r.earn.points, r.earn.balance, r.earn.seq, r.earn.entry_id]);
  const logLines = () =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean));

  it('decides each earn per member, in request order, and logs it before answering', async () => {
    const res = await submit([earn('m1', 'k1', 1000), earn('m2', 'k2', 999), earn('m1', 'k3', 2550)]);
    expect(answers(res)).toEqual([
      [10, 10, 1, 't1:m1:1'],
      [9, 9, 1, 't1:m2:1'],
      [25, 35, 2, 't1:m1:2'],
    ]);
    expect(logLines()).toHaveLength(3);
  });

  it('answers a retried key as before and does not write it again', async () => {
    const res = await submit([earn('m1', 'k3', 2550), earn('m1', 'k4', 100)]);
    expect(answers(res)).toEqual([
      [25, 35, 2, 't1:m1:2'],
      [1, 36, 3, 't1:m1:3'],
    ]);
    expect(logLines()).toHaveLength(4);
  });
});
