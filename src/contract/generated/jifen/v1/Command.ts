// Original file: jifen/v1/points.proto

import type { EarnRequest as _jifen_v1_EarnRequest, EarnRequest__Output as _jifen_v1_EarnRequest__Output } from '../../jifen/v1/EarnRequest.js';
import type { RedeemRequest as _jifen_v1_RedeemRequest, RedeemRequest__Output as _jifen_v1_RedeemRequest__Output } from '../../jifen/v1/RedeemRequest.js';
import type { ReverseRequest as _jifen_v1_ReverseRequest, ReverseRequest__Output as _jifen_v1_ReverseRequest__Output } from '../../jifen/v1/ReverseRequest.js';
import type { AdjustRequest as _jifen_v1_AdjustRequest, AdjustRequest__Output as _jifen_v1_AdjustRequest__Output } from '../../jifen/v1/AdjustRequest.js';
import type { EnrollRequest as _jifen_v1_EnrollRequest, EnrollRequest__Output as _jifen_v1_EnrollRequest__Output } from '../../jifen/v1/EnrollRequest.js';
import type { RecordActivityRequest as _jifen_v1_RecordActivityRequest, RecordActivityRequest__Output as _jifen_v1_RecordActivityRequest__Output } from '../../jifen/v1/RecordActivityRequest.js';
import type { HoldRequest as _jifen_v1_HoldRequest, HoldRequest__Output as _jifen_v1_HoldRequest__Output } from '../../jifen/v1/HoldRequest.js';
import type { CaptureHoldRequest as _jifen_v1_CaptureHoldRequest, CaptureHoldRequest__Output as _jifen_v1_CaptureHoldRequest__Output } from '../../jifen/v1/CaptureHoldRequest.js';
import type { ReleaseHoldRequest as _jifen_v1_ReleaseHoldRequest, ReleaseHoldRequest__Output as _jifen_v1_ReleaseHoldRequest__Output } from '../../jifen/v1/ReleaseHoldRequest.js';
import type { TransferRequest as _jifen_v1_TransferRequest, TransferRequest__Output as _jifen_v1_TransferRequest__Output } from '../../jifen/v1/TransferRequest.js';

export interface Command {
  'earn'?: (_jifen_v1_EarnRequest | null);
  'redeem'?: (_jifen_v1_RedeemRequest | null);
  'reverse'?: (_jifen_v1_ReverseRequest | null);
  'adjust'?: (_jifen_v1_AdjustRequest | null);
  'enroll'?: (_jifen_v1_EnrollRequest | null);
  'activity'?: (_jifen_v1_RecordActivityRequest | null);
  'hold'?: (_jifen_v1_HoldRequest | null);
  'capture'?: (_jifen_v1_CaptureHoldRequest | null);
  'release'?: (_jifen_v1_ReleaseHoldRequest | null);
  'transfer'?: (_jifen_v1_TransferRequest | null);
  'command'?: "earn"|"redeem"|"reverse"|"adjust"|"enroll"|"activity"|"hold"|"capture"|"release"|"transfer";
}

export interface Command__Output {
  'earn'?: (_jifen_v1_EarnRequest__Output | null);
  'redeem'?: (_jifen_v1_RedeemRequest__Output | null);
  'reverse'?: (_jifen_v1_ReverseRequest__Output | null);
  'adjust'?: (_jifen_v1_AdjustRequest__Output | null);
  'enroll'?: (_jifen_v1_EnrollRequest__Output | null);
  'activity'?: (_jifen_v1_RecordActivityRequest__Output | null);
  'hold'?: (_jifen_v1_HoldRequest__Output | null);
  'capture'?: (_jifen_v1_CaptureHoldRequest__Output | null);
  'release'?: (_jifen_v1_ReleaseHoldRequest__Output | null);
  'transfer'?: (_jifen_v1_TransferRequest__Output | null);
  'command'?: "earn"|"redeem"|"reverse"|"adjust"|"enroll"|"activity"|"hold"|"capture"|"release"|"transfer";
}
