// Original file: jifen/v1/points.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AdjustRequest as _jifen_v1_AdjustRequest, AdjustRequest__Output as _jifen_v1_AdjustRequest__Output } from '../../jifen/v1/AdjustRequest.js';
import type { AdjustResponse as _jifen_v1_AdjustResponse, AdjustResponse__Output as _jifen_v1_AdjustResponse__Output } from '../../jifen/v1/AdjustResponse.js';
import type { CancelRedemptionRequest as _jifen_v1_CancelRedemptionRequest, CancelRedemptionRequest__Output as _jifen_v1_CancelRedemptionRequest__Output } from '../../jifen/v1/CancelRedemptionRequest.js';
import type { CancelRedemptionResponse as _jifen_v1_CancelRedemptionResponse, CancelRedemptionResponse__Output as _jifen_v1_CancelRedemptionResponse__Output } from '../../jifen/v1/CancelRedemptionResponse.js';
import type { CaptureHoldRequest as _jifen_v1_CaptureHoldRequest, CaptureHoldRequest__Output as _jifen_v1_CaptureHoldRequest__Output } from '../../jifen/v1/CaptureHoldRequest.js';
import type { CaptureHoldResponse as _jifen_v1_CaptureHoldResponse, CaptureHoldResponse__Output as _jifen_v1_CaptureHoldResponse__Output } from '../../jifen/v1/CaptureHoldResponse.js';
import type { DrawLotteryRequest as _jifen_v1_DrawLotteryRequest, DrawLotteryRequest__Output as _jifen_v1_DrawLotteryRequest__Output } from '../../jifen/v1/DrawLotteryRequest.js';
import type { DrawLotteryResponse as _jifen_v1_DrawLotteryResponse, DrawLotteryResponse__Output as _jifen_v1_DrawLotteryResponse__Output } from '../../jifen/v1/DrawLotteryResponse.js';
import type { EarnRequest as _jifen_v1_EarnRequest, EarnRequest__Output as _jifen_v1_EarnRequest__Output } from '../../jifen/v1/EarnRequest.js';
import type { EarnResponse as _jifen_v1_EarnResponse, EarnResponse__Output as _jifen_v1_EarnResponse__Output } from '../../jifen/v1/EarnResponse.js';
import type { EnrollRequest as _jifen_v1_EnrollRequest, EnrollRequest__Output as _jifen_v1_EnrollRequest__Output } from '../../jifen/v1/EnrollRequest.js';
import type { EnrollResponse as _jifen_v1_EnrollResponse, EnrollResponse__Output as _jifen_v1_EnrollResponse__Output } from '../../jifen/v1/EnrollResponse.js';
import type { GetAccountRequest as _jifen_v1_GetAccountRequest, GetAccountRequest__Output as _jifen_v1_GetAccountRequest__Output } from '../../jifen/v1/GetAccountRequest.js';
import type { GetAccountResponse as _jifen_v1_GetAccountResponse, GetAccountResponse__Output as _jifen_v1_GetAccountResponse__Output } from '../../jifen/v1/GetAccountResponse.js';
import type { HoldRequest as _jifen_v1_HoldRequest, HoldRequest__Output as _jifen_v1_HoldRequest__Output } from '../../jifen/v1/HoldRequest.js';
import type { HoldResponse as _jifen_v1_HoldResponse, HoldResponse__Output as _jifen_v1_HoldResponse__Output } from '../../jifen/v1/HoldResponse.js';
import type { ListEntriesRequest as _jifen_v1_ListEntriesRequest, ListEntriesRequest__Output as _jifen_v1_ListEntriesRequest__Output } from '../../jifen/v1/ListEntriesRequest.js';
import type { ListEntriesResponse as _jifen_v1_ListEntriesResponse, ListEntriesResponse__Output as _jifen_v1_ListEntriesResponse__Output } from '../../jifen/v1/ListEntriesResponse.js';
import type { ListRedemptionsRequest as _jifen_v1_ListRedemptionsRequest, ListRedemptionsRequest__Output as _jifen_v1_ListRedemptionsRequest__Output } from '../../jifen/v1/ListRedemptionsRequest.js';
import type { ListRedemptionsResponse as _jifen_v1_ListRedemptionsResponse, ListRedemptionsResponse__Output as _jifen_v1_ListRedemptionsResponse__Output } from '../../jifen/v1/ListRedemptionsResponse.js';
import type { QuoteRedemptionRequest as _jifen_v1_QuoteRedemptionRequest, QuoteRedemptionRequest__Output as _jifen_v1_QuoteRedemptionRequest__Output } from '../../jifen/v1/QuoteRedemptionRequest.js';
import type { QuoteRedemptionResponse as _jifen_v1_QuoteRedemptionResponse, QuoteRedemptionResponse__Output as _jifen_v1_QuoteRedemptionResponse__Output } from '../../jifen/v1/QuoteRedemptionResponse.js';
import type { RecordActivityRequest as _jifen_v1_RecordActivityRequest, RecordActivityRequest__Output as _jifen_v1_RecordActivityRequest__Output } from '../../jifen/v1/RecordActivityRequest.js';
import type { RecordActivityResponse as _jifen_v1_RecordActivityResponse, RecordActivityResponse__Output as _jifen_v1_RecordActivityResponse__Output } from '../../jifen/v1/RecordActivityResponse.js';
import type { RedeemRequest as _jifen_v1_RedeemRequest, RedeemRequest__Output as _jifen_v1_RedeemRequest__Output } from '../../jifen/v1/RedeemRequest.js';
import type { RedeemResponse as _jifen_v1_RedeemResponse, RedeemResponse__Output as _jifen_v1_RedeemResponse__Output } from '../../jifen/v1/RedeemResponse.js';
import type { RedeemRewardRequest as _jifen_v1_RedeemRewardRequest, RedeemRewardRequest__Output as _jifen_v1_RedeemRewardRequest__Output } from '../../jifen/v1/RedeemRewardRequest.js';
import type { RedeemRewardResponse as _jifen_v1_RedeemRewardResponse, RedeemRewardResponse__Output as _jifen_v1_RedeemRewardResponse__Output } from '../../jifen/v1/RedeemRewardResponse.js';
import type { ReleaseHoldRequest as _jifen_v1_ReleaseHoldRequest, ReleaseHoldRequest__Output as _jifen_v1_ReleaseHoldRequest__Output } from '../../jifen/v1/ReleaseHoldRequest.js';
import type { ReleaseHoldResponse as _jifen_v1_ReleaseHoldResponse, ReleaseHoldResponse__Output as _jifen_v1_ReleaseHoldResponse__Output } from '../../jifen/v1/ReleaseHoldResponse.js';
import type { ReverseRequest as _jifen_v1_ReverseRequest, ReverseRequest__Output as _jifen_v1_ReverseRequest__Output } from '../../jifen/v1/ReverseRequest.js';
import type { ReverseResponse as _jifen_v1_ReverseResponse, ReverseResponse__Output as _jifen_v1_ReverseResponse__Output } from '../../jifen/v1/ReverseResponse.js';
import type { SubmitBatchRequest as _jifen_v1_SubmitBatchRequest, SubmitBatchRequest__Output as _jifen_v1_SubmitBatchRequest__Output } from '../../jifen/v1/SubmitBatchRequest.js';
import type { SubmitBatchResponse as _jifen_v1_SubmitBatchResponse, SubmitBatchResponse__Output as _jifen_v1_SubmitBatchResponse__Output } from '../../jifen/v1/SubmitBatchResponse.js';
import type { TransferRequest as _jifen_v1_TransferRequest, TransferRequest__Output as _jifen_v1_TransferRequest__Output } from '../../jifen/v1/TransferRequest.js';
import type { TransferResponse as _jifen_v1_TransferResponse, TransferResponse__Output as _jifen_v1_TransferResponse__Output } from '../../jifen/v1/TransferResponse.js';
import type { WatchEventsRequest as _jifen_v1_WatchEventsRequest, WatchEventsRequest__Output as _jifen_v1_WatchEventsRequest__Output } from '../../jifen/v1/WatchEventsRequest.js';
import type { WatchEventsResponse as _jifen_v1_WatchEventsResponse, WatchEventsResponse__Output as _jifen_v1_WatchEventsResponse__Output } from '../../jifen/v1/WatchEventsResponse.js';

