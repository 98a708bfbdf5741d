// Original file: jifen/v1/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AuditLedgerRequest as _jifen_v1_AuditLedgerRequest, AuditLedgerRequest__Output as _jifen_v1_AuditLedgerRequest__Output } from '../../jifen/v1/AuditLedgerRequest.js';
import type { AuditLedgerResponse as _jifen_v1_AuditLedgerResponse, AuditLedgerResponse__Output as _jifen_v1_AuditLedgerResponse__Output } from '../../jifen/v1/AuditLedgerResponse.js';
import type { CreateApiKeyRequest as _jifen_v1_CreateApiKeyRequest, CreateApiKeyRequest__Output as _jifen_v1_CreateApiKeyRequest__Output } from '../../jifen/v1/CreateApiKeyRequest.js';
import type { CreateApiKeyResponse as _jifen_v1_CreateApiKeyResponse, CreateApiKeyResponse__Output as _jifen_v1_CreateApiKeyResponse__Output } from '../../jifen/v1/CreateApiKeyResponse.js';
import type { GetProgramRequest as _jifen_v1_GetProgramRequest, GetProgramRequest__Output as _jifen_v1_GetProgramRequest__Output } from '../../jifen/v1/GetProgramRequest.js';
import type { GetProgramResponse as _jifen_v1_GetProgramResponse, GetProgramResponse__Output as _jifen_v1_GetProgramResponse__Output } from '../../jifen/v1/GetProgramResponse.js';
import type { GetRollForwardRequest as _jifen_v1_GetRollForwardRequest, GetRollForwardRequest__Output as _jifen_v1_GetRollForwardRequest__Output } from '../../jifen/v1/GetRollForwardRequest.js';
import type { GetRollForwardResponse as _jifen_v1_GetRollForwardResponse, GetRollForwardResponse__Output as _jifen_v1_GetRollForwardResponse__Output } from '../../jifen/v1/GetRollForwardResponse.js';
import type { ImportLotsRequest as _jifen_v1_ImportLotsRequest, ImportLotsRequest__Output as _jifen_v1_ImportLotsRequest__Output } from '../../jifen/v1/ImportLotsRequest.js';
import type { ImportLotsResponse as _jifen_v1_ImportLotsResponse, ImportLotsResponse__Output as _jifen_v1_ImportLotsResponse__Output } from '../../jifen/v1/ImportLotsResponse.js';
import type { ListApiKeysRequest as _jifen_v1_ListApiKeysRequest, ListApiKeysRequest__Output as _jifen_v1_ListApiKeysRequest__Output } from '../../jifen/v1/ListApiKeysRequest.js';
import type { ListApiKeysResponse as _jifen_v1_ListApiKeysResponse, ListApiKeysResponse__Output as _jifen_v1_ListApiKeysResponse__Output } from '../../jifen/v1/ListApiKeysResponse.js';
import type { ListAuditRecordsRequest as _jifen_v1_ListAuditRecordsRequest, ListAuditRecordsRequest__Output as _jifen_v1_ListAuditRecordsRequest__Output } from '../../jifen/v1/ListAuditRecordsRequest.js';
import type { ListAuditRecordsResponse as _jifen_v1_ListAuditRecordsResponse, ListAuditRecordsResponse__Output as _jifen_v1_ListAuditRecordsResponse__Output } from '../../jifen/v1/ListAuditRecordsResponse.js';
import type { ListFlaggedRequest as _jifen_v1_ListFlaggedRequest, ListFlaggedRequest__Output as _jifen_v1_ListFlaggedRequest__Output } from '../../jifen/v1/ListFlaggedRequest.js';
import type { ListFlaggedResponse as _jifen_v1_ListFlaggedResponse, ListFlaggedResponse__Output as _jifen_v1_ListFlaggedResponse__Output } from '../../jifen/v1/ListFlaggedResponse.js';
import type { ListRewardsRequest as _jifen_v1_ListRewardsRequest, ListRewardsRequest__Output as _jifen_v1_ListRewardsRequest__Output } from '../../jifen/v1/ListRewardsRequest.js';
import type { ListRewardsResponse as _jifen_v1_ListRewardsResponse, ListRewardsResponse__Output as _jifen_v1_ListRewardsResponse__Output } from '../../jifen/v1/ListRewardsResponse.js';
import type { PutProgramRequest as _jifen_v1_PutProgramRequest, PutProgramRequest__Output as _jifen_v1_PutProgramRequest__Output } from '../../jifen/v1/PutProgramRequest.js';
import type { PutProgramResponse as _jifen_v1_PutProgramResponse, PutProgramResponse__Output as _jifen_v1_PutProgramResponse__Output } from '../../jifen/v1/PutProgramResponse.js';
import type { PutRewardRequest as _jifen_v1_PutRewardRequest, PutRewardRequest__Output as _jifen_v1_PutRewardRequest__Output } from '../../jifen/v1/PutRewardRequest.js';
import type { PutRewardResponse as _jifen_v1_PutRewardResponse, PutRewardResponse__Output as _jifen_v1_PutRewardResponse__Output } from '../../jifen/v1/PutRewardResponse.js';
import type { ReviewFlaggedRequest as _jifen_v1_ReviewFlaggedRequest, ReviewFlaggedRequest__Output as _jifen_v1_ReviewFlaggedRequest__Output } from '../../jifen/v1/ReviewFlaggedRequest.js';
import type { ReviewFlaggedResponse as _jifen_v1_ReviewFlaggedResponse, ReviewFlaggedResponse__Output as _jifen_v1_ReviewFlaggedResponse__Output } from '../../jifen/v1/ReviewFlaggedResponse.js';
import type { RevokeApiKeyRequest as _jifen_v1_RevokeApiKeyRequest, RevokeApiKeyRequest__Output as _jifen_v1_RevokeApiKeyRequest__Output } from '../../jifen/v1/RevokeApiKeyRequest.js';
import type { RevokeApiKeyResponse as _jifen_v1_RevokeApiKeyResponse, RevokeApiKeyResponse__Output as _jifen_v1_RevokeApiKeyResponse__Output } from '../../jifen/v1/RevokeApiKeyResponse.js';
import type { RotateApiKeyRequest as _jifen_v1_RotateApiKeyRequest, RotateApiKeyRequest__Output as _jifen_v1_RotateApiKeyRequest__Output } from '../../jifen/v1/RotateApiKeyRequest.js';
import type { RotateApiKeyResponse as _jifen_v1_RotateApiKeyResponse, RotateApiKeyResponse__Output as _jifen_v1_RotateApiKeyResponse__Output } from '../../jifen/v1/RotateApiKeyResponse.js';
import type { UpdateRedemptionRequest as _jifen_v1_UpdateRedemptionRequest, UpdateRedemptionRequest__Output as _jifen_v1_UpdateRedemptionRequest__Output } from '../../jifen/v1/UpdateRedemptionRequest.js';
import type { UpdateRedemptionResponse as _jifen_v1_UpdateRedemptionResponse, UpdateRedemptionResponse__Output as _jifen_v1_UpdateRedemptionResponse__Output } from '../../jifen/v1/UpdateRedemptionResponse.js';

