// Original file: jifen/v1/points.proto

import type { CommandResult as _jifen_v1_CommandResult, CommandResult__Output as _jifen_v1_CommandResult__Output } from '../../jifen/v1/CommandResult.js';

export interface SubmitBatchResponse {
  'results'?: (_jifen_v1_CommandResult)[];
}

export interface SubmitBatchResponse__Output {
  'results': (_jifen_v1_CommandResult__Output)[];
}
