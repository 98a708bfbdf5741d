// Original file: jifen/v1/points.proto

export const TransferKind = {
  TRANSFER_KIND_UNSPECIFIED: 'TRANSFER_KIND_UNSPECIFIED',
  TRANSFER_KIND_MEMBER: 'TRANSFER_KIND_MEMBER',
  TRANSFER_KIND_DONATION: 'TRANSFER_KIND_DONATION',
  TRANSFER_KIND_PARTNER: 'TRANSFER_KIND_PARTNER',
} as const;

export type TransferKind =
  | 'TRANSFER_KIND_UNSPECIFIED'
  | 0
  | 'TRANSFER_KIND_MEMBER'
  | 1
  | 'TRANSFER_KIND_DONATION'
  | 2
  | 'TRANSFER_KIND_PARTNER'
  | 3

export type TransferKind__Output = typeof TransferKind[keyof typeof TransferKind]