export interface AdminServiceClient extends grpc.Client {
  ApproveFlagged(argument: _jifen_v1_ReviewFlaggedRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ReviewFlaggedResponse__Output>): grpc.ClientUnaryCall;
  ApproveFlagged(argument: _jifen_v1_ReviewFlaggedRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ReviewFlaggedResponse__Output>): grpc.ClientUnaryCall;
  ApproveFlagged(argument: _jifen_v1_ReviewFlaggedRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ReviewFlaggedResponse__Output>): grpc.ClientUnaryCall;
  ApproveFlagged(argument: _jifen_v1_ReviewFlaggedRequest, callback: grpc.requestCallback<_jifen_v1_ReviewFlaggedResponse__Output>): grpc.ClientUnaryCall;
  approveFlagged(argument: _jifen_v1_ReviewFlaggedRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ReviewFlaggedResponse__Output>): grpc.ClientUnaryCall;
  approveFlagged(argument: _jifen_v1_ReviewFlaggedRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ReviewFlaggedResponse__Output>): grpc.ClientUnaryCall;
  approveFlagged(argument: _jifen_v1_ReviewFlaggedRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ReviewFlaggedResponse__Output>): grpc.ClientUnaryCall;
  approveFlagged(argument: _jifen_v1_ReviewFlaggedRequest, callback: grpc.requestCallback<_jifen_v1_ReviewFlaggedResponse__Output>): grpc.ClientUnaryCall;
  
