// Original file: jifen/v1/points.proto

import type { Command as _jifen_v1_Command, Command__Output as _jifen_v1_Command__Output } from '../../jifen/v1/Command.js';

export interface SubmitBatchRequest {
  'commands'?: (_jifen_v1_Command)[];
}

export interface SubmitBatchRequest__Output {
  'commands': (_jifen_v1_Command__Output)[];
}
