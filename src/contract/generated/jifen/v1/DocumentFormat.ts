// Original file: jifen/v1/admin.proto

export const DocumentFormat = {
  DOCUMENT_FORMAT_UNSPECIFIED: 'DOCUMENT_FORMAT_UNSPECIFIED',
  DOCUMENT_FORMAT_YAML: 'DOCUMENT_FORMAT_YAML',
  DOCUMENT_FORMAT_JSON: 'DOCUMENT_FORMAT_JSON',
} as const;

export type DocumentFormat =
  | 'DOCUMENT_FORMAT_UNSPECIFIED'
  | 0
  | 'DOCUMENT_FORMAT_YAML'
  | 1
  | 'DOCUMENT_FORMAT_JSON'
  | 2

export type DocumentFormat__Output = typeof DocumentFormat[keyof typeof DocumentFormat]
