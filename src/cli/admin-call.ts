// One AdminService call from a CLI (npm run report, npm run audit): the engine at --target, the key in
// JIFEN_API_KEY (an environment variable, never a flag: it would show in ps), TLS when JIFEN_TLS_CA names the CA.

import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ADMIN_PROTO, LOADER_OPTIONS, POINTS_PROTO } from '../contract/proto.js';

export async function callAdmin<Res>(target: string, method: string, request: unknown, timeoutMs: number): Promise<Res> {
  const loaded = grpc.loadPackageDefinition(protoLoader.loadSync([POINTS_PROTO, ADMIN_PROTO], LOADER_OPTIONS)) as unknown as {
    jifen: { v1: { AdminService: grpc.ServiceClientConstructor } };
  };
  const ca = process.env.JIFEN_TLS_CA;
  const credentials = ca ? grpc.credentials.createSsl(readFileSync(ca)) : grpc.credentials.createInsecure();
  const client = new loaded.jifen.v1.AdminService(target, credentials) as unknown as grpc.Client &
    Record<
      string,
      (req: unknown, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: Res) => void) => void
    >;
  const metadata = new grpc.Metadata();
  if (process.env.JIFEN_API_KEY) metadata.set('authorization', `Bearer ${process.env.JIFEN_API_KEY}`);
  try {
    return await new Promise<Res>((resolve, reject) =>
      client[method](request, metadata, { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res))),
    );
  } finally {
    client.close();
  }
}

/** `--name value` pairs of argv; a flag without a value is 'true'. */
export function flagsOf(argv: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) flags.set(arg.slice(2), 'true');
    else {
      flags.set(arg.slice(2), next);
      i++;
    }
  }
  return flags;
}
