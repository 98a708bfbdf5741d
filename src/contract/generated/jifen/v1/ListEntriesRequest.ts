// Original file: jifen/v1/points.proto


export interface ListEntriesRequest {
  'tenant_id'?: (string);
  'member_id'?: (string);
  'page_size'?: (number);
  'page_token'?: (string);
}

export interface ListEntriesRequest__Output {
  'tenant_id': (string);
  'member_id': (string);
  'page_size': (number);
  'page_token': (string);
}