export interface PointsServiceClient extends grpc.Client {
  Adjust(argument: _jifen_v1_AdjustRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_AdjustResponse__Output>): grpc.ClientUnaryCall;
  Adjust(argument: _jifen_v1_AdjustRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_AdjustResponse__Output>): grpc.ClientUnaryCall;
  Adjust(argument: _jifen_v1_AdjustRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_AdjustResponse__Output>): grpc.ClientUnaryCall;
  Adjust(argument: _jifen_v1_AdjustRequest, callback: grpc.requestCallback<_jifen_v1_AdjustResponse__Output>): grpc.ClientUnaryCall;
  adjust(argument: _jifen_v1_AdjustRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_AdjustResponse__Output>): grpc.ClientUnaryCall;
  adjust(argument: _jifen_v1_AdjustRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_AdjustResponse__Output>): grpc.ClientUnaryCall;
  adjust(argument: _jifen_v1_AdjustRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_AdjustResponse__Output>): grpc.ClientUnaryCall;
  adjust(argument: _jifen_v1_AdjustRequest, callback: grpc.requestCallback<_jifen_v1_AdjustResponse__Output>): grpc.ClientUnaryCall;
  
  CancelRedemption(argument: _jifen_v1_CancelRedemptionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_CancelRedemptionResponse__Output>): grpc.ClientUnaryCall;
  CancelRedemption(argument: _jifen_v1_CancelRedemptionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_CancelRedemptionResponse__Output>): grpc.ClientUnaryCall;
  CancelRedemption(argument: _jifen_v1_CancelRedemptionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_CancelRedemptionResponse__Output>): grpc.ClientUnaryCall;
  CancelRedemption(argument: _jifen_v1_CancelRedemptionRequest, callback: grpc.requestCallback<_jifen_v1_CancelRedemptionResponse__Output>): grpc.ClientUnaryCall;
  cancelRedemption(argument: _jifen_v1_CancelRedemptionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_CancelRedemptionResponse__Output>): grpc.ClientUnaryCall;
  cancelRedemption(argument: _jifen_v1_CancelRedemptionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_CancelRedemptionResponse__Output>): grpc.ClientUnaryCall;
  cancelRedemption(argument: _jifen_v1_CancelRedemptionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_CancelRedemptionResponse__Output>): grpc.ClientUnaryCall;
  cancelRedemption(argument: _jifen_v1_CancelRedemptionRequest, callback: grpc.requestCallback<_jifen_v1_CancelRedemptionResponse__Output>): grpc.ClientUnaryCall;
  
