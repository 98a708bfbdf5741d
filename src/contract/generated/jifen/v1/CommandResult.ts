// Original file: jifen/v1/points.proto

import type { EarnResponse as _jifen_v1_EarnResponse, EarnResponse__Output as _jifen_v1_EarnResponse__Output } from '../../jifen/v1/EarnResponse.js';
import type { RedeemResponse as _jifen_v1_RedeemResponse, RedeemResponse__Output as _jifen_v1_RedeemResponse__Output } from '../../jifen/v1/RedeemResponse.js';
import type { ReverseResponse as _jifen_v1_ReverseResponse, ReverseResponse__Output as _jifen_v1_ReverseResponse__Output } from '../../jifen/v1/ReverseResponse.js';
import type { AdjustResponse as _jifen_v1_AdjustResponse, AdjustResponse__Output as _jifen_v1_AdjustResponse__Output } from '../../jifen/v1/AdjustResponse.js';
import type { CommandError as _jifen_v1_CommandError, CommandError__Output as _jifen_v1_CommandError__Output } from '../../jifen/v1/CommandError.js';
import type { EnrollResponse as _jifen_v1_EnrollResponse, EnrollResponse__Output as _jifen_v1_EnrollResponse__Output } from '../../jifen/v1/EnrollResponse.js';
import type { RecordActivityResponse as _jifen_v1_RecordActivityResponse, RecordActivityResponse__Output as _jifen_v1_RecordActivityResponse__Output } from '../../jifen/v1/RecordActivityResponse.js';
import type { HoldResponse as _jifen_v1_HoldResponse, HoldResponse__Output as _jifen_v1_HoldResponse__Output } from '../../jifen/v1/HoldResponse.js';
import type { CaptureHoldResponse as _jifen_v1_CaptureHoldResponse, CaptureHoldResponse__Output as _jifen_v1_CaptureHoldResponse__Output } from '../../jifen/v1/CaptureHoldResponse.js';
import type { ReleaseHoldResponse as _jifen_v1_ReleaseHoldResponse, ReleaseHoldResponse__Output as _jifen_v1_ReleaseHoldResponse__Output } from '../../jifen/v1/ReleaseHoldResponse.js';
import type { TransferResponse as _jifen_v1_TransferResponse, TransferResponse__Output as _jifen_v1_TransferResponse__Output } from '../../jifen/v1/TransferResponse.js';

export interface CommandResult {
  'earn'?: (_jifen_v1_EarnResponse | null);
  'redeem'?: (_jifen_v1_RedeemResponse | null);
  'reverse'?: (_jifen_v1_ReverseResponse | null);
  'adjust'?: (_jifen_v1_AdjustResponse | null);
  'error'?: (_jifen_v1_CommandError | null);
  'enroll'?: (_jifen_v1_EnrollResponse | null);
  'activity'?: (_jifen_v1_RecordActivityResponse | null);
  'hold'?: (_jifen_v1_HoldResponse | null);
  'capture'?: (_jifen_v1_CaptureHoldResponse | null);
  'release'?: (_jifen_v1_ReleaseHoldResponse | null);
  'transfer'?: (_jifen_v1_TransferResponse | null);
  'result'?: "earn"|"redeem"|"reverse"|"adjust"|"error"|"enroll"|"activity"|"hold"|"capture"|"release"|"transfer";
}

export interface CommandResult__Output {
  'earn'?: (_jifen_v1_EarnResponse__Output | null);
  'redeem'?: (_jifen_v1_RedeemResponse__Output | null);
  'reverse'?: (_jifen_v1_ReverseResponse__Output | null);
  'adjust'?: (_jifen_v1_AdjustResponse__Output | null);
  'error'?: (_jifen_v1_CommandError__Output | null);
  'enroll'?: (_jifen_v1_EnrollResponse__Output | null);
  'activity'?: (_jifen_v1_RecordActivityResponse__Output | null);
  'hold'?: (_jifen_v1_HoldResponse__Output | null);
  'capture'?: (_jifen_v1_CaptureHoldResponse__Output | null);
  'release'?: (_jifen_v1_ReleaseHoldResponse__Output | null);
  'transfer'?: (_jifen_v1_TransferResponse__Output | null);
  'result'?: "earn"|"redeem"|"reverse"|"adjust"|"error"|"enroll"|"activity"|"hold"|"capture"|"release"|"transfer";
}
