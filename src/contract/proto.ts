// Loads the contract (proto/jifen/v1) at run time with the options every part of the project shares
// (api, events, cli, tests, bench). `npm run proto:types` generates generated/ with these same options.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** proto/ at the repository root, from src/contract (tsx) or dist/src/contract (compiled). */
export const PROTO_DIR = ['../../proto', '../../../proto']
  .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
  .find((dir) => existsSync(dir)) as string;
export const POINTS_PROTO = 'jifen/v1/points.proto';
export const ADMIN_PROTO = 'jifen/v1/admin.proto';

export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

export function loadPointsPackage(): {
  definition: protoLoader.PackageDefinition;
  service: grpc.ServiceDefinition;
  adminService: grpc.ServiceDefinition;
} {
  const definition = protoLoader.loadSync([POINTS_PROTO, ADMIN_PROTO], LOADER_OPTIONS);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    jifen: { v1: { PointsService: grpc.ServiceClientConstructor; AdminService: grpc.ServiceClientConstructor } };
  };
  return { definition, service: loaded.jifen.v1.PointsService.service, adminService: loaded.jifen.v1.AdminService.service };
}
