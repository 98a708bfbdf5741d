// Original file: jifen/v1/admin.proto

import type { ApiKeyInfo as _jifen_v1_ApiKeyInfo, ApiKeyInfo__Output as _jifen_v1_ApiKeyInfo__Output } from '../../jifen/v1/ApiKeyInfo.js';

export interface RotateApiKeyResponse {
  'key'?: (_jifen_v1_ApiKeyInfo | null);
  'secret'?: (string);
  'replaced'?: (_jifen_v1_ApiKeyInfo | null);
}

export interface RotateApiKeyResponse__Output {
  'key': (_jifen_v1_ApiKeyInfo__Output | null);
  'secret': (string);
  'replaced': (_jifen_v1_ApiKeyInfo__Output | null);
}