  AuditLedger(argument: _jifen_v1_AuditLedgerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_AuditLedgerResponse__Output>): grpc.ClientUnaryCall;
  AuditLedger(argument: _jifen_v1_AuditLedgerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_AuditLedgerResponse__Output>): grpc.ClientUnaryCall;
  AuditLedger(argument: _jifen_v1_AuditLedgerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_AuditLedgerResponse__Output>): grpc.ClientUnaryCall;
  AuditLedger(argument: _jifen_v1_AuditLedgerRequest, callback: grpc.requestCallback<_jifen_v1_AuditLedgerResponse__Output>): grpc.ClientUnaryCall;
  auditLedger(argument: _jifen_v1_AuditLedgerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_AuditLedgerResponse__Output>): grpc.ClientUnaryCall;
  auditLedger(argument: _jifen_v1_AuditLedgerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_AuditLedgerResponse__Output>): grpc.ClientUnaryCall;
  auditLedger(argument: _jifen_v1_AuditLedgerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_AuditLedgerResponse__Output>): grpc.ClientUnaryCall;
  auditLedger(argument: _jifen_v1_AuditLedgerRequest, callback: grpc.requestCallback<_jifen_v1_AuditLedgerResponse__Output>): grpc.ClientUnaryCall;
  
  CreateApiKey(argument: _jifen_v1_CreateApiKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_CreateApiKeyResponse__Output>): grpc.ClientUnaryCall;
  CreateApiKey(argument: _jifen_v1_CreateApiKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_CreateApiKeyResponse__Output>): grpc.ClientUnaryCall;
  CreateApiKey(argument: _jifen_v1_CreateApiKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_CreateApiKeyResponse__Output>): grpc.ClientUnaryCall;
  CreateApiKey(argument: _jifen_v1_CreateApiKeyRequest, callback: grpc.requestCallback<_jifen_v1_CreateApiKeyResponse__Output>): grpc.ClientUnaryCall;
  createApiKey(argument: _jifen_v1_CreateApiKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_CreateApiKeyResponse__Output>): grpc.ClientUnaryCall;
  createApiKey(argument: _jifen_v1_CreateApiKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_CreateApiKeyResponse__Output>): grpc.ClientUnaryCall;
  createApiKey(argument: _jifen_v1_CreateApiKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_CreateApiKeyResponse__Output>): grpc.ClientUnaryCall;
  createApiKey(argument: _jifen_v1_CreateApiKeyRequest, callback: grpc.requestCallback<_jifen_v1_CreateApiKeyResponse__Output>): grpc.ClientUnaryCall;
  
  GetProgram(argument: _jifen_v1_GetProgramRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_GetProgramResponse__Output>): grpc.ClientUnaryCall;
  GetProgram(argument: _jifen_v1_GetProgramRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_GetProgramResponse__Output>): grpc.ClientUnaryCall;
  GetProgram(argument: _jifen_v1_GetProgramRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_GetProgramResponse__Output>): grpc.ClientUnaryCall;
  GetProgram(argument: _jifen_v1_GetProgramRequest, callback: grpc.requestCallback<_jifen_v1_GetProgramResponse__Output>): grpc.ClientUnaryCall;
  getProgram(argument: _jifen_v1_GetProgramRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_GetProgramResponse__Output>): grpc.ClientUnaryCall;
  getProgram(argument: _jifen_v1_GetProgramRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_GetProgramResponse__Output>): grpc.ClientUnaryCall;
  getProgram(argument: _jifen_v1_GetProgramRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_GetProgramResponse__Output>): grpc.ClientUnaryCall;
  getProgram(argument: _jifen_v1_GetProgramRequest, callback: grpc.requestCallback<_jifen_v1_GetProgramResponse__Output>): grpc.ClientUnaryCall;
  
