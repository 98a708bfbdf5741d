// Original file: jifen/v1/admin.proto

import type { ApiKeyInfo as _jifen_v1_ApiKeyInfo, ApiKeyInfo__Output as _jifen_v1_ApiKeyInfo__Output } from '../../jifen/v1/ApiKeyInfo.js';

export interface ListApiKeysResponse {
  'keys'?: (_jifen_v1_ApiKeyInfo)[];
}

export interface ListApiKeysResponse__Output {
  'keys': (_jifen_v1_ApiKeyInfo__Output)[];
}
