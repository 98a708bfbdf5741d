// Misconfiguration stops the engine at start: it exits non-zero, before listening, with a message that
// names the setting to fix. Each case is a real `node src/main.ts` with only the given environment.

import { afterAll, describe, expect, it } from 'vitest';
import { cleanupEngines, startEngineExpectingExit } from '../support/engine-process.js';

afterAll(cleanupEngines);

interface Case {
  name: string;
  env: Record<string, string>;
  /** Every one of these must appear in the output. */
  names: string[];
}

const CASES: Case[] = [
  {
    name: 'JIFEN_BALANCES=redis without REDIS_URL names REDIS_URL',
    env: { JIFEN_BALANCES: 'redis' },
    names: ['REDIS_URL'],
  },
  {
    name: 'JIFEN_EVENTS=nats without NATS_URL names NATS_URL',
    env: { JIFEN_EVENTS: 'nats' },
    names: ['NATS_URL'],
  },
  {
    name: 'JIFEN_LEDGER=cassandra without CASSANDRA_CONTACT_POINTS names CASSANDRA_CONTACT_POINTS',
    env: { JIFEN_LEDGER: 'cassandra', CASSANDRA_LOCAL_DC: 'dc1' },
    names: ['CASSANDRA_CONTACT_POINTS'],
  },
  {
    name: 'JIFEN_SHARDS=abc names JIFEN_SHARDS',
    env: { JIFEN_SHARDS: 'abc' },
    names: ['JIFEN_SHARDS'],
  },
  {
    name: 'JIFEN_SQLITE_CACHE_MB=0 names JIFEN_SQLITE_CACHE_MB',
    env: { JIFEN_SQLITE_CACHE_MB: '0' },
    names: ['JIFEN_SQLITE_CACHE_MB'],
  },
  {
    name: 'JIFEN_SQLITE_FOLD_ROWS=-1 names JIFEN_SQLITE_FOLD_ROWS',
    env: { JIFEN_SQLITE_FOLD_ROWS: '-1' },
    names: ['JIFEN_SQLITE_FOLD_ROWS'],
  },
  {
    name: 'JIFEN_NATS_ROUND_INTERVAL_MS=-5 names JIFEN_NATS_ROUND_INTERVAL_MS',
    env: { JIFEN_EVENTS: 'nats', NATS_URL: 'nats://127.0.0.1:1', JIFEN_NATS_ROUND_INTERVAL_MS: '-5' },
    names: ['JIFEN_NATS_ROUND_INTERVAL_MS'],
  },
  {
    name: 'REDIS_URL=http://x names REDIS_URL and the scheme it needs',
    env: { JIFEN_BALANCES: 'redis', REDIS_URL: 'http://x' },
    names: ['REDIS_URL', 'redis://'],
  },
];

describe('the engine refuses a misconfiguration at start', () => {
  // One process per case, all at once: each exits within a second or two of tsx loading.
  const outcomes = new Map<string, ReturnType<typeof startEngineExpectingExit>>();
  const outcomeOf = (c: Case) => {
    let outcome = outcomes.get(c.name);
    if (!outcome) {
      // Six tsx starts at once on two busy cores can take a while: a bound well above one start.
      outcome = startEngineExpectingExit({ isolateEnv: true, env: c.env }, 90_000);
      outcomes.set(c.name, outcome);
    }
    return outcome;
  };

  it.each(CASES)('$name, exiting non-zero', { timeout: 120_000 }, async (c) => {
    // Start them all on the first case so the file takes one start's time, not five.
    for (const other of CASES) void outcomeOf(other).catch(() => {});
    const { code, output } = await outcomeOf(c);
    expect(code, `exit code; output:\n${output}`).not.toBe(0);
    expect(code, `exit code (null = killed by a signal); output:\n${output}`).not.toBeNull();
    for (const name of c.names) expect(output, 'the message names the setting').toContain(name);
    expect(output, 'a configuration message, not a crash with a stack trace').not.toMatch(/^\s+at /m);
    expect(output).not.toContain('listening on');
  });

  it('JIFEN_LEDGER=cassandra without CASSANDRA_LOCAL_DC names CASSANDRA_LOCAL_DC', async () => {
    const { code, output } = await startEngineExpectingExit({
      isolateEnv: true,
      env: { JIFEN_LEDGER: 'cassandra', CASSANDRA_CONTACT_POINTS: '127.0.0.1' },
    });
    expect(code, output).not.toBe(0);
    expect(output).toContain('CASSANDRA_LOCAL_DC');
  });
});
