// Whether an earning rule or campaign applies to an order: its validity window and its conditions
// (channels, stores, tiers, minimum amount), and which line items a per-item rule matches.
// Compiled once per program into sets, so the per-order checks allocate nothing.

import type { ItemMatch, OrderConditions } from './program/program.js';

/** What the conditions look at: the order as the Earn command carries it. */
export interface OrderFacts {
  amountMinor: number;
  channel: string;
  storeId: string;
  occurredAt: number;
}

export interface CompiledConditions {
  /** undefined = any (the authored list was empty). */
  channels: ReadonlySet<string> | undefined;
  stores: ReadonlySet<string> | undefined;
  tiers: ReadonlySet<string> | undefined;
  minOrderMinor: number;
  /** validFrom ≤ occurredAt < validTo; 0 = open on that side. */
  validFrom: number;
  validTo: number;
}

export interface ItemMatcher {
  categories: ReadonlySet<string>;
  skus: ReadonlySet<string>;
}

export function compileConditions(when: OrderConditions, validFrom: number, validTo: number): CompiledConditions {
  return {
    channels: setOrAny(when.channels),
    stores: setOrAny(when.stores),
    tiers: setOrAny(when.tiers),
    minOrderMinor: when.minOrderMinor,
    validFrom,
    validTo,
  };
}

/** True when the order falls in the window and meets every condition; `tier` is the member's resolved level id. */
export function conditionsHold(c: CompiledConditions, order: OrderFacts, tier: string): boolean {
  if (c.validFrom !== 0 && order.occurredAt < c.validFrom) return false;
  if (c.validTo !== 0 && order.occurredAt >= c.validTo) return false;
  if (order.amountMinor < c.minOrderMinor) return false;
  if (c.channels !== undefined && !c.channels.has(order.channel)) return false;
  if (c.stores !== undefined && !c.stores.has(order.storeId)) return false;
  if (c.tiers !== undefined && !c.tiers.has(tier)) return false;
  return true;
}

/** An item matches when its category or its sku is listed; empty lists match nothing. */
export function compileItemMatch(match: ItemMatch): ItemMatcher {
  return { categories: new Set(match.categories), skus: new Set(match.skus) };
}

export function itemMatches(m: ItemMatcher, item: { sku: string; category: string }): boolean {
  return m.categories.has(item.category) || m.skus.has(item.sku);
}

function setOrAny(values: string[]): ReadonlySet<string> | undefined {
  return values.length === 0 ? undefined : new Set(values);
}
