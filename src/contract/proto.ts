// Loads the contract (proto/jifen/v1) at run time with the options every part of the project shares
// (api, events, cli, tests, bench). `npm run proto:types` generates generated/ with these same options.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

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
  return {
    definition,
    service: withDirectEncoding(loaded.jifen.v1.PointsService.service, 'jifen.v1.PointsService'),
    adminService: loaded.jifen.v1.AdminService.service,
  };
}

/**
 * proto-loader's serializer runs protobufjs' fromObject on every response before encoding it; fromObject
 * is there to map enum names to numbers (and to coerce loose values). A method whose response holds no
 * enum, at any depth, gets a serializer that encodes the handler's object as it is: same bytes, without
 * the copy (the write RPCs, Earn and SubmitBatch among them: ~5 % of the front thread under SubmitBatch).
 * The handlers' objects are typed by the generated response types, so a field's value is of its type.
 */
export function withDirectEncoding(service: grpc.ServiceDefinition, serviceName: string): grpc.ServiceDefinition {
  const methods = contractRoot().lookupService(serviceName).methods;
  const out: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const [name, method] of Object.entries(service)) {
    const type = methods[name]?.resolvedResponseType;
    const direct = type && !holdsEnum(type, new Set());
    out[name] = direct ? { ...method, responseSerialize: (value: object) => Buffer.from(type.encode(value).finish()) } : method;
  }
  return out as grpc.ServiceDefinition;
}

let root: protobuf.Root | undefined;

/** The contract as protobufjs types, field names as written (keepCase, as the loader's). */
export function contractRoot(): protobuf.Root {
  if (!root) {
    root = new protobuf.Root().loadSync(join(PROTO_DIR, POINTS_PROTO), { keepCase: true });
    root.resolveAll();
  }
  return root;
}

function holdsEnum(type: protobuf.Type, seen: Set<protobuf.Type>): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  return type.fieldsArray.some(
    (f) => f.resolvedType instanceof protobuf.Enum || (f.resolvedType instanceof protobuf.Type && holdsEnum(f.resolvedType, seen)),
  );
}
