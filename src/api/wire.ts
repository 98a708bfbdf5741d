// The request messages as handlers receive them: the __Output types `npm run proto:types` generates
// from the contract into src/contract/generated (keepCase, longs as Number, enums as String,
// defaults, oneofs as a field naming the case), so a field renamed in proto/ fails the build here.

import type { RiskFieldsMsg } from '../actor/risk/risk-context.js';
import type { Timestamp__Output } from '../contract/generated/google/protobuf/Timestamp.js';
import type { AdjustRequest__Output } from '../contract/generated/jifen/v1/AdjustRequest.js';
import type { CaptureHoldRequest__Output } from '../contract/generated/jifen/v1/CaptureHoldRequest.js';
import type { Command__Output } from '../contract/generated/jifen/v1/Command.js';
import type { EarnRequest__Output } from '../contract/generated/jifen/v1/EarnRequest.js';
import type { EnrollRequest__Output } from '../contract/generated/jifen/v1/EnrollRequest.js';
import type { GetAccountRequest__Output } from '../contract/generated/jifen/v1/GetAccountRequest.js';
import type { HoldRequest__Output } from '../contract/generated/jifen/v1/HoldRequest.js';
import type { LineItem__Output } from '../contract/generated/jifen/v1/LineItem.js';
import type { ListEntriesRequest__Output } from '../contract/generated/jifen/v1/ListEntriesRequest.js';
import type { QuoteRedemptionRequest__Output } from '../contract/generated/jifen/v1/QuoteRedemptionRequest.js';
import type { RecordActivityRequest__Output } from '../contract/generated/jifen/v1/RecordActivityRequest.js';
import type { RedeemRequest__Output } from '../contract/generated/jifen/v1/RedeemRequest.js';
import type { ReleaseHoldRequest__Output } from '../contract/generated/jifen/v1/ReleaseHoldRequest.js';
import type { ReverseRequest__Output } from '../contract/generated/jifen/v1/ReverseRequest.js';
import type { SubmitBatchRequest__Output } from '../contract/generated/jifen/v1/SubmitBatchRequest.js';
import type { TransferRequest__Output } from '../contract/generated/jifen/v1/TransferRequest.js';

/**
 * A request as its decoder reads it. The anti-abuse fields (40-42) may be absent: riskFieldOf reads
 * them with their defaults, so a caller building a request by hand (a test, a batch) may leave them out.
 */
type Decoded<T> = Omit<T, keyof RiskFieldsMsg> & Partial<Pick<T, Extract<keyof T, keyof RiskFieldsMsg>>>;

export type Timestamp = Timestamp__Output;
export type LineItemMsg = LineItem__Output;
export type EarnRequestMsg = Decoded<EarnRequest__Output>;
export type EnrollRequestMsg = Decoded<EnrollRequest__Output>;
export type RecordActivityRequestMsg = Decoded<RecordActivityRequest__Output>;
export type HoldRequestMsg = Decoded<HoldRequest__Output>;
export type CaptureHoldRequestMsg = Decoded<CaptureHoldRequest__Output>;
export type ReleaseHoldRequestMsg = Decoded<ReleaseHoldRequest__Output>;
/** kind as any name: decodeTransfer checks it (an enum number the contract lacks arrives unnamed). */
export type TransferRequestMsg = Omit<Decoded<TransferRequest__Output>, 'kind'> & { kind: string };
export type QuoteRedemptionRequestMsg = Decoded<QuoteRedemptionRequest__Output>;
export type RedeemRequestMsg = Decoded<RedeemRequest__Output>;
export type ReverseRequestMsg = Decoded<ReverseRequest__Output>;
export type AdjustRequestMsg = Decoded<AdjustRequest__Output>;
export type GetAccountRequestMsg = GetAccountRequest__Output;
export type ListEntriesRequestMsg = ListEntriesRequest__Output;

interface CaseRequests {
  earn: EarnRequestMsg;
  redeem: RedeemRequestMsg;
  reverse: ReverseRequestMsg;
  adjust: AdjustRequestMsg;
  enroll: EnrollRequestMsg;
  activity: RecordActivityRequestMsg;
  hold: HoldRequestMsg;
  capture: CaptureHoldRequestMsg;
  release: ReleaseHoldRequestMsg;
  transfer: TransferRequestMsg;
}

/** One command of a SubmitBatch: the oneof's case names the one request set. */
export type CommandMsg = Pick<Command__Output, 'command'> & {
  [K in NonNullable<Command__Output['command']>]?: CaseRequests[K] | null;
};

export type SubmitBatchRequestMsg = Omit<SubmitBatchRequest__Output, 'commands'> & { commands: CommandMsg[] };

export function timestampOf(ms: number): Timestamp {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}
