// Original file: jifen/v1/points.proto

import type { Entry as _jifen_v1_Entry, Entry__Output as _jifen_v1_Entry__Output } from '../../jifen/v1/Entry.js';

export interface ListEntriesResponse {
  'entries'?: (_jifen_v1_Entry)[];
  'next_page_token'?: (string);
}

export interface ListEntriesResponse__Output {
  'entries': (_jifen_v1_Entry__Output)[];
  'next_page_token': (string);
}