  CaptureHold(argument: _jifen_v1_CaptureHoldRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_CaptureHoldResponse__Output>): grpc.ClientUnaryCall;
  CaptureHold(argument: _jifen_v1_CaptureHoldRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_CaptureHoldResponse__Output>): grpc.ClientUnaryCall;
  CaptureHold(argument: _jifen_v1_CaptureHoldRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_CaptureHoldResponse__Output>): grpc.ClientUnaryCall;
  CaptureHold(argument: _jifen_v1_CaptureHoldRequest, callback: grpc.requestCallback<_jifen_v1_CaptureHoldResponse__Output>): grpc.ClientUnaryCall;
  captureHold(argument: _jifen_v1_CaptureHoldRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_CaptureHoldResponse__Output>): grpc.ClientUnaryCall;
  captureHold(argument: _jifen_v1_CaptureHoldRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_CaptureHoldResponse__Output>): grpc.ClientUnaryCall;
  captureHold(argument: _jifen_v1_CaptureHoldRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_CaptureHoldResponse__Output>): grpc.ClientUnaryCall;
  captureHold(argument: _jifen_v1_CaptureHoldRequest, callback: grpc.requestCallback<_jifen_v1_CaptureHoldResponse__Output>): grpc.ClientUnaryCall;
  
  DrawLottery(argument: _jifen_v1_DrawLotteryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_DrawLotteryResponse__Output>): grpc.ClientUnaryCall;
  DrawLottery(argument: _jifen_v1_DrawLotteryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_DrawLotteryResponse__Output>): grpc.ClientUnaryCall;
  DrawLottery(argument: _jifen_v1_DrawLotteryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_DrawLotteryResponse__Output>): grpc.ClientUnaryCall;
  DrawLottery(argument: _jifen_v1_DrawLotteryRequest, callback: grpc.requestCallback<_jifen_v1_DrawLotteryResponse__Output>): grpc.ClientUnaryCall;
  drawLottery(argument: _jifen_v1_DrawLotteryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_DrawLotteryResponse__Output>): grpc.ClientUnaryCall;
  drawLottery(argument: _jifen_v1_DrawLotteryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_DrawLotteryResponse__Output>): grpc.ClientUnaryCall;
  drawLottery(argument: _jifen_v1_DrawLotteryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_DrawLotteryResponse__Output>): grpc.ClientUnaryCall;
  drawLottery(argument: _jifen_v1_DrawLotteryRequest, callback: grpc.requestCallback<_jifen_v1_DrawLotteryResponse__Output>): grpc.ClientUnaryCall;
  
  Earn(argument: _jifen_v1_EarnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_EarnResponse__Output>): grpc.ClientUnaryCall;
  Earn(argument: _jifen_v1_EarnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_EarnResponse__Output>): grpc.ClientUnaryCall;
  Earn(argument: _jifen_v1_EarnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_EarnResponse__Output>): grpc.ClientUnaryCall;
  Earn(argument: _jifen_v1_EarnRequest, callback: grpc.requestCallback<_jifen_v1_EarnResponse__Output>): grpc.ClientUnaryCall;
  earn(argument: _jifen_v1_EarnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_EarnResponse__Output>): grpc.ClientUnaryCall;
  earn(argument: _jifen_v1_EarnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_EarnResponse__Output>): grpc.ClientUnaryCall;
  earn(argument: _jifen_v1_EarnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_EarnResponse__Output>): grpc.ClientUnaryCall;
  earn(argument: _jifen_v1_EarnRequest, callback: grpc.requestCallback<_jifen_v1_EarnResponse__Output>): grpc.ClientUnaryCall;
  
