// The state a reward's stock actor keeps about its units: shapes only (and the empty one), so the
// member state can name it while the stock fold (stock.ts) and its deciders import the member state.

export interface Reservation {
  buyerId: string;
  unit: string;
  quantity: number;
  periodKey: string;
}

export type ReservationOutcome =
  | { state: 'open' }
  | { state: 'sold'; memberEntryId: string }
  | { state: 'cancelled'; refusal: { kind: string; message: string } }
  | { state: 'unknown' };

export interface StockState {
  /** Units sold and set aside, per unit ('' for the reward, prize ids for a lottery). */
  sold: Record<string, number>;
  reserved: Record<string, number>;
  open: Record<string, Reservation>;
  /** Outcomes of recent reservations, oldest first (bounded): what a retried request is answered from. */
  settled: Record<string, Exclude<ReservationOutcome, { state: 'open' } | { state: 'unknown' }>>;
  /** Units each member took in the limit's current period. */
  buyers: Record<string, { periodKey: string; units: number }>;
}

export function emptyStock(): StockState {
  return { sold: {}, reserved: {}, open: {}, settled: {}, buyers: {} };
}