  GetRollForward(argument: _jifen_v1_GetRollForwardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_GetRollForwardResponse__Output>): grpc.ClientUnaryCall;
  GetRollForward(argument: _jifen_v1_GetRollForwardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_GetRollForwardResponse__Output>): grpc.ClientUnaryCall;
  GetRollForward(argument: _jifen_v1_GetRollForwardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_GetRollForwardResponse__Output>): grpc.ClientUnaryCall;
  GetRollForward(argument: _jifen_v1_GetRollForwardRequest, callback: grpc.requestCallback<_jifen_v1_GetRollForwardResponse__Output>): grpc.ClientUnaryCall;
  getRollForward(argument: _jifen_v1_GetRollForwardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_GetRollForwardResponse__Output>): grpc.ClientUnaryCall;
  getRollForward(argument: _jifen_v1_GetRollForwardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_GetRollForwardResponse__Output>): grpc.ClientUnaryCall;
  getRollForward(argument: _jifen_v1_GetRollForwardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_GetRollForwardResponse__Output>): grpc.ClientUnaryCall;
  getRollForward(argument: _jifen_v1_GetRollForwardRequest, callback: grpc.requestCallback<_jifen_v1_GetRollForwardResponse__Output>): grpc.ClientUnaryCall;
  
  ImportLots(argument: _jifen_v1_ImportLotsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ImportLotsResponse__Output>): grpc.ClientUnaryCall;
  ImportLots(argument: _jifen_v1_ImportLotsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ImportLotsResponse__Output>): grpc.ClientUnaryCall;
  ImportLots(argument: _jifen_v1_ImportLotsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ImportLotsResponse__Output>): grpc.ClientUnaryCall;
  ImportLots(argument: _jifen_v1_ImportLotsRequest, callback: grpc.requestCallback<_jifen_v1_ImportLotsResponse__Output>): grpc.ClientUnaryCall;
  importLots(argument: _jifen_v1_ImportLotsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ImportLotsResponse__Output>): grpc.ClientUnaryCall;
  importLots(argument: _jifen_v1_ImportLotsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ImportLotsResponse__Output>): grpc.ClientUnaryCall;
  importLots(argument: _jifen_v1_ImportLotsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ImportLotsResponse__Output>): grpc.ClientUnaryCall;
  importLots(argument: _jifen_v1_ImportLotsRequest, callback: grpc.requestCallback<_jifen_v1_ImportLotsResponse__Output>): grpc.ClientUnaryCall;
  
  ListApiKeys(argument: _jifen_v1_ListApiKeysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListApiKeysResponse__Output>): grpc.ClientUnaryCall;
  ListApiKeys(argument: _jifen_v1_ListApiKeysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ListApiKeysResponse__Output>): grpc.ClientUnaryCall;
  ListApiKeys(argument: _jifen_v1_ListApiKeysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListApiKeysResponse__Output>): grpc.ClientUnaryCall;
  ListApiKeys(argument: _jifen_v1_ListApiKeysRequest, callback: grpc.requestCallback<_jifen_v1_ListApiKeysResponse__Output>): grpc.ClientUnaryCall;
  listApiKeys(argument: _jifen_v1_ListApiKeysRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListApiKeysResponse__Output>): grpc.ClientUnaryCall;
  listApiKeys(argument: _jifen_v1_ListApiKeysRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ListApiKeysResponse__Output>): grpc.ClientUnaryCall;
  listApiKeys(argument: _jifen_v1_ListApiKeysRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListApiKeysResponse__Output>): grpc.ClientUnaryCall;
  listApiKeys(argument: _jifen_v1_ListApiKeysRequest, callback: grpc.requestCallback<_jifen_v1_ListApiKeysResponse__Output>): grpc.ClientUnaryCall;
  
