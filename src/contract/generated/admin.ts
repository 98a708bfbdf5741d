import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from './google/protobuf/Timestamp.js';
import type { Account as _jifen_v1_Account, Account__Output as _jifen_v1_Account__Output } from './jifen/v1/Account.js';
import type { AdjustRequest as _jifen_v1_AdjustRequest, AdjustRequest__Output as _jifen_v1_AdjustRequest__Output } from './jifen/v1/AdjustRequest.js';
import type { AdjustResponse as _jifen_v1_AdjustResponse, AdjustResponse__Output as _jifen_v1_AdjustResponse__Output } from './jifen/v1/AdjustResponse.js';
import type { AdminServiceClient as _jifen_v1_AdminServiceClient, AdminServiceDefinition as _jifen_v1_AdminServiceDefinition } from './jifen/v1/AdminService.js';
import type { ApiKeyInfo as _jifen_v1_ApiKeyInfo, ApiKeyInfo__Output as _jifen_v1_ApiKeyInfo__Output } from './jifen/v1/ApiKeyInfo.js';
import type { AuditLedgerRequest as _jifen_v1_AuditLedgerRequest, AuditLedgerRequest__Output as _jifen_v1_AuditLedgerRequest__Output } from './jifen/v1/AuditLedgerRequest.js';
import type { AuditLedgerResponse as _jifen_v1_AuditLedgerResponse, AuditLedgerResponse__Output as _jifen_v1_AuditLedgerResponse__Output } from './jifen/v1/AuditLedgerResponse.js';
import type { AuditMismatch as _jifen_v1_AuditMismatch, AuditMismatch__Output as _jifen_v1_AuditMismatch__Output } from './jifen/v1/AuditMismatch.js';
import type { AuditRecord as _jifen_v1_AuditRecord, AuditRecord__Output as _jifen_v1_AuditRecord__Output } from './jifen/v1/AuditRecord.js';
import type { AuditTieOut as _jifen_v1_AuditTieOut, AuditTieOut__Output as _jifen_v1_AuditTieOut__Output } from './jifen/v1/AuditTieOut.js';
import type { Birthday as _jifen_v1_Birthday, Birthday__Output as _jifen_v1_Birthday__Output } from './jifen/v1/Birthday.js';
import type { BreakdownLine as _jifen_v1_BreakdownLine, BreakdownLine__Output as _jifen_v1_BreakdownLine__Output } from './jifen/v1/BreakdownLine.js';
import type { CancelRedemptionRequest as _jifen_v1_CancelRedemptionRequest, CancelRedemptionRequest__Output as _jifen_v1_CancelRedemptionRequest__Output } from './jifen/v1/CancelRedemptionRequest.js';
import type { CancelRedemptionResponse as _jifen_v1_CancelRedemptionResponse, CancelRedemptionResponse__Output as _jifen_v1_CancelRedemptionResponse__Output } from './jifen/v1/CancelRedemptionResponse.js';
import type { CaptureHoldRequest as _jifen_v1_CaptureHoldRequest, CaptureHoldRequest__Output as _jifen_v1_CaptureHoldRequest__Output } from './jifen/v1/CaptureHoldRequest.js';
import type { CaptureHoldResponse as _jifen_v1_CaptureHoldResponse, CaptureHoldResponse__Output as _jifen_v1_CaptureHoldResponse__Output } from './jifen/v1/CaptureHoldResponse.js';
import type { Command as _jifen_v1_Command, Command__Output as _jifen_v1_Command__Output } from './jifen/v1/Command.js';
import type { CommandError as _jifen_v1_CommandError, CommandError__Output as _jifen_v1_CommandError__Output } from './jifen/v1/CommandError.js';
import type { CommandResult as _jifen_v1_CommandResult, CommandResult__Output as _jifen_v1_CommandResult__Output } from './jifen/v1/CommandResult.js';
import type { CreateApiKeyRequest as _jifen_v1_CreateApiKeyRequest, CreateApiKeyRequest__Output as _jifen_v1_CreateApiKeyRequest__Output } from './jifen/v1/CreateApiKeyRequest.js';
import type { CreateApiKeyResponse as _jifen_v1_CreateApiKeyResponse, CreateApiKeyResponse__Output as _jifen_v1_CreateApiKeyResponse__Output } from './jifen/v1/CreateApiKeyResponse.js';
import type { DrawLotteryRequest as _jifen_v1_DrawLotteryRequest, DrawLotteryRequest__Output as _jifen_v1_DrawLotteryRequest__Output } from './jifen/v1/DrawLotteryRequest.js';
import type { DrawLotteryResponse as _jifen_v1_DrawLotteryResponse, DrawLotteryResponse__Output as _jifen_v1_DrawLotteryResponse__Output } from './jifen/v1/DrawLotteryResponse.js';
import type { EarnRequest as _jifen_v1_EarnRequest, EarnRequest__Output as _jifen_v1_EarnRequest__Output } from './jifen/v1/EarnRequest.js';
import type { EarnResponse as _jifen_v1_EarnResponse, EarnResponse__Output as _jifen_v1_EarnResponse__Output } from './jifen/v1/EarnResponse.js';
import type { EnrollRequest as _jifen_v1_EnrollRequest, EnrollRequest__Output as _jifen_v1_EnrollRequest__Output } from './jifen/v1/EnrollRequest.js';
import type { EnrollResponse as _jifen_v1_EnrollResponse, EnrollResponse__Output as _jifen_v1_EnrollResponse__Output } from './jifen/v1/EnrollResponse.js';
import type { Entry as _jifen_v1_Entry, Entry__Output as _jifen_v1_Entry__Output } from './jifen/v1/Entry.js';
import type { EventBatch as _jifen_v1_EventBatch, EventBatch__Output as _jifen_v1_EventBatch__Output } from './jifen/v1/EventBatch.js';
import type { ExpiringPoints as _jifen_v1_ExpiringPoints, ExpiringPoints__Output as _jifen_v1_ExpiringPoints__Output } from './jifen/v1/ExpiringPoints.js';
import type { FlaggedItem as _jifen_v1_FlaggedItem, FlaggedItem__Output as _jifen_v1_FlaggedItem__Output } from './jifen/v1/FlaggedItem.js';
import type { GetAccountRequest as _jifen_v1_GetAccountRequest, GetAccountRequest__Output as _jifen_v1_GetAccountRequest__Output } from './jifen/v1/GetAccountRequest.js';
import type { GetAccountResponse as _jifen_v1_GetAccountResponse, GetAccountResponse__Output as _jifen_v1_GetAccountResponse__Output } from './jifen/v1/GetAccountResponse.js';
import type { GetProgramRequest as _jifen_v1_GetProgramRequest, GetProgramRequest__Output as _jifen_v1_GetProgramRequest__Output } from './jifen/v1/GetProgramRequest.js';
import type { GetProgramResponse as _jifen_v1_GetProgramResponse, GetProgramResponse__Output as _jifen_v1_GetProgramResponse__Output } from './jifen/v1/GetProgramResponse.js';
import type { GetRollForwardRequest as _jifen_v1_GetRollForwardRequest, GetRollForwardRequest__Output as _jifen_v1_GetRollForwardRequest__Output } from './jifen/v1/GetRollForwardRequest.js';
import type { GetRollForwardResponse as _jifen_v1_GetRollForwardResponse, GetRollForwardResponse__Output as _jifen_v1_GetRollForwardResponse__Output } from './jifen/v1/GetRollForwardResponse.js';
import type { HoldRequest as _jifen_v1_HoldRequest, HoldRequest__Output as _jifen_v1_HoldRequest__Output } from './jifen/v1/HoldRequest.js';
import type { HoldResponse as _jifen_v1_HoldResponse, HoldResponse__Output as _jifen_v1_HoldResponse__Output } from './jifen/v1/HoldResponse.js';
import type { ImportLotsRequest as _jifen_v1_ImportLotsRequest, ImportLotsRequest__Output as _jifen_v1_ImportLotsRequest__Output } from './jifen/v1/ImportLotsRequest.js';
import type { ImportLotsResponse as _jifen_v1_ImportLotsResponse, ImportLotsResponse__Output as _jifen_v1_ImportLotsResponse__Output } from './jifen/v1/ImportLotsResponse.js';
import type { ImportRow as _jifen_v1_ImportRow, ImportRow__Output as _jifen_v1_ImportRow__Output } from './jifen/v1/ImportRow.js';
import type { ImportRowResult as _jifen_v1_ImportRowResult, ImportRowResult__Output as _jifen_v1_ImportRowResult__Output } from './jifen/v1/ImportRowResult.js';
import type { LineItem as _jifen_v1_LineItem, LineItem__Output as _jifen_v1_LineItem__Output } from './jifen/v1/LineItem.js';
import type { ListApiKeysRequest as _jifen_v1_ListApiKeysRequest, ListApiKeysRequest__Output as _jifen_v1_ListApiKeysRequest__Output } from './jifen/v1/ListApiKeysRequest.js';
import type { ListApiKeysResponse as _jifen_v1_ListApiKeysResponse, ListApiKeysResponse__Output as _jifen_v1_ListApiKeysResponse__Output } from './jifen/v1/ListApiKeysResponse.js';
import type { ListAuditRecordsRequest as _jifen_v1_ListAuditRecordsRequest, ListAuditRecordsRequest__Output as _jifen_v1_ListAuditRecordsRequest__Output } from './jifen/v1/ListAuditRecordsRequest.js';
import type { ListAuditRecordsResponse as _jifen_v1_ListAuditRecordsResponse, ListAuditRecordsResponse__Output as _jifen_v1_ListAuditRecordsResponse__Output } from './jifen/v1/ListAuditRecordsResponse.js';
import type { ListEntriesRequest as _jifen_v1_ListEntriesRequest, ListEntriesRequest__Output as _jifen_v1_ListEntriesRequest__Output } from './jifen/v1/ListEntriesRequest.js';
import type { ListEntriesResponse as _jifen_v1_ListEntriesResponse, ListEntriesResponse__Output as _jifen_v1_ListEntriesResponse__Output } from './jifen/v1/ListEntriesResponse.js';
import type { ListFlaggedRequest as _jifen_v1_ListFlaggedRequest, ListFlaggedRequest__Output as _jifen_v1_ListFlaggedRequest__Output } from './jifen/v1/ListFlaggedRequest.js';
import type { ListFlaggedResponse as _jifen_v1_ListFlaggedResponse, ListFlaggedResponse__Output as _jifen_v1_ListFlaggedResponse__Output } from './jifen/v1/ListFlaggedResponse.js';
import type { ListRedemptionsRequest as _jifen_v1_ListRedemptionsRequest, ListRedemptionsRequest__Output as _jifen_v1_ListRedemptionsRequest__Output } from './jifen/v1/ListRedemptionsRequest.js';
import type { ListRedemptionsResponse as _jifen_v1_ListRedemptionsResponse, ListRedemptionsResponse__Output as _jifen_v1_ListRedemptionsResponse__Output } from './jifen/v1/ListRedemptionsResponse.js';
import type { ListRewardsRequest as _jifen_v1_ListRewardsRequest, ListRewardsRequest__Output as _jifen_v1_ListRewardsRequest__Output } from './jifen/v1/ListRewardsRequest.js';
import type { ListRewardsResponse as _jifen_v1_ListRewardsResponse, ListRewardsResponse__Output as _jifen_v1_ListRewardsResponse__Output } from './jifen/v1/ListRewardsResponse.js';
import type { Lot as _jifen_v1_Lot, Lot__Output as _jifen_v1_Lot__Output } from './jifen/v1/Lot.js';
import type { PointsEvent as _jifen_v1_PointsEvent, PointsEvent__Output as _jifen_v1_PointsEvent__Output } from './jifen/v1/PointsEvent.js';
import type { PointsServiceClient as _jifen_v1_PointsServiceClient, PointsServiceDefinition as _jifen_v1_PointsServiceDefinition } from './jifen/v1/PointsService.js';
import type { Prize as _jifen_v1_Prize, Prize__Output as _jifen_v1_Prize__Output } from './jifen/v1/Prize.js';
import type { PutProgramRequest as _jifen_v1_PutProgramRequest, PutProgramRequest__Output as _jifen_v1_PutProgramRequest__Output } from './jifen/v1/PutProgramRequest.js';
import type { PutProgramResponse as _jifen_v1_PutProgramResponse, PutProgramResponse__Output as _jifen_v1_PutProgramResponse__Output } from './jifen/v1/PutProgramResponse.js';
import type { PutRewardRequest as _jifen_v1_PutRewardRequest, PutRewardRequest__Output as _jifen_v1_PutRewardRequest__Output } from './jifen/v1/PutRewardRequest.js';
import type { PutRewardResponse as _jifen_v1_PutRewardResponse, PutRewardResponse__Output as _jifen_v1_PutRewardResponse__Output } from './jifen/v1/PutRewardResponse.js';
import type { QuoteRedemptionRequest as _jifen_v1_QuoteRedemptionRequest, QuoteRedemptionRequest__Output as _jifen_v1_QuoteRedemptionRequest__Output } from './jifen/v1/QuoteRedemptionRequest.js';
import type { QuoteRedemptionResponse as _jifen_v1_QuoteRedemptionResponse, QuoteRedemptionResponse__Output as _jifen_v1_QuoteRedemptionResponse__Output } from './jifen/v1/QuoteRedemptionResponse.js';
import type { RecordActivityRequest as _jifen_v1_RecordActivityRequest, RecordActivityRequest__Output as _jifen_v1_RecordActivityRequest__Output } from './jifen/v1/RecordActivityRequest.js';
import type { RecordActivityResponse as _jifen_v1_RecordActivityResponse, RecordActivityResponse__Output as _jifen_v1_RecordActivityResponse__Output } from './jifen/v1/RecordActivityResponse.js';
import type { RedeemRequest as _jifen_v1_RedeemRequest, RedeemRequest__Output as _jifen_v1_RedeemRequest__Output } from './jifen/v1/RedeemRequest.js';
import type { RedeemResponse as _jifen_v1_RedeemResponse, RedeemResponse__Output as _jifen_v1_RedeemResponse__Output } from './jifen/v1/RedeemResponse.js';
import type { RedeemRewardRequest as _jifen_v1_RedeemRewardRequest, RedeemRewardRequest__Output as _jifen_v1_RedeemRewardRequest__Output } from './jifen/v1/RedeemRewardRequest.js';
import type { RedeemRewardResponse as _jifen_v1_RedeemRewardResponse, RedeemRewardResponse__Output as _jifen_v1_RedeemRewardResponse__Output } from './jifen/v1/RedeemRewardResponse.js';
import type { Redemption as _jifen_v1_Redemption, Redemption__Output as _jifen_v1_Redemption__Output } from './jifen/v1/Redemption.js';
import type { ReleaseHoldRequest as _jifen_v1_ReleaseHoldRequest, ReleaseHoldRequest__Output as _jifen_v1_ReleaseHoldRequest__Output } from './jifen/v1/ReleaseHoldRequest.js';
import type { ReleaseHoldResponse as _jifen_v1_ReleaseHoldResponse, ReleaseHoldResponse__Output as _jifen_v1_ReleaseHoldResponse__Output } from './jifen/v1/ReleaseHoldResponse.js';
import type { ReverseRequest as _jifen_v1_ReverseRequest, ReverseRequest__Output as _jifen_v1_ReverseRequest__Output } from './jifen/v1/ReverseRequest.js';
import type { ReverseResponse as _jifen_v1_ReverseResponse, ReverseResponse__Output as _jifen_v1_ReverseResponse__Output } from './jifen/v1/ReverseResponse.js';
import type { ReviewFlaggedRequest as _jifen_v1_ReviewFlaggedRequest, ReviewFlaggedRequest__Output as _jifen_v1_ReviewFlaggedRequest__Output } from './jifen/v1/ReviewFlaggedRequest.js';
import type { ReviewFlaggedResponse as _jifen_v1_ReviewFlaggedResponse, ReviewFlaggedResponse__Output as _jifen_v1_ReviewFlaggedResponse__Output } from './jifen/v1/ReviewFlaggedResponse.js';
import type { RevokeApiKeyRequest as _jifen_v1_RevokeApiKeyRequest, RevokeApiKeyRequest__Output as _jifen_v1_RevokeApiKeyRequest__Output } from './jifen/v1/RevokeApiKeyRequest.js';
import type { RevokeApiKeyResponse as _jifen_v1_RevokeApiKeyResponse, RevokeApiKeyResponse__Output as _jifen_v1_RevokeApiKeyResponse__Output } from './jifen/v1/RevokeApiKeyResponse.js';
import type { Reward as _jifen_v1_Reward, Reward__Output as _jifen_v1_Reward__Output } from './jifen/v1/Reward.js';
import type { RollForwardLine as _jifen_v1_RollForwardLine, RollForwardLine__Output as _jifen_v1_RollForwardLine__Output } from './jifen/v1/RollForwardLine.js';
import type { RotateApiKeyRequest as _jifen_v1_RotateApiKeyRequest, RotateApiKeyRequest__Output as _jifen_v1_RotateApiKeyRequest__Output } from './jifen/v1/RotateApiKeyRequest.js';
import type { RotateApiKeyResponse as _jifen_v1_RotateApiKeyResponse, RotateApiKeyResponse__Output as _jifen_v1_RotateApiKeyResponse__Output } from './jifen/v1/RotateApiKeyResponse.js';
import type { Shipping as _jifen_v1_Shipping, Shipping__Output as _jifen_v1_Shipping__Output } from './jifen/v1/Shipping.js';
import type { SubmitBatchRequest as _jifen_v1_SubmitBatchRequest, SubmitBatchRequest__Output as _jifen_v1_SubmitBatchRequest__Output } from './jifen/v1/SubmitBatchRequest.js';
import type { SubmitBatchResponse as _jifen_v1_SubmitBatchResponse, SubmitBatchResponse__Output as _jifen_v1_SubmitBatchResponse__Output } from './jifen/v1/SubmitBatchResponse.js';
import type { TierProgress as _jifen_v1_TierProgress, TierProgress__Output as _jifen_v1_TierProgress__Output } from './jifen/v1/TierProgress.js';
import type { TransferRequest as _jifen_v1_TransferRequest, TransferRequest__Output as _jifen_v1_TransferRequest__Output } from './jifen/v1/TransferRequest.js';
import type { TransferResponse as _jifen_v1_TransferResponse, TransferResponse__Output as _jifen_v1_TransferResponse__Output } from './jifen/v1/TransferResponse.js';
import type { UpdateRedemptionRequest as _jifen_v1_UpdateRedemptionRequest, UpdateRedemptionRequest__Output as _jifen_v1_UpdateRedemptionRequest__Output } from './jifen/v1/UpdateRedemptionRequest.js';
import type { UpdateRedemptionResponse as _jifen_v1_UpdateRedemptionResponse, UpdateRedemptionResponse__Output as _jifen_v1_UpdateRedemptionResponse__Output } from './jifen/v1/UpdateRedemptionResponse.js';
import type { WatchEventsRequest as _jifen_v1_WatchEventsRequest, WatchEventsRequest__Output as _jifen_v1_WatchEventsRequest__Output } from './jifen/v1/WatchEventsRequest.js';
import type { WatchEventsResponse as _jifen_v1_WatchEventsResponse, WatchEventsResponse__Output as _jifen_v1_WatchEventsResponse__Output } from './jifen/v1/WatchEventsResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>
    }
  }
  jifen: {
    v1: {
      Account: MessageTypeDefinition<_jifen_v1_Account, _jifen_v1_Account__Output>
      AdjustRequest: MessageTypeDefinition<_jifen_v1_AdjustRequest, _jifen_v1_AdjustRequest__Output>
      AdjustResponse: MessageTypeDefinition<_jifen_v1_AdjustResponse, _jifen_v1_AdjustResponse__Output>
      AdminService: SubtypeConstructor<typeof grpc.Client, _jifen_v1_AdminServiceClient> & { service: _jifen_v1_AdminServiceDefinition }
      ApiKeyInfo: MessageTypeDefinition<_jifen_v1_ApiKeyInfo, _jifen_v1_ApiKeyInfo__Output>
      AuditLedgerRequest: MessageTypeDefinition<_jifen_v1_AuditLedgerRequest, _jifen_v1_AuditLedgerRequest__Output>
      AuditLedgerResponse: MessageTypeDefinition<_jifen_v1_AuditLedgerResponse, _jifen_v1_AuditLedgerResponse__Output>
      AuditMismatch: MessageTypeDefinition<_jifen_v1_AuditMismatch, _jifen_v1_AuditMismatch__Output>
      AuditRecord: MessageTypeDefinition<_jifen_v1_AuditRecord, _jifen_v1_AuditRecord__Output>
      AuditTieOut: MessageTypeDefinition<_jifen_v1_AuditTieOut, _jifen_v1_AuditTieOut__Output>
      Birthday: MessageTypeDefinition<_jifen_v1_Birthday, _jifen_v1_Birthday__Output>
      BreakdownLine: MessageTypeDefinition<_jifen_v1_BreakdownLine, _jifen_v1_BreakdownLine__Output>
      CancelRedemptionRequest: MessageTypeDefinition<_jifen_v1_CancelRedemptionRequest, _jifen_v1_CancelRedemptionRequest__Output>
      CancelRedemptionResponse: MessageTypeDefinition<_jifen_v1_CancelRedemptionResponse, _jifen_v1_CancelRedemptionResponse__Output>
      CaptureHoldRequest: MessageTypeDefinition<_jifen_v1_CaptureHoldRequest, _jifen_v1_CaptureHoldRequest__Output>
      CaptureHoldResponse: MessageTypeDefinition<_jifen_v1_CaptureHoldResponse, _jifen_v1_CaptureHoldResponse__Output>
      Command: MessageTypeDefinition<_jifen_v1_Command, _jifen_v1_Command__Output>
      CommandError: MessageTypeDefinition<_jifen_v1_CommandError, _jifen_v1_CommandError__Output>
      CommandResult: MessageTypeDefinition<_jifen_v1_CommandResult, _jifen_v1_CommandResult__Output>
      CreateApiKeyRequest: MessageTypeDefinition<_jifen_v1_CreateApiKeyRequest, _jifen_v1_CreateApiKeyRequest__Output>
      CreateApiKeyResponse: MessageTypeDefinition<_jifen_v1_CreateApiKeyResponse, _jifen_v1_CreateApiKeyResponse__Output>
      DocumentFormat: EnumTypeDefinition
      DrawLotteryRequest: MessageTypeDefinition<_jifen_v1_DrawLotteryRequest, _jifen_v1_DrawLotteryRequest__Output>
      DrawLotteryResponse: MessageTypeDefinition<_jifen_v1_DrawLotteryResponse, _jifen_v1_DrawLotteryResponse__Output>
      EarnRequest: MessageTypeDefinition<_jifen_v1_EarnRequest, _jifen_v1_EarnRequest__Output>
      EarnResponse: MessageTypeDefinition<_jifen_v1_EarnResponse, _jifen_v1_EarnResponse__Output>
      EnrollRequest: MessageTypeDefinition<_jifen_v1_EnrollRequest, _jifen_v1_EnrollRequest__Output>
      EnrollResponse: MessageTypeDefinition<_jifen_v1_EnrollResponse, _jifen_v1_EnrollResponse__Output>
      Entry: MessageTypeDefinition<_jifen_v1_Entry, _jifen_v1_Entry__Output>
      EntryType: EnumTypeDefinition
      EventBatch: MessageTypeDefinition<_jifen_v1_EventBatch, _jifen_v1_EventBatch__Output>
      ExpiringPoints: MessageTypeDefinition<_jifen_v1_ExpiringPoints, _jifen_v1_ExpiringPoints__Output>
      FlaggedItem: MessageTypeDefinition<_jifen_v1_FlaggedItem, _jifen_v1_FlaggedItem__Output>
      GetAccountRequest: MessageTypeDefinition<_jifen_v1_GetAccountRequest, _jifen_v1_GetAccountRequest__Output>
      GetAccountResponse: MessageTypeDefinition<_jifen_v1_GetAccountResponse, _jifen_v1_GetAccountResponse__Output>
      GetProgramRequest: MessageTypeDefinition<_jifen_v1_GetProgramRequest, _jifen_v1_GetProgramRequest__Output>
      GetProgramResponse: MessageTypeDefinition<_jifen_v1_GetProgramResponse, _jifen_v1_GetProgramResponse__Output>
      GetRollForwardRequest: MessageTypeDefinition<_jifen_v1_GetRollForwardRequest, _jifen_v1_GetRollForwardRequest__Output>
      GetRollForwardResponse: MessageTypeDefinition<_jifen_v1_GetRollForwardResponse, _jifen_v1_GetRollForwardResponse__Output>
      HoldRequest: MessageTypeDefinition<_jifen_v1_HoldRequest, _jifen_v1_HoldRequest__Output>
      HoldResponse: MessageTypeDefinition<_jifen_v1_HoldResponse, _jifen_v1_HoldResponse__Output>
      ImportLotsRequest: MessageTypeDefinition<_jifen_v1_ImportLotsRequest, _jifen_v1_ImportLotsRequest__Output>
      ImportLotsResponse: MessageTypeDefinition<_jifen_v1_ImportLotsResponse, _jifen_v1_ImportLotsResponse__Output>
      ImportOutcome: EnumTypeDefinition
      ImportRow: MessageTypeDefinition<_jifen_v1_ImportRow, _jifen_v1_ImportRow__Output>
      ImportRowResult: MessageTypeDefinition<_jifen_v1_ImportRowResult, _jifen_v1_ImportRowResult__Output>
      LimitPeriod: EnumTypeDefinition
      LineItem: MessageTypeDefinition<_jifen_v1_LineItem, _jifen_v1_LineItem__Output>
      ListApiKeysRequest: MessageTypeDefinition<_jifen_v1_ListApiKeysRequest, _jifen_v1_ListApiKeysRequest__Output>
      ListApiKeysResponse: MessageTypeDefinition<_jifen_v1_ListApiKeysResponse, _jifen_v1_ListApiKeysResponse__Output>
      ListAuditRecordsRequest: MessageTypeDefinition<_jifen_v1_ListAuditRecordsRequest, _jifen_v1_ListAuditRecordsRequest__Output>
      ListAuditRecordsResponse: MessageTypeDefinition<_jifen_v1_ListAuditRecordsResponse, _jifen_v1_ListAuditRecordsResponse__Output>
      ListEntriesRequest: MessageTypeDefinition<_jifen_v1_ListEntriesRequest, _jifen_v1_ListEntriesRequest__Output>
      ListEntriesResponse: MessageTypeDefinition<_jifen_v1_ListEntriesResponse, _jifen_v1_ListEntriesResponse__Output>
      ListFlaggedRequest: MessageTypeDefinition<_jifen_v1_ListFlaggedRequest, _jifen_v1_ListFlaggedRequest__Output>
      ListFlaggedResponse: MessageTypeDefinition<_jifen_v1_ListFlaggedResponse, _jifen_v1_ListFlaggedResponse__Output>
      ListRedemptionsRequest: MessageTypeDefinition<_jifen_v1_ListRedemptionsRequest, _jifen_v1_ListRedemptionsRequest__Output>
      ListRedemptionsResponse: MessageTypeDefinition<_jifen_v1_ListRedemptionsResponse, _jifen_v1_ListRedemptionsResponse__Output>
      ListRewardsRequest: MessageTypeDefinition<_jifen_v1_ListRewardsRequest, _jifen_v1_ListRewardsRequest__Output>
      ListRewardsResponse: MessageTypeDefinition<_jifen_v1_ListRewardsResponse, _jifen_v1_ListRewardsResponse__Output>
      Lot: MessageTypeDefinition<_jifen_v1_Lot, _jifen_v1_Lot__Output>
      PointsEvent: MessageTypeDefinition<_jifen_v1_PointsEvent, _jifen_v1_PointsEvent__Output>
      PointsService: SubtypeConstructor<typeof grpc.Client, _jifen_v1_PointsServiceClient> & { service: _jifen_v1_PointsServiceDefinition }
      Prize: MessageTypeDefinition<_jifen_v1_Prize, _jifen_v1_Prize__Output>
      PrizeKind: EnumTypeDefinition
      PutProgramRequest: MessageTypeDefinition<_jifen_v1_PutProgramRequest, _jifen_v1_PutProgramRequest__Output>
      PutProgramResponse: MessageTypeDefinition<_jifen_v1_PutProgramResponse, _jifen_v1_PutProgramResponse__Output>
      PutRewardRequest: MessageTypeDefinition<_jifen_v1_PutRewardRequest, _jifen_v1_PutRewardRequest__Output>
      PutRewardResponse: MessageTypeDefinition<_jifen_v1_PutRewardResponse, _jifen_v1_PutRewardResponse__Output>
      QuoteRedemptionRequest: MessageTypeDefinition<_jifen_v1_QuoteRedemptionRequest, _jifen_v1_QuoteRedemptionRequest__Output>
      QuoteRedemptionResponse: MessageTypeDefinition<_jifen_v1_QuoteRedemptionResponse, _jifen_v1_QuoteRedemptionResponse__Output>
      RecordActivityRequest: MessageTypeDefinition<_jifen_v1_RecordActivityRequest, _jifen_v1_RecordActivityRequest__Output>
      RecordActivityResponse: MessageTypeDefinition<_jifen_v1_RecordActivityResponse, _jifen_v1_RecordActivityResponse__Output>
      RedeemRequest: MessageTypeDefinition<_jifen_v1_RedeemRequest, _jifen_v1_RedeemRequest__Output>
      RedeemResponse: MessageTypeDefinition<_jifen_v1_RedeemResponse, _jifen_v1_RedeemResponse__Output>
      RedeemRewardRequest: MessageTypeDefinition<_jifen_v1_RedeemRewardRequest, _jifen_v1_RedeemRewardRequest__Output>
      RedeemRewardResponse: MessageTypeDefinition<_jifen_v1_RedeemRewardResponse, _jifen_v1_RedeemRewardResponse__Output>
      Redemption: MessageTypeDefinition<_jifen_v1_Redemption, _jifen_v1_Redemption__Output>
      RedemptionAction: EnumTypeDefinition
      RedemptionState: EnumTypeDefinition
      ReleaseHoldRequest: MessageTypeDefinition<_jifen_v1_ReleaseHoldRequest, _jifen_v1_ReleaseHoldRequest__Output>
      ReleaseHoldResponse: MessageTypeDefinition<_jifen_v1_ReleaseHoldResponse, _jifen_v1_ReleaseHoldResponse__Output>
      ReportGranularity: EnumTypeDefinition
      ReverseRequest: MessageTypeDefinition<_jifen_v1_ReverseRequest, _jifen_v1_ReverseRequest__Output>
      ReverseResponse: MessageTypeDefinition<_jifen_v1_ReverseResponse, _jifen_v1_ReverseResponse__Output>
      ReviewFlaggedRequest: MessageTypeDefinition<_jifen_v1_ReviewFlaggedRequest, _jifen_v1_ReviewFlaggedRequest__Output>
      ReviewFlaggedResponse: MessageTypeDefinition<_jifen_v1_ReviewFlaggedResponse, _jifen_v1_ReviewFlaggedResponse__Output>
      RevokeApiKeyRequest: MessageTypeDefinition<_jifen_v1_RevokeApiKeyRequest, _jifen_v1_RevokeApiKeyRequest__Output>
      RevokeApiKeyResponse: MessageTypeDefinition<_jifen_v1_RevokeApiKeyResponse, _jifen_v1_RevokeApiKeyResponse__Output>
      Reward: MessageTypeDefinition<_jifen_v1_Reward, _jifen_v1_Reward__Output>
      RewardKind: EnumTypeDefinition
      RollForwardLine: MessageTypeDefinition<_jifen_v1_RollForwardLine, _jifen_v1_RollForwardLine__Output>
      RotateApiKeyRequest: MessageTypeDefinition<_jifen_v1_RotateApiKeyRequest, _jifen_v1_RotateApiKeyRequest__Output>
      RotateApiKeyResponse: MessageTypeDefinition<_jifen_v1_RotateApiKeyResponse, _jifen_v1_RotateApiKeyResponse__Output>
      Shipping: MessageTypeDefinition<_jifen_v1_Shipping, _jifen_v1_Shipping__Output>
      SubmitBatchRequest: MessageTypeDefinition<_jifen_v1_SubmitBatchRequest, _jifen_v1_SubmitBatchRequest__Output>
      SubmitBatchResponse: MessageTypeDefinition<_jifen_v1_SubmitBatchResponse, _jifen_v1_SubmitBatchResponse__Output>
      TierProgress: MessageTypeDefinition<_jifen_v1_TierProgress, _jifen_v1_TierProgress__Output>
      TransferKind: EnumTypeDefinition
      TransferRequest: MessageTypeDefinition<_jifen_v1_TransferRequest, _jifen_v1_TransferRequest__Output>
      TransferResponse: MessageTypeDefinition<_jifen_v1_TransferResponse, _jifen_v1_TransferResponse__Output>
      UpdateRedemptionRequest: MessageTypeDefinition<_jifen_v1_UpdateRedemptionRequest, _jifen_v1_UpdateRedemptionRequest__Output>
      UpdateRedemptionResponse: MessageTypeDefinition<_jifen_v1_UpdateRedemptionResponse, _jifen_v1_UpdateRedemptionResponse__Output>
      WatchEventsRequest: MessageTypeDefinition<_jifen_v1_WatchEventsRequest, _jifen_v1_WatchEventsRequest__Output>
      WatchEventsResponse: MessageTypeDefinition<_jifen_v1_WatchEventsResponse, _jifen_v1_WatchEventsResponse__Output>
    }
  }
}

