// Original file: jifen/v1/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GetProgramRequest as _jifen_v1_GetProgramRequest, GetProgramRequest__Output as _jifen_v1_GetProgramRequest__Output } from '../../jifen/v1/GetProgramRequest.js';
import type { GetProgramResponse as _jifen_v1_GetProgramResponse, GetProgramResponse__Output as _jifen_v1_GetProgramResponse__Output } from '../../jifen/v1/GetProgramResponse.js';
import type { ImportLotsRequest as _jifen_v1_ImportLotsRequest, ImportLotsRequest__Output as _jifen_v1_ImportLotsRequest__Output } from '../../jifen/v1/ImportLotsRequest.js';
import type { ImportLotsResponse as _jifen_v1_ImportLotsResponse, ImportLotsResponse__Output as _jifen_v1_ImportLotsResponse__Output } from '../../jifen/v1/ImportLotsResponse.js';
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
  
  GetProgram(argument: _jifen_v1_GetProgramRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_GetProgramResponse__Output>): grpc.ClientUnaryCall;
  GetProgram(argument: _jifen_v1_GetProgramRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_GetProgramResponse__Output>): grpc.ClientUnaryCall;
  GetProgram(argument: _jifen_v1_GetProgramRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_GetProgramResponse__Output>): grpc.ClientUnaryCall;
  GetProgram(argument: _jifen_v1_GetProgramRequest, callback: grpc.requestCallback<_jifen_v1_GetProgramResponse__Output>): grpc.ClientUnaryCall;
  getProgram(argument: _jifen_v1_GetProgramRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_GetProgramResponse__Output>): grpc.ClientUnaryCall;
  getProgram(argument: _jifen_v1_GetProgramRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_GetProgramResponse__Output>): grpc.ClientUnaryCall;
  getProgram(argument: _jifen_v1_GetProgramRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_GetProgramResponse__Output>): grpc.ClientUnaryCall;
  getProgram(argument: _jifen_v1_GetProgramRequest, callback: grpc.requestCallback<_jifen_v1_GetProgramResponse__Output>): grpc.ClientUnaryCall;
  
  ImportLots(argument: _jifen_v1_ImportLotsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ImportLotsResponse__Output>): grpc.ClientUnaryCall;
  ImportLots(argument: _jifen_v1_ImportLotsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ImportLotsResponse__Output>): grpc.ClientUnaryCall;
  ImportLots(argument: _jifen_v1_ImportLotsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ImportLotsResponse__Output>): grpc.ClientUnaryCall;
  ImportLots(argument: _jifen_v1_ImportLotsRequest, callback: grpc.requestCallback<_jifen_v1_ImportLotsResponse__Output>): grpc.ClientUnaryCall;
  importLots(argument: _jifen_v1_ImportLotsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ImportLotsResponse__Output>): grpc.ClientUnaryCall;
  importLots(argument: _jifen_v1_ImportLotsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jifen_v1_ImportLotsResponse__Output>): grpc.ClientUnaryCall;
  importLots(argument: _jifen_v1_ImportLotsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jifen_v1_ImportLotsResponse__Output>): grpc.ClientUnaryCall;
  importLots(argument: _jifen_v1_ImportLotsRequest, callback: grpc.requestCallback<_jifen_v1_ImportLotsResponse__Output>): grpc.ClientUnaryCall;
  
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
  
  GetProgram: grpc.handleUnaryCall<_jifen_v1_GetProgramRequest__Output, _jifen_v1_GetProgramResponse>;
  
  ImportLots: grpc.handleUnaryCall<_jifen_v1_ImportLotsRequest__Output, _jifen_v1_ImportLotsResponse>;
  
  ListFlagged: grpc.handleUnaryCall<_jifen_v1_ListFlaggedRequest__Output, _jifen_v1_ListFlaggedResponse>;
  
  ListRewards: grpc.handleUnaryCall<_jifen_v1_ListRewardsRequest__Output, _jifen_v1_ListRewardsResponse>;
  
  PutProgram: grpc.handleUnaryCall<_jifen_v1_PutProgramRequest__Output, _jifen_v1_PutProgramResponse>;
  
  PutReward: grpc.handleUnaryCall<_jifen_v1_PutRewardRequest__Output, _jifen_v1_PutRewardResponse>;
  
  RejectFlagged: grpc.handleUnaryCall<_jifen_v1_ReviewFlaggedRequest__Output, _jifen_v1_ReviewFlaggedResponse>;
  
  UpdateRedemption: grpc.handleUnaryCall<_jifen_v1_UpdateRedemptionRequest__Output, _jifen_v1_UpdateRedemptionResponse>;
  
}

export interface AdminServiceDefinition extends grpc.ServiceDefinition {
  ApproveFlagged: MethodDefinition<_jifen_v1_ReviewFlaggedRequest, _jifen_v1_ReviewFlaggedResponse, _jifen_v1_ReviewFlaggedRequest__Output, _jifen_v1_ReviewFlaggedResponse__Output>
  GetProgram: MethodDefinition<_jifen_v1_GetProgramRequest, _jifen_v1_GetProgramResponse, _jifen_v1_GetProgramRequest__Output, _jifen_v1_GetProgramResponse__Output>
  ImportLots: MethodDefinition<_jifen_v1_ImportLotsRequest, _jifen_v1_ImportLotsResponse, _jifen_v1_ImportLotsRequest__Output, _jifen_v1_ImportLotsResponse__Output>
  ListFlagged: MethodDefinition<_jifen_v1_ListFlaggedRequest, _jifen_v1_ListFlaggedResponse, _jifen_v1_ListFlaggedRequest__Output, _jifen_v1_ListFlaggedResponse__Output>
  ListRewards: MethodDefinition<_jifen_v1_ListRewardsRequest, _jifen_v1_ListRewardsResponse, _jifen_v1_ListRewardsRequest__Output, _jifen_v1_ListRewardsResponse__Output>
  PutProgram: MethodDefinition<_jifen_v1_PutProgramRequest, _jifen_v1_PutProgramResponse, _jifen_v1_PutProgramRequest__Output, _jifen_v1_PutProgramResponse__Output>
  PutReward: MethodDefinition<_jifen_v1_PutRewardRequest, _jifen_v1_PutRewardResponse, _jifen_v1_PutRewardRequest__Output, _jifen_v1_PutRewardResponse__Output>
  RejectFlagged: MethodDefinition<_jifen_v1_ReviewFlaggedRequest, _jifen_v1_ReviewFlaggedResponse, _jifen_v1_ReviewFlaggedRequest__Output, _jifen_v1_ReviewFlaggedResponse__Output>
  UpdateRedemption: MethodDefinition<_jifen_v1_UpdateRedemptionRequest, _jifen_v1_UpdateRedemptionResponse, _jifen_v1_UpdateRedemptionRequest__Output, _jifen_v1_UpdateRedemptionResponse__Output>
}