  ListAuditRecords(argument: _jifen_v1_ListAuditRecordsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditRecords(argument: _jifen_v1_ListAuditRecordsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditRecords(argument: _jifen_v1_ListAuditRecordsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  ListAuditRecords(argument: _jifen_v1_ListAuditRecordsRequest, callback: grpc.requestCallback<_jifen_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  listAuditRecords(argument: _jifen_v1_ListAuditRecordsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  listAuditRecords(argument: _jifen_v1_ListAuditRecordsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  listAuditRecords(argument: _jifen_v1_ListAuditRecordsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  listAuditRecords(argument: _jifen_v1_ListAuditRecordsRequest, callback: grpc.requestCallback<_jifen_v1_ListAuditRecordsResponse__Output>): grpc.ClientUnaryCall;
  
  ListFlagged(argument: _jifen_v1_ListFlaggedRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListFlaggedResponse__Output>): grpc.ClientUnaryCall;
  ListFlagged(argument: _jifen_v1_ListFlaggedRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ListFlaggedResponse__Output>): grpc.ClientUnaryCall;
  ListFlagged(argument: _jifen_v1_ListFlaggedRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListFlaggedResponse__Output>): grpc.ClientUnaryCall;
  ListFlagged(argument: _jifen_v1_ListFlaggedRequest, callback: grpc.requestCallback<_jifen_v1_ListFlaggedResponse__Output>): grpc.ClientUnaryCall;
  listFlagged(argument: _jifen_v1_ListFlaggedRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListFlaggedResponse__Output>): grpc.ClientUnaryCall;
  listFlagged(argument: _jifen_v1_ListFlaggedRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ListFlaggedResponse__Output>): grpc.ClientUnaryCall;
  listFlagged(argument: _jifen_v1_ListFlaggedRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListFlaggedResponse__Output>): grpc.ClientUnaryCall;
  listFlagged(argument: _jifen_v1_ListFlaggedRequest, callback: grpc.requestCallback<_jifen_v1_ListFlaggedResponse__Output>): grpc.ClientUnaryCall;
  
  ListRewards(argument: _jifen_v1_ListRewardsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListRewardsResponse__Output>): grpc.ClientUnaryCall;
  ListRewards(argument: _jifen_v1_ListRewardsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ListRewardsResponse__Output>): grpc.ClientUnaryCall;
  ListRewards(argument: _jifen_v1_ListRewardsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListRewardsResponse__Output>): grpc.ClientUnaryCall;
  ListRewards(argument: _jifen_v1_ListRewardsRequest, callback: grpc.requestCallback<_jifen_v1_ListRewardsResponse__Output>): grpc.ClientUnaryCall;
  listRewards(argument: _jifen_v1_ListRewardsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListRewardsResponse__Output>): grpc.ClientUnaryCall;
  listRewards(argument: _jifen_v1_ListRewardsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ListRewardsResponse__Output>): grpc.ClientUnaryCall;
  listRewards(argument: _jifen_v1_ListRewardsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ListRewardsResponse__Output>): grpc.ClientUnaryCall;
  listRewards(argument: _jifen_v1_ListRewardsRequest, callback: grpc.requestCallback<_jifen_v1_ListRewardsResponse__Output>): grpc.ClientUnaryCall;
  
  PutProgram(argument: _jifen_v1_PutProgramRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_PutProgramResponse__Output>): grpc.ClientUnaryCall;
  PutProgram(argument: _jifen_v1_PutProgramRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_PutProgramResponse__Output>): grpc.ClientUnaryCall;
  PutProgram(argument: _jifen_v1_PutProgramRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_PutProgramResponse__Output>): grpc.ClientUnaryCall;
  PutProgram(argument: _jifen_v1_PutProgramRequest, callback: grpc.requestCallback<_jifen_v1_PutProgramResponse__Output>): grpc.ClientUnaryCall;
  putProgram(argument: _jifen_v1_PutProgramRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_PutProgramResponse__Output>): grpc.ClientUnaryCall;
  putProgram(argument: _jifen_v1_PutProgramRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_PutProgramResponse__Output>): grpc.ClientUnaryCall;
  putProgram(argument: _jifen_v1_PutProgramRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_PutProgramResponse__Output>): grpc.ClientUnaryCall;
  putProgram(argument: _jifen_v1_PutProgramRequest, callback: grpc.requestCallback<_jifen_v1_PutProgramResponse__Output>): grpc.ClientUnaryCall;
  
  PutReward(argument: _jifen_v1_PutRewardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_PutRewardResponse__Output>): grpc.ClientUnaryCall;
  PutReward(argument: _jifen_v1_PutRewardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_PutRewardResponse__Output>): grpc.ClientUnaryCall;
  PutReward(argument: _jifen_v1_PutRewardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_PutRewardResponse__Output>): grpc.ClientUnaryCall;
  PutReward(argument: _jifen_v1_PutRewardRequest, callback: grpc.requestCallback<_jifen_v1_PutRewardResponse__Output>): grpc.ClientUnaryCall;
  putReward(argument: _jifen_v1_PutRewardRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_PutRewardResponse__Output>): grpc.ClientUnaryCall;
  putReward(argument: _jifen_v1_PutRewardRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_PutRewardResponse__Output>): grpc.ClientUnaryCall;
  putReward(argument: _jifen_v1_PutRewardRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_PutRewardResponse__Output>): grpc.ClientUnaryCall;
  putReward(argument: _jifen_v1_PutRewardRequest, callback: grpc.requestCallback<_jifen_v1_PutRewardResponse__Output>): grpc.ClientUnaryCall;
  
  RejectFlagged(argument: _jifen_v1_ReviewFlaggedRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ReviewFlaggedResponse__Output>): grpc.ClientUnaryCall;
  RejectFlagged(argument: _jifen_v1_ReviewFlaggedRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ReviewFlaggedResponse__Output>): grpc.ClientUnaryCall;
  RejectFlagged(argument: _jifen_v1_ReviewFlaggedRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ReviewFlaggedResponse__Output>): grpc.ClientUnaryCall;
  RejectFlagged(argument: _jifen_v1_ReviewFlaggedRequest, callback: grpc.requestCallback<_jifen_v1_ReviewFlaggedResponse__Output>): grpc.ClientUnaryCall;
  rejectFlagged(argument: _jifen_v1_ReviewFlaggedRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ReviewFlaggedResponse__Output>): grpc.ClientUnaryCall;
  rejectFlagged(argument: _jifen_v1_ReviewFlaggedRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ReviewFlaggedResponse__Output>): grpc.ClientUnaryCall;
  rejectFlagged(argument: _jifen_v1_ReviewFlaggedRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ReviewFlaggedResponse__Output>): grpc.ClientUnaryCall;
  rejectFlagged(argument: _jifen_v1_ReviewFlaggedRequest, callback: grpc.requestCallback<_jifen_v1_ReviewFlaggedResponse__Output>): grpc.ClientUnaryCall;
  
  RevokeApiKey(argument: _jifen_v1_RevokeApiKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RevokeApiKeyResponse__Output>): grpc.ClientUnaryCall;
  RevokeApiKey(argument: _jifen_v1_RevokeApiKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_RevokeApiKeyResponse__Output>): grpc.ClientUnaryCall;
  RevokeApiKey(argument: _jifen_v1_RevokeApiKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RevokeApiKeyResponse__Output>): grpc.ClientUnaryCall;
  RevokeApiKey(argument: _jifen_v1_RevokeApiKeyRequest, callback: grpc.requestCallback<_jifen_v1_RevokeApiKeyResponse__Output>): grpc.ClientUnaryCall;
  revokeApiKey(argument: _jifen_v1_RevokeApiKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RevokeApiKeyResponse__Output>): grpc.ClientUnaryCall;
  revokeApiKey(argument: _jifen_v1_RevokeApiKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_RevokeApiKeyResponse__Output>): grpc.ClientUnaryCall;
  revokeApiKey(argument: _jifen_v1_RevokeApiKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RevokeApiKeyResponse__Output>): grpc.ClientUnaryCall;
  revokeApiKey(argument: _jifen_v1_RevokeApiKeyRequest, callback: grpc.requestCallback<_jifen_v1_RevokeApiKeyResponse__Output>): grpc.ClientUnaryCall;
  
  RotateApiKey(argument: _jifen_v1_RotateApiKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RotateApiKeyResponse__Output>): grpc.ClientUnaryCall;
  RotateApiKey(argument: _jifen_v1_RotateApiKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_RotateApiKeyResponse__Output>): grpc.ClientUnaryCall;
  RotateApiKey(argument: _jifen_v1_RotateApiKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RotateApiKeyResponse__Output>): grpc.ClientUnaryCall;
  RotateApiKey(argument: _jifen_v1_RotateApiKeyRequest, callback: grpc.requestCallback<_jifen_v1_RotateApiKeyResponse__Output>): grpc.ClientUnaryCall;
  rotateApiKey(argument: _jifen_v1_RotateApiKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RotateApiKeyResponse__Output>): grpc.ClientUnaryCall;
  rotateApiKey(argument: _jifen_v1_RotateApiKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_RotateApiKeyResponse__Output>): grpc.ClientUnaryCall;
  rotateApiKey(argument: _jifen_v1_RotateApiKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_RotateApiKeyResponse__Output>): grpc.ClientUnaryCall;
  rotateApiKey(argument: _jifen_v1_RotateApiKeyRequest, callback: grpc.requestCallback<_jifen_v1_RotateApiKeyResponse__Output>): grpc.ClientUnaryCall;
  
  UpdateRedemption(argument: _jifen_v1_UpdateRedemptionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_UpdateRedemptionResponse__Output>): grpc.ClientUnaryCall;
  UpdateRedemption(argument: _jifen_v1_UpdateRedemptionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_UpdateRedemptionResponse__Output>): grpc.ClientUnaryCall;
  UpdateRedemption(argument: _jifen_v1_UpdateRedemptionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_UpdateRedemptionResponse__Output>): grpc.ClientUnaryCall;
  UpdateRedemption(argument: _jifen_v1_UpdateRedemptionRequest, callback: grpc.requestCallback<_jifen_v1_UpdateRedemptionResponse__Output>): grpc.ClientUnaryCall;
  updateRedemption(argument: _jifen_v1_UpdateRedemptionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_UpdateRedemptionResponse__Output>): grpc.ClientUnaryCall;
  updateRedemption(argument: _jifen_v1_UpdateRedemptionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_UpdateRedemptionResponse__Output>): grpc.ClientUnaryCall;
  updateRedemption(argument: _jifen_v1_UpdateRedemptionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_UpdateRedemptionResponse__Output>): grpc.ClientUnaryCall;
  updateRedemption(argument: _jifen_v1_UpdateRedemptionRequest, callback: grpc.requestCallback<_jifen_v1_UpdateRedemptionResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AdminServiceHandlers extends grpc.UntypedServiceImplementation {
  ApproveFlagged: grpc.handleUnaryCall<_jifen_v1_ReviewFlaggedRequest__Output, _jifen_v1_ReviewFlaggedResponse>;
  
  AuditLedger: grpc.handleUnaryCall<_jifen_v1_AuditLedgerRequest__Output, _jifen_v1_AuditLedgerResponse>;
  
  CreateApiKey: grpc.handleUnaryCall<_jifen_v1_CreateApiKeyRequest__Output, _jifen_v1_CreateApiKeyResponse>;
  
  GetProgram: grpc.handleUnaryCall<_jifen_v1_GetProgramRequest__Output, _jifen_v1_GetProgramResponse>;
  
  GetRollForward: grpc.handleUnaryCall<_jifen_v1_GetRollForwardRequest__Output, _jifen_v1_GetRollForwardResponse>;
  
  ImportLots: grpc.handleUnaryCall<_jifen_v1_ImportLotsRequest__Output, _jifen_v1_ImportLotsResponse>;
  
  ListApiKeys: grpc.handleUnaryCall<_jifen_v1_ListApiKeysRequest__Output, _jifen_v1_ListApiKeysResponse>;
  
  ListAuditRecords: grpc.handleUnaryCall<_jifen_v1_ListAuditRecordsRequest__Output, _jifen_v1_ListAuditRecordsResponse>;
  
  ListFlagged: grpc.handleUnaryCall<_jifen_v1_ListFlaggedRequest__Output, _jifen_v1_ListFlaggedResponse>;
  
  ListRewards: grpc.handleUnaryCall<_jifen_v1_ListRewardsRequest__Output, _jifen_v1_ListRewardsResponse>;
  
  PutProgram: grpc.handleUnaryCall<_jifen_v1_PutProgramRequest__Output, _jifen_v1_PutProgramResponse>;
  
  PutReward: grpc.handleUnaryCall<_jifen_v1_PutRewardRequest__Output, _jifen_v1_PutRewardResponse>;
  
  RejectFlagged: grpc.handleUnaryCall<_jifen_v1_ReviewFlaggedRequest__Output, _jifen_v1_ReviewFlaggedResponse>;
  
  RevokeApiKey: grpc.handleUnaryCall<_jifen_v1_RevokeApiKeyRequest__Output, _jifen_v1_RevokeApiKeyResponse>;
  
  RotateApiKey: grpc.handleUnaryCall<_jifen_v1_RotateApiKeyRequest__Output, _jifen_v1_RotateApiKeyResponse>;
  
  UpdateRedemption: grpc.handleUnaryCall<_jifen_v1_UpdateRedemptionRequest__Output, _jifen_v1_UpdateRedemptionResponse>;
  
}

export interface AdminServiceDefinition extends grpc.ServiceDefinition {
  ApproveFlagged: MethodDefinition<_jifen_v1_ReviewFlaggedRequest, _jifen_v1_ReviewFlaggedResponse, _jifen_v1_ReviewFlaggedRequest__Output, _jifen_v1_ReviewFlaggedResponse__Output>
  AuditLedger: MethodDefinition<_jifen_v1_AuditLedgerRequest, _jifen_v1_AuditLedgerResponse, _jifen_v1_AuditLedgerRequest__Output, _jifen_v1_AuditLedgerResponse__Output>
  CreateApiKey: MethodDefinition<_jifen_v1_CreateApiKeyRequest, _jifen_v1_CreateApiKeyResponse, _jifen_v1_CreateApiKeyRequest__Output, _jifen_v1_CreateApiKeyResponse__Output>
  GetProgram: MethodDefinition<_jifen_v1_GetProgramRequest, _jifen_v1_GetProgramResponse, _jifen_v1_GetProgramRequest__Output, _jifen_v1_GetProgramResponse__Output>
  GetRollForward: MethodDefinition<_jifen_v1_GetRollForwardRequest, _jifen_v1_GetRollForwardResponse, _jifen_v1_GetRollForwardRequest__Output, _jifen_v1_GetRollForwardResponse__Output>
  ImportLots: MethodDefinition<_jifen_v1_ImportLotsRequest, _jifen_v1_ImportLotsResponse, _jifen_v1_ImportLotsRequest__Output, _jifen_v1_ImportLotsResponse__Output>
  ListApiKeys: MethodDefinition<_jifen_v1_ListApiKeysRequest, _jifen_v1_ListApiKeysResponse, _jifen_v1_ListApiKeysRequest__Output, _jifen_v1_ListApiKeysResponse__Output>
  ListAuditRecords: MethodDefinition<_jifen_v1_ListAuditRecordsRequest, _jifen_v1_ListAuditRecordsResponse, _jifen_v1_ListAuditRecordsRequest__Output, _jifen_v1_ListAuditRecordsResponse__Output>
  ListFlagged: MethodDefinition<_jifen_v1_ListFlaggedRequest, _jifen_v1_ListFlaggedResponse, _jifen_v1_ListFlaggedRequest__Output, _jifen_v1_ListFlaggedResponse__Output>
  ListRewards: MethodDefinition<_jifen_v1_ListRewardsRequest, _jifen_v1_ListRewardsResponse, _jifen_v1_ListRewardsRequest__Output, _jifen_v1_ListRewardsResponse__Output>
  PutProgram: MethodDefinition<_jifen_v1_PutProgramRequest, _jifen_v1_PutProgramResponse, _jifen_v1_PutProgramRequest__Output, _jifen_v1_PutProgramResponse__Output>
  PutReward: MethodDefinition<_jifen_v1_PutRewardRequest, _jifen_v1_PutRewardResponse, _jifen_v1_PutRewardRequest__Output, _jifen_v1_PutRewardResponse__Output>
  RejectFlagged: MethodDefinition<_jifen_v1_ReviewFlaggedRequest, _jifen_v1_ReviewFlaggedResponse, _jifen_v1_ReviewFlaggedRequest__Output, _jifen_v1_ReviewFlaggedResponse__Output>
  RevokeApiKey: MethodDefinition<_jifen_v1_RevokeApiKeyRequest, _jifen_v1_RevokeApiKeyResponse, _jifen_v1_RevokeApiKeyRequest__Output, _jifen_v1_RevokeApiKeyResponse__Output>
  RotateApiKey: MethodDefinition<_jifen_v1_RotateApiKeyRequest, _jifen_v1_RotateApiKeyResponse, _jifen_v1_RotateApiKeyRequest__Output, _jifen_v1_RotateApiKeyResponse__Output>
  UpdateRedemption: MethodDefinition<_jifen_v1_UpdateRedemptionRequest, _jifen_v1_UpdateRedemptionResponse, _jifen_v1_UpdateRedemptionRequest__Output, _jifen_v1_UpdateRedemptionResponse__Output>
}
