// How a node reaches its peers (cluster mode): plaintext where the gRPC port is plaintext, else TLS that
// trusts the nodes' CA and presents the node's own certificate (mTLS: a peer whose port asks for client
// certificates of that CA admits it). The node's calls also carry the cluster secret (peer-channels.ts).

import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { ConfigError, type TlsSettings } from '../config/config.js';

/** peerCaFile: JIFEN_CLUSTER_PEER_CA, else the port's client CA (JIFEN_TLS_CLIENT_CA). */
export function peerCredentials(tls: TlsSettings, peerCaFile: string | undefined): grpc.ChannelCredentials {
  if (!tls.enabled) return grpc.credentials.createInsecure();
  const ca = peerCaFile ?? tls.clientCaFile;
  if (!ca) throw new ConfigError("JIFEN_CLUSTER=etcd with TLS needs JIFEN_CLUSTER_PEER_CA (the CA of the nodes' certificates)");
  return grpc.credentials.createSsl(readFileSync(ca), readFileSync(tls.keyFile), readFileSync(tls.certFile));
}
