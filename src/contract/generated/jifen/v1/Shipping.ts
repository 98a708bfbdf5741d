// Original file: jifen/v1/points.proto


export interface Shipping {
  'name'?: (string);
  'phone'?: (string);
  'address'?: (string);
}

export interface Shipping__Output {
  'name': (string);
  'phone': (string);
  'address': (string);
}
