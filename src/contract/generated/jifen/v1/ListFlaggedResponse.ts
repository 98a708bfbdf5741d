// Original file: jifen/v1/admin.proto

import type { FlaggedItem as _jifen_v1_FlaggedItem, FlaggedItem__Output as _jifen_v1_FlaggedItem__Output } from '../../jifen/v1/FlaggedItem.js';

export interface ListFlaggedResponse {
  'items'?: (_jifen_v1_FlaggedItem)[];
  'next_page_token'?: (string);
}

export interface ListFlaggedResponse__Output {
  'items': (_jifen_v1_FlaggedItem__Output)[];
  'next_page_token': (string);
}