  Enroll(argument: _jifen_v1_EnrollRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _jifen_v1_EnrollRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _jifen_v1_EnrollRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _jifen_v1_EnrollRequest, callback: grpc.requestCallback<_jifen_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _jifen_v1_EnrollRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _jifen_v1_EnrollRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _jifen_v1_EnrollRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _jifen_v1_EnrollRequest, callback: grpc.requestCallback<_jifen_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  
  GetAccount(argument: _jifen_v1_GetAccountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_GetAccountResponse__Output>): grpc.ClientUnaryCall;
  GetAccount(argument: _jifen_v1_GetAccountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_GetAccountResponse__Output>): grpc.ClientUnaryCall;
  GetAccount(argument: _jifen_v1_GetAccountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_GetAccountResponse__Output>): grpc.ClientUnaryCall;
  GetAccount(argument: _jifen_v1_GetAccountRequest, callback: grpc.requestCallback<_jifen_v1_GetAccountResponse__Output>): grpc.ClientUnaryCall;
  getAccount(argument: _jifen_v1_GetAccountRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_GetAccountResponse__Output>): grpc.ClientUnaryCall;
  getAccount(argument: _jifen_v1_GetAccountRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_GetAccountResponse__Output>): grpc.ClientUnaryCall;
  getAccount(argument: _jifen_v1_GetAccountRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_GetAccountResponse__Output>): grpc.ClientUnaryCall;
  getAccount(argument: _jifen_v1_GetAccountRequest, callback: grpc.requestCallback<_jifen_v1_GetAccountResponse__Output>): grpc.ClientUnaryCall;
  
  Hold(argument: _jifen_v1_HoldRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_HoldResponse__Output>): grpc.ClientUnaryCall;
  Hold(argument: _jifen_v1_HoldRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_HoldResponse__Output>): grpc.ClientUnaryCall;
  Hold(argument: _jifen_v1_HoldRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_HoldResponse__Output>): grpc.ClientUnaryCall;
  Hold(argument: _jifen_v1_HoldRequest, callback: grpc.requestCallback<_jifen_v1_HoldResponse__Output>): grpc.ClientUnaryCall;
  hold(argument: _jifen_v1_HoldRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_HoldResponse__Output>): grpc.ClientUnaryCall;
  hold(argument: _jifen_v1_HoldRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_HoldResponse__Output>): grpc.ClientUnaryCall;
  hold(argument: _jifen_v1_HoldRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_HoldResponse__Output>): grpc.ClientUnaryCall;
  hold(argument: _jifen_v1_HoldRequest, callback: grpc.requestCallback<_jifen_v1_HoldResponse__Output>): grpc.ClientUnaryCall;
  
  ListEntries(argument: _jifen_v1_ListEntriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListEntriesResponse__Output>): grpc.ClientUnaryCall;
  ListEntries(argument: _jifen_v1_ListEntriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ListEntriesResponse__Output>): grpc.ClientUnaryCall;
  ListEntries(argument: _jifen_v1_ListEntriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListEntriesResponse__Output>): grpc.ClientUnaryCall;
  ListEntries(argument: _jifen_v1_ListEntriesRequest, callback: grpc.requestCallback<_jifen_v1_ListEntriesResponse__Output>): grpc.ClientUnaryCall;
  listEntries(argument: _jifen_v1_ListEntriesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListEntriesResponse__Output>): grpc.ClientUnaryCall;
  listEntries(argument: _jifen_v1_ListEntriesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ListEntriesResponse__Output>): grpc.ClientUnaryCall;
  listEntries(argument: _jifen_v1_ListEntriesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListEntriesResponse__Output>): grpc.ClientUnaryCall;
  listEntries(argument: _jifen_v1_ListEntriesRequest, callback: grpc.requestCallback<_jifen_v1_ListEntriesResponse__Output>): grpc.ClientUnaryCall;
  
  ListRedemptions(argument: _jifen_v1_ListRedemptionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListRedemptionsResponse__Output>): grpc.ClientUnaryCall;
  ListRedemptions(argument: _jifen_v1_ListRedemptionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ListRedemptionsResponse__Output>): grpc.ClientUnaryCall;
  ListRedemptions(argument: _jifen_v1_ListRedemptionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListRedemptionsResponse__Output>): grpc.ClientUnaryCall;
  ListRedemptions(argument: _jifen_v1_ListRedemptionsRequest, callback: grpc.requestCallback<_jifen_v1_ListRedemptionsResponse__Output>): grpc.ClientUnaryCall;
  listRedemptions(argument: _jifen_v1_ListRedemptionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListRedemptionsResponse__Output>): grpc.ClientUnaryCall;
  listRedemptions(argument: _jifen_v1_ListRedemptionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ListRedemptionsResponse__Output>): grpc.ClientUnaryCall;
  listRedemptions(argument: _jifen_v1_ListRedemptionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListRedemptionsResponse__Output>): grpc.ClientUnaryCall;
  listRedemptions(argument: _jifen_v1_ListRedemptionsRequest, callback: grpc.requestCallback<_jifen_v1_ListRedemptionsResponse__Output>): grpc.ClientUnaryCall;
  
  QuoteRedemption(argument: _jifen_v1_QuoteRedemptionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_QuoteRedemptionResponse__Output>): grpc.ClientUnaryCall;
  QuoteRedemption(argument: _jifen_v1_QuoteRedemptionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_QuoteRedemptionResponse__Output>): grpc.ClientUnaryCall;
  QuoteRedemption(argument: _jifen_v1_QuoteRedemptionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_QuoteRedemptionResponse__Output>): grpc.ClientUnaryCall;
  QuoteRedemption(argument: _jifen_v1_QuoteRedemptionRequest, callback: grpc.requestCallback<_jifen_v1_QuoteRedemptionResponse__Output>): grpc.ClientUnaryCall;
  quoteRedemption(argument: _jifen_v1_QuoteRedemptionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_QuoteRedemptionResponse__Output>): grpc.ClientUnaryCall;
  quoteRedemption(argument: _jifen_v1_QuoteRedemptionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_QuoteRedemptionResponse__Output>): grpc.ClientUnaryCall;
  quoteRedemption(argument: _jifen_v1_QuoteRedemptionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_QuoteRedemptionResponse__Output>): grpc.ClientUnaryCall;
  quoteRedemption(argument: _jifen_v1_QuoteRedemptionRequest, callback: grpc.requestCallback<_jifen_v1_QuoteRedemptionResponse__Output>): grpc.ClientUnaryCall;
  
  RecordActivity(argument: _jifen_v1_RecordActivityRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RecordActivityResponse__Output>): grpc.ClientUnaryCall;
  RecordActivity(argument: _jifen_v1_RecordActivityRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_RecordActivityResponse__Output>): grpc.ClientUnaryCall;
  RecordActivity(argument: _jifen_v1_RecordActivityRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RecordActivityResponse__Output>): grpc.ClientUnaryCall;
  RecordActivity(argument: _jifen_v1_RecordActivityRequest, callback: grpc.requestCallback<_jifen_v1_RecordActivityResponse__Output>): grpc.ClientUnaryCall;
  recordActivity(argument: _jifen_v1_RecordActivityRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RecordActivityResponse__Output>): grpc.ClientUnaryCall;
  recordActivity(argument: _jifen_v1_RecordActivityRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_RecordActivityResponse__Output>): grpc.ClientUnaryCall;
  recordActivity(argument: _jifen_v1_RecordActivityRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RecordActivityResponse__Output>): grpc.ClientUnaryCall;
  recordActivity(argument: _jifen_v1_RecordActivityRequest, callback: grpc.requestCallback<_jifen_v1_RecordActivityResponse__Output>): grpc.ClientUnaryCall;
  
  Redeem(argument: _jifen_v1_RedeemRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RedeemResponse__Output>): grpc.ClientUnaryCall;
  Redeem(argument: _jifen_v1_RedeemRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_RedeemResponse__Output>): grpc.ClientUnaryCall;
  Redeem(argument: _jifen_v1_RedeemRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RedeemResponse__Output>): grpc.ClientUnaryCall;
  Redeem(argument: _jifen_v1_RedeemRequest, callback: grpc.requestCallback<_jifen_v1_RedeemResponse__Output>): grpc.ClientUnaryCall;
  redeem(argument: _jifen_v1_RedeemRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RedeemResponse__Output>): grpc.ClientUnaryCall;
  redeem(argument: _jifen_v1_RedeemRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_RedeemResponse__Output>): grpc.ClientUnaryCall;
  redeem(argument: _jifen_v1_RedeemRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RedeemResponse__Output>): grpc.ClientUnaryCall;
  redeem(argument: _jifen_v1_RedeemRequest, callback: grpc.requestCallback<_jifen_v1_RedeemResponse__Output>): grpc.ClientUnaryCall;
  
  RedeemReward(argument: _jifen_v1_RedeemRewardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RedeemRewardResponse__Output>): grpc.ClientUnaryCall;
  RedeemReward(argument: _jifen_v1_RedeemRewardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_RedeemRewardResponse__Output>): grpc.ClientUnaryCall;
  RedeemReward(argument: _jifen_v1_RedeemRewardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RedeemRewardResponse__Output>): grpc.ClientUnaryCall;
  RedeemReward(argument: _jifen_v1_RedeemRewardRequest, callback: grpc.requestCallback<_jifen_v1_RedeemRewardResponse__Output>): grpc.ClientUnaryCall;
  redeemReward(argument: _jifen_v1_RedeemRewardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RedeemRewardResponse__Output>): grpc.ClientUnaryCall;
  redeemReward(argument: _jifen_v1_RedeemRewardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_RedeemRewardResponse__Output>): grpc.ClientUnaryCall;
  redeemReward(argument: _jifen_v1_RedeemRewardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RedeemRewardResponse__Output>): grpc.ClientUnaryCall;
  redeemReward(argument: _jifen_v1_RedeemRewardRequest, callback: grpc.requestCallback<_jifen_v1_RedeemRewardResponse__Output>): grpc.ClientUnaryCall;
  
  ReleaseHold(argument: _jifen_v1_ReleaseHoldRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ReleaseHoldResponse__Output>): grpc.ClientUnaryCall;
  ReleaseHold(argument: _jifen_v1_ReleaseHoldRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ReleaseHoldResponse__Output>): grpc.ClientUnaryCall;
  ReleaseHold(argument: _jifen_v1_ReleaseHoldRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ReleaseHoldResponse__Output>): grpc.ClientUnaryCall;
  ReleaseHold(argument: _jifen_v1_ReleaseHoldRequest, callback: grpc.requestCallback<_jifen_v1_ReleaseHoldResponse__Output>): grpc.ClientUnaryCall;
  releaseHold(argument: _jifen_v1_ReleaseHoldRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ReleaseHoldResponse__Output>): grpc.ClientUnaryCall;
  releaseHold(argument: _jifen_v1_ReleaseHoldRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ReleaseHoldResponse__Output>): grpc.ClientUnaryCall;
  releaseHold(argument: _jifen_v1_ReleaseHoldRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ReleaseHoldResponse__Output>): grpc.ClientUnaryCall;
  releaseHold(argument: _jifen_v1_ReleaseHoldRequest, callback: grpc.requestCallback<_jifen_v1_ReleaseHoldResponse__Output>): grpc.ClientUnaryCall;
  
  Reverse(argument: _jifen_v1_ReverseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ReverseResponse__Output>): grpc.ClientUnaryCall;
  Reverse(argument: _jifen_v1_ReverseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ReverseResponse__Output>): grpc.ClientUnaryCall;
  Reverse(argument: _jifen_v1_ReverseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ReverseResponse__Output>): grpc.ClientUnaryCall;
  Reverse(argument: _jifen_v1_ReverseRequest, callback: grpc.requestCallback<_jifen_v1_ReverseResponse__Output>): grpc.ClientUnaryCall;
  reverse(argument: _jifen_v1_ReverseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ReverseResponse__Output>): grpc.ClientUnaryCall;
  reverse(argument: _jifen_v1_ReverseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ReverseResponse__Output>): grpc.ClientUnaryCall;
  reverse(argument: _jifen_v1_ReverseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ReverseResponse__Output>): grpc.ClientUnaryCall;
  reverse(argument: _jifen_v1_ReverseRequest, callback: grpc.requestCallback<_jifen_v1_ReverseResponse__Output>): grpc.ClientUnaryCall;
  
  SubmitBatch(argument: _jifen_v1_SubmitBatchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_SubmitBatchResponse__Output>): grpc.ClientUnaryCall;
  SubmitBatch(argument: _jifen_v1_SubmitBatchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_SubmitBatchResponse__Output>): grpc.ClientUnaryCall;
  SubmitBatch(argument: _jifen_v1_SubmitBatchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_SubmitBatchResponse__Output>): grpc.ClientUnaryCall;
  SubmitBatch(argument: _jifen_v1_SubmitBatchRequest, callback: grpc.requestCallback<_jifen_v1_SubmitBatchResponse__Output>): grpc.ClientUnaryCall;
  submitBatch(argument: _jifen_v1_SubmitBatchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_SubmitBatchResponse__Output>): grpc.ClientUnaryCall;
  submitBatch(argument: _jifen_v1_SubmitBatchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_SubmitBatchResponse__Output>): grpc.ClientUnaryCall;
  submitBatch(argument: _jifen_v1_SubmitBatchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_SubmitBatchResponse__Output>): grpc.ClientUnaryCall;
  submitBatch(argument: _jifen_v1_SubmitBatchRequest, callback: grpc.requestCallback<_jifen_v1_SubmitBatchResponse__Output>): grpc.ClientUnaryCall;
  
  Transfer(argument: _jifen_v1_TransferRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_TransferResponse__Output>): grpc.ClientUnaryCall;
  Transfer(argument: _jifen_v1_TransferRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_TransferResponse__Output>): grpc.ClientUnaryCall;
  Transfer(argument: _jifen_v1_TransferRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_TransferResponse__Output>): grpc.ClientUnaryCall;
  Transfer(argument: _jifen_v1_TransferRequest, callback: grpc.requestCallback<_jifen_v1_TransferResponse__Output>): grpc.ClientUnaryCall;
  transfer(argument: _jifen_v1_TransferRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_TransferResponse__Output>): grpc.ClientUnaryCall;
  transfer(argument: _jifen_v1_TransferRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_TransferResponse__Output>): grpc.ClientUnaryCall;
  transfer(argument: _jifen_v1_TransferRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_TransferResponse__Output>): grpc.ClientUnaryCall;
  transfer(argument: _jifen_v1_TransferRequest, callback: grpc.requestCallback<_jifen_v1_TransferResponse__Output>): grpc.ClientUnaryCall;
  
  WatchEvents(argument: _jifen_v1_WatchEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_jifen_v1_WatchEventsResponse__Output>;
  WatchEvents(argument: _jifen_v1_WatchEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_jifen_v1_WatchEventsResponse__Output>;
  watchEvents(argument: _jifen_v1_WatchEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_jifen_v1_WatchEventsResponse__Output>;
  watchEvents(argument: _jifen_v1_WatchEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_jifen_v1_WatchEventsResponse__Output>;
  
}

export interface PointsServiceHandlers extends grpc.UntypedServiceImplementation {
  Adjust: grpc.handleUnaryCall<_jifen_v1_AdjustRequest__Output, _jifen_v1_AdjustResponse>;
  
  CancelRedemption: grpc.handleUnaryCall<_jifen_v1_CancelRedemptionRequest__Output, _jifen_v1_CancelRedemptionResponse>;
  
  CaptureHold: grpc.handleUnaryCall<_jifen_v1_CaptureHoldRequest__Output, _jifen_v1_CaptureHoldResponse>;
  
  DrawLottery: grpc.handleUnaryCall<_jifen_v1_DrawLotteryRequest__Output, _jifen_v1_DrawLotteryResponse>;
  
  Earn: grpc.handleUnaryCall<_jifen_v1_EarnRequest__Output, _jifen_v1_EarnResponse>;
  
  Enroll: grpc.handleUnaryCall<_jifen_v1_EnrollRequest__Output, _jifen_v1_EnrollResponse>;
  
  GetAccount: grpc.handleUnaryCall<_jifen_v1_GetAccountRequest__Output, _jifen_v1_GetAccountResponse>;
  
  Hold: grpc.handleUnaryCall<_jifen_v1_HoldRequest__Output, _jifen_v1_HoldResponse>;
  
  ListEntries: grpc.handleUnaryCall<_jifen_v1_ListEntriesRequest__Output, _jifen_v1_ListEntriesResponse>;
  
  ListRedemptions: grpc.handleUnaryCall<_jifen_v1_ListRedemptionsRequest__Output, _jifen_v1_ListRedemptionsResponse>;
  
  QuoteRedemption: grpc.handleUnaryCall<_jifen_v1_QuoteRedemptionRequest__Output, _jifen_v1_QuoteRedemptionResponse>;
  
  RecordActivity: grpc.handleUnaryCall<_jifen_v1_RecordActivityRequest__Output, _jifen_v1_RecordActivityResponse>;
  
  Redeem: grpc.handleUnaryCall<_jifen_v1_RedeemRequest__Output, _jifen_v1_RedeemResponse>;
  
  RedeemReward: grpc.handleUnaryCall<_jifen_v1_RedeemRewardRequest__Output, _jifen_v1_RedeemRewardResponse>;
  
  ReleaseHold: grpc.handleUnaryCall<_jifen_v1_ReleaseHoldRequest__Output, _jifen_v1_ReleaseHoldResponse>;
  
  Reverse: grpc.handleUnaryCall<_jifen_v1_ReverseRequest__Output, _jifen_v1_ReverseResponse>;
  
  SubmitBatch: grpc.handleUnaryCall<_jifen_v1_SubmitBatchRequest__Output, _jifen_v1_SubmitBatchResponse>;
  
  Transfer: grpc.handleUnaryCall<_jifen_v1_TransferRequest__Output, _jifen_v1_TransferResponse>;
  
  WatchEvents: grpc.handleServerStreamingCall<_jifen_v1_WatchEventsRequest__Output, _jifen_v1_WatchEventsResponse>;
  
}

export interface PointsServiceDefinition extends grpc.ServiceDefinition {
  Adjust: MethodDefinition<_jifen_v1_AdjustRequest, _jifen_v1_AdjustResponse, _jifen_v1_AdjustRequest__Output, _jifen_v1_AdjustResponse__Output>
  CancelRedemption: MethodDefinition<_jifen_v1_CancelRedemptionRequest, _jifen_v1_CancelRedemptionResponse, _jifen_v1_CancelRedemptionRequest__Output, _jifen_v1_CancelRedemptionResponse__Output>
  CaptureHold: MethodDefinition<_jifen_v1_CaptureHoldRequest, _jifen_v1_CaptureHoldResponse, _jifen_v1_CaptureHoldRequest__Output, _jifen_v1_CaptureHoldResponse__Output>
  DrawLottery: MethodDefinition<_jifen_v1_DrawLotteryRequest, _jifen_v1_DrawLotteryResponse, _jifen_v1_DrawLotteryRequest__Output, _jifen_v1_DrawLotteryResponse__Output>
  Earn: MethodDefinition<_jifen_v1_EarnRequest, _jifen_v1_EarnResponse, _jifen_v1_EarnRequest__Output, _jifen_v1_EarnResponse__Output>
  Enroll: MethodDefinition<_jifen_v1_EnrollRequest, _jifen_v1_EnrollResponse, _jifen_v1_EnrollRequest__Output, _jifen_v1_EnrollResponse__Output>
  GetAccount: MethodDefinition<_jifen_v1_GetAccountRequest, _jifen_v1_GetAccountResponse, _jifen_v1_GetAccountRequest__Output, _jifen_v1_GetAccountResponse__Output>
  Hold: MethodDefinition<_jifen_v1_HoldRequest, _jifen_v1_HoldResponse, _jifen_v1_HoldRequest__Output, _jifen_v1_HoldResponse__Output>
  ListEntries: MethodDefinition<_jifen_v1_ListEntriesRequest, _jifen_v1_ListEntriesResponse, _jifen_v1_ListEntriesRequest__Output, _jifen_v1_ListEntriesResponse__Output>
  ListRedemptions: MethodDefinition<_jifen_v1_ListRedemptionsRequest, _jifen_v1_ListRedemptionsResponse, _jifen_v1_ListRedemptionsRequest__Output, _jifen_v1_ListRedemptionsResponse__Output>
  QuoteRedemption: MethodDefinition<_jifen_v1_QuoteRedemptionRequest, _jifen_v1_QuoteRedemptionResponse, _jifen_v1_QuoteRedemptionRequest__Output, _jifen_v1_QuoteRedemptionResponse__Output>
  RecordActivity: MethodDefinition<_jifen_v1_RecordActivityRequest, _jifen_v1_RecordActivityResponse, _jifen_v1_RecordActivityRequest__Output, _jifen_v1_RecordActivityResponse__Output>
  Redeem: MethodDefinition<_jifen_v1_RedeemRequest, _jifen_v1_RedeemResponse, _jifen_v1_RedeemRequest__Output, _jifen_v1_RedeemResponse__Output>
  RedeemReward: MethodDefinition<_jifen_v1_RedeemRewardRequest, _jifen_v1_RedeemRewardResponse, _jifen_v1_RedeemRewardRequest__Output, _jifen_v1_RedeemRewardResponse__Output>
  ReleaseHold: MethodDefinition<_jifen_v1_ReleaseHoldRequest, _jifen_v1_ReleaseHoldResponse, _jifen_v1_ReleaseHoldRequest__Output, _jifen_v1_ReleaseHoldResponse__Output>
  Reverse: MethodDefinition<_jifen_v1_ReverseRequest, _jifen_v1_ReverseResponse, _jifen_v1_ReverseRequest__Output, _jifen_v1_ReverseResponse__Output>
  SubmitBatch: MethodDefinition<_jifen_v1_SubmitBatchRequest, _jifen_v1_SubmitBatchResponse, _jifen_v1_SubmitBatchRequest__Output, _jifen_v1_SubmitBatchResponse__Output>
  Transfer: MethodDefinition<_jifen_v1_TransferRequest, _jifen_v1_TransferResponse, _jifen_v1_TransferRequest__Output, _jifen_v1_TransferResponse__Output>
  WatchEvents: MethodDefinition<_jifen_v1_WatchEventsRequest, _jifen_v1_WatchEventsResponse, _jifen_v1_WatchEventsRequest__Output, _jifen_v1_WatchEventsResponse__Output>
}
