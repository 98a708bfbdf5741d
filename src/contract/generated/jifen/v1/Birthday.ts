// Original file: jifen/v1/points.proto


export interface Birthday {
  'month'?: (number);
  'day'?: (number);
}

export interface Birthday__Output {
  'month': (number);
  'day': (number);
}
