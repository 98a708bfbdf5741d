// Promisified AdminService client for end-to-end tests: each RPC resolves with the response or rejects
// with the grpc ServiceError. Loads points.proto and admin.proto together, as the server does.

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ADMIN_PROTO, LOADER_OPTIONS, POINTS_PROTO } from '../../src/contract/proto.js';
import { type CallOptions, promisedClient } from './points-client.js';

export type DocumentFormat = 'DOCUMENT_FORMAT_UNSPECIFIED' | 'DOCUMENT_FORMAT_YAML' | 'DOCUMENT_FORMAT_JSON';

export interface PutProgramRequest {
  tenant_id: string;
  document: string;
  format?: DocumentFormat;
  /** Left out: no version check; 0: the tenant must have no program yet. */
  expected_version?: number;
}

export interface PutProgramResponse {
  tenant_id: string;
  version: number;
}

export interface GetProgramRequest {
  tenant_id: string;
  /** 0 or absent: the current version. */
  version?: number;
}

export interface GetProgramResponse {
  tenant_id: string;
  version: number;
  document: string;
  format: DocumentFormat;
  normalized_json: string;
}

/** AuditLedger's answer (admin.proto), as the tests read it. */
export interface AuditLedgerResponse {
  ok: boolean;
  checked: number;
  mismatches: { kind: string; tenant_id: string; member_id: string; message: string }[];
  mismatch_counts: Record<string, number>;
  repaired: number;
  tie_out: { tenant_id: string; members: number; outstanding: number; roll_forward_closing: number }[];
}

export interface AdminClient {
  PutProgram(req: PutProgramRequest, opts?: CallOptions): Promise<PutProgramResponse>;
  GetProgram(req: GetProgramRequest, opts?: CallOptions): Promise<GetProgramResponse>;
  AuditLedger(req: { tenant_id: string; grace_seconds?: number; repair_cache?: boolean }, opts?: CallOptions): Promise<AuditLedgerResponse>;
  GetRollForward(
    req: { tenant_id: string; from_day: string; to_day: string; granularity?: string },
    opts?: CallOptions,
  ): Promise<{ lines: Record<string, number | string>[]; rows_read: number }>;
  close(): void;
}

const RPCS = ['PutProgram', 'GetProgram', 'AuditLedger', 'GetRollForward'] as const;

export function adminClient(address: string): AdminClient {
  return promisedClient<AdminClient>(new (adminServiceConstructor())(address, grpc.credentials.createInsecure()), RPCS);
}

let adminConstructor: grpc.ServiceClientConstructor | undefined;

export function adminServiceConstructor(): grpc.ServiceClientConstructor {
  if (!adminConstructor) {
    const loaded = grpc.loadPackageDefinition(protoLoader.loadSync([POINTS_PROTO, ADMIN_PROTO], LOADER_OPTIONS)) as unknown as {
      jifen: { v1: { AdminService: grpc.ServiceClientConstructor } };
    };
    adminConstructor = loaded.jifen.v1.AdminService;
  }
  return adminConstructor;
}
