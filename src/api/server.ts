// The gRPC server: PointsService and AdminService behind the call gate (keys, roles, rate limits, the
// audit trail: call-gate.ts), plus grpc.health.v1.Health and server reflection (grpcurl works without
// the proto file); plaintext or TLS (tls-credentials.ts).

import * as grpc from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import * as protoLoader from '@grpc/proto-loader';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import type { AdminServiceHandlers } from '../contract/generated/jifen/v1/AdminService.js';
import type { PointsServiceHandlers } from '../contract/generated/jifen/v1/PointsService.js';
import { type AdminServiceDeps, adminServiceHandlers } from './admin-service.js';
import { type CallGateDeps, callGate } from './call-gate.js';
import { type KeyAdminDeps, keyAdminHandlers } from './key-admin-service.js';
import { addNodeService } from './node-service.js';
import type { ClusterFront } from '../front/cluster-front.js';
import { loadPointsPackage } from '../contract/proto.js';
import { type PointsServiceDeps, pointsServiceHandlers } from './points-service.js';
import { type RewardServiceDeps, rewardAdminHandlers, rewardPointsHandlers } from './rewards-service.js';

const SERVICE_NAME = 'jifen.v1.PointsService';

export interface ApiServer {
  port: number;
  /** Marks the server NOT_SERVING for health checkers (load balancers stop sending). */
  markDraining(): void;
  /** Waits for calls in flight to get their answers, forcing the close after graceMs. */
  close(graceMs: number): Promise<void>;
}

/** How the port is secured: its credentials (plaintext or TLS) and the gate every call passes. */
export interface ApiSecurity {
  credentials: grpc.ServerCredentials;
  gate: Omit<CallGateDeps, 'metrics' | 'clock'>;
}

export async function startApiServer(
  address: string,
  deps: PointsServiceDeps & AdminServiceDeps & RewardServiceDeps & KeyAdminDeps,
  security: ApiSecurity,
  /** Cluster mode: peers forward ops for the slots this node serves (node-service.ts). */
  cluster?: ClusterFront,
): Promise<ApiServer> {
  const { definition, service, adminService } = loadPointsPackage();
  const server = new grpc.Server({
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
    'grpc.keepalive_permit_without_calls': 1,
    // No channelz service is served: grpc-js would still track every call, session and socket for it.
    'grpc.enable_channelz': 0,
    interceptors: [callGate({ ...security.gate, metrics: deps.metrics, clock: deps.clock })],
  });
  // Typed as the generated Handlers: a method of the contract without its handler fails the build.
  const points: PointsServiceHandlers = { ...pointsServiceHandlers(deps), ...rewardPointsHandlers(deps) };
  const admin: AdminServiceHandlers = { ...adminServiceHandlers(deps), ...rewardAdminHandlers(deps), ...keyAdminHandlers(deps) };
  server.addService(service, points);
  server.addService(adminService, admin);
  if (cluster) addNodeService(server, cluster);
  const health = new HealthImplementation({ '': 'SERVING', [SERVICE_NAME]: 'SERVING' });
  health.addToServer(server);
  // Reflection describes every service served, so grpcurl needs no proto file for health checks either.
  const healthDefinition = protoLoader.loadSync(healthProtoPath);
  new ReflectionService({ ...definition, ...healthDefinition }).addToServer(server);

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, security.credentials, (err, bound) => (err ? reject(err) : resolve(bound))),
  );

  return {
    port,
    markDraining() {
      health.setStatus('', 'NOT_SERVING');
      health.setStatus(SERVICE_NAME, 'NOT_SERVING');
    },
    close(graceMs: number) {
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
