// The outbox lag as the front computes it from commits (batch replies) and publications (the
// in-process channel), and the open holds' overdue rule, on a clock the test moves.

import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { OpenHolds } from '../../src/metrics/open-holds.js';
import { OutboxLag } from '../../src/metrics/outbox-lag.js';

function lagOn(): { lag: OutboxLag; registry: Registry; advance(ms: number): void } {
  let now = 1_000_000;
  const registry = new Registry();
  const lag = new OutboxLag(registry, () => now);
  return { lag, registry, advance: (ms) => (now += ms) };
}

describe('OutboxLag', () => {
  it('is the age of the oldest committed, unpublished record, and 0 once it is published', () => {
    const { lag, advance } = lagOn();
    lag.committed(0, 5);
    advance(3_000);
    lag.committed(0, 9);
    advance(2_000);
    expect(lag.ageSeconds(0)).toBe(5);
    lag.published(0, 5);
    expect(lag.ageSeconds(0)).toBe(2);
    lag.published(0, 9);
    expect(lag.ageSeconds(0)).toBe(0);
  });

  it('grows while nothing is published, without any new commit', () => {
    const { lag, advance } = lagOn();
    lag.committed(1, 3);
    advance(60_000);
    expect(lag.ageSeconds(1)).toBe(60);
    advance(60_000);
    expect(lag.ageSeconds(1)).toBe(120);
  });

  it('ignores a commit learned after its publication (the channel can overtake the batch reply)', () => {
    const { lag, advance } = lagOn();
    lag.published(0, 7);
    lag.committed(0, 7);
    advance(10_000);
    expect(lag.ageSeconds(0)).toBe(0);
  });

  it('merges commits less than a second apart, over-estimating by under a second', () => {
    const { lag, advance } = lagOn();
    lag.committed(0, 1);
    advance(400);
    lag.committed(0, 2);
    lag.published(0, 1);
    advance(600);
    expect(lag.ageSeconds(0)).toBe(1); // record 2 waited 0.6 s; reported from the merged mark
  });

  it('keeps shards apart and exports one series per watched shard', async () => {
    const { lag, registry, advance } = lagOn();
    lag.watch(0);
    lag.watch(1);
    lag.committed(1, 4);
    advance(2_500);
    const text = await registry.metrics();
    expect(text).toContain('jifen_outbox_lag_seconds{shard="0"} 0');
    expect(text).toContain('jifen_outbox_lag_seconds{shard="1"} 2.5');
  });
});

describe('OpenHolds', () => {
  it('forgets a hold known for longer than any hold may last (its settling event was missed)', async () => {
    let now = 0;
    const registry = new Registry();
    const holds = new OpenHolds(registry, () => now);
    holds.opened('acme', 'h1');
    now += 6 * 24 * 3_600_000;
    holds.opened('acme', 'h2');
    expect(await registry.metrics()).toContain('jifen_holds_open{tenant="acme"} 2');
    now += 2 * 24 * 3_600_000;
    expect(await registry.metrics()).toContain('jifen_holds_open{tenant="acme"} 1');
  });
});
