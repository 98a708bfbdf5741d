// payloadFingerprint tells a retry (same payload) from a reuse of its key (anything different).

import { describe, expect, it } from 'vitest';
import type { WriteCommand } from '../../src/actor/commands.js';
import { payloadFingerprint } from '../../src/actor/fingerprint.js';
import { adjustCmd, earnCmd, redeemCmd, reverseCmd } from './member-fixtures.js';

const item = { sku: 'sku-1', category: 'tea', amountMinor: 12_345, quantity: 1 };
const earn = earnCmd({ items: [item], occurredAt: 1_750_000_000_000 });
const redeem = redeemCmd(100, { orderId: 'o-9' });
const reverse = reverseCmd('o-1', 6_000);
const adjust = adjustCmd(-30);

interface Row {
  field: string;
  base: WriteCommand;
  changed: WriteCommand;
}

const rows: Row[] = [
  { field: 'earn.orderId', base: earn, changed: { ...earn, orderId: 'o-2' } },
  { field: 'earn.amountMinor', base: earn, changed: { ...earn, amountMinor: 12_346 } },
  { field: 'earn.currency', base: earn, changed: { ...earn, currency: 'HKD' } },
  { field: 'earn.channel', base: earn, changed: { ...earn, channel: 'web' } },
  { field: 'earn.storeId', base: earn, changed: { ...earn, storeId: 's-2' } },
  { field: 'earn.occurredAt', base: earn, changed: { ...earn, occurredAt: earn.occurredAt + 1 } },
  { field: 'earn.items (one more)', base: earn, changed: { ...earn, items: [item, item] } },
  { field: 'earn.items (none)', base: earn, changed: { ...earn, items: [] } },
  { field: 'earn.items[0].sku', base: earn, changed: { ...earn, items: [{ ...item, sku: 'sku-2' }] } },
  { field: 'earn.items[0].category', base: earn, changed: { ...earn, items: [{ ...item, category: 'coffee' }] } },
  { field: 'earn.items[0].amountMinor', base: earn, changed: { ...earn, items: [{ ...item, amountMinor: 1 }] } },
  { field: 'earn.items[0].quantity', base: earn, changed: { ...earn, items: [{ ...item, quantity: 2 }] } },
  { field: 'redeem.points', base: redeem, changed: { ...redeem, points: 101 } },
  { field: 'redeem.reason', base: redeem, changed: { ...redeem, reason: 'other' } },
  { field: 'redeem.orderId', base: redeem, changed: { ...redeem, orderId: '' } },
  { field: 'reverse.orderId', base: reverse, changed: { ...reverse, orderId: 'o-2' } },
  { field: 'reverse.amountMinor', base: reverse, changed: { ...reverse, amountMinor: 0 } },
  { field: 'reverse.reason', base: reverse, changed: { ...reverse, reason: 'damaged' } },
  { field: 'adjust.points', base: adjust, changed: { ...adjust, points: 30 } },
  { field: 'adjust.reason', base: adjust, changed: { ...adjust, reason: 'other' } },
  { field: 'adjust.operator', base: adjust, changed: { ...adjust, operator: 'someone@acme' } },
  {
    field: 'kind (redeem vs adjust with equal points and reason)',
    base: redeemCmd(5, { reason: 'r' }),
    changed: adjustCmd(5, { reason: 'r', operator: '' }),
  },
];

describe('payloadFingerprint', () => {
  it.each([earn, redeem, reverse, adjust])('is 16 lowercase hex characters for a $kind', (cmd) => {
    expect(payloadFingerprint(cmd)).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each([earn, redeem, reverse, adjust])('is the same for an equal $kind payload built anew', (cmd) => {
    expect(payloadFingerprint(structuredClone(cmd))).toBe(payloadFingerprint(cmd));
  });

  it.each(rows)('changes when $field changes', ({ base, changed }) => {
    expect(payloadFingerprint(changed)).not.toBe(payloadFingerprint(base));
  });

  it('moving characters across the channel/storeId boundary changes it', () => {
    const a = earnCmd({ channel: 'ab', storeId: 'c' });
    const b = earnCmd({ channel: 'a', storeId: 'bc' });
    expect(payloadFingerprint(a)).not.toBe(payloadFingerprint(b));
  });

  it('moving characters across the sku/category boundary changes it', () => {
    const a = earnCmd({ items: [{ ...item, sku: 'ab', category: 'c' }] });
    const b = earnCmd({ items: [{ ...item, sku: 'a', category: 'bc' }] });
    expect(payloadFingerprint(a)).not.toBe(payloadFingerprint(b));
  });
});
