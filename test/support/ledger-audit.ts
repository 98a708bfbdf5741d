// Reads a member's whole ledger over the API and checks the invariants every e2e test relies on:
// seq 1..n without gaps, balance_after chaining, unique idempotency keys and entry ids, and the
// account agreeing with its entries (the ledger is the truth).

import * as grpc from '@grpc/grpc-js';
import { expect } from 'vitest';
import { type Account, type Entry, type PointsClient, isServiceError } from './points-client.js';

export interface MemberLedger {
  entries: Entry[];
  account: Account;
}

/** Every entry of a member, following next_page_token to the end. */
export async function listAllEntries(client: PointsClient, tenantId: string, memberId: string, pageSize = 1000): Promise<Entry[]> {
  const entries: Entry[] = [];
  let pageToken = '';
  do {
    const page = await client.ListEntries({
      tenant_id: tenantId,
      member_id: memberId,
      page_size: pageSize,
      page_token: pageToken,
    });
    entries.push(...page.entries);
    pageToken = page.next_page_token;
  } while (pageToken !== '');
  return entries;
}

/** The member's ledger, asserted consistent; undefined when the member has no account (NOT_FOUND). */
export async function auditMember(client: PointsClient, tenantId: string, memberId: string): Promise<MemberLedger | undefined> {
  let account: Account;
  try {
    account = (await client.GetAccount({ tenant_id: tenantId, member_id: memberId })).account;
  } catch (err) {
    if (isServiceError(err) && err.code === grpc.status.NOT_FOUND) return undefined;
    throw err;
  }
  const entries = await listAllEntries(client, tenantId, memberId);
  const where = `${tenantId}/${memberId}`;

  expect(
    entries.map((e) => e.seq),
    `${where}: seq 1..n without gaps`,
  ).toEqual(Array.from({ length: entries.length }, (_, i) => i + 1));
  let balance = 0;
  for (const e of entries) {
    balance += e.points;
    expect(e.balance_after, `${where}: balance_after of seq ${e.seq} chains from the previous entry`).toBe(balance);
  }
  expect(new Set(entries.map((e) => e.idempotency_key)).size, `${where}: idempotency keys are unique`).toBe(entries.length);
  expect(new Set(entries.map((e) => e.entry_id)).size, `${where}: entry ids are unique`).toBe(entries.length);
  expect(account.seq, `${where}: account seq equals the number of entries`).toBe(entries.length);
  expect(account.balance, `${where}: account balance equals the sum of its entries`).toBe(balance);
  return { entries, account };
}
