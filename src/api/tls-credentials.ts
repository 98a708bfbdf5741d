// TLS of the gRPC port from PEM files that are re-read while the engine runs: a renewed certificate
// (cert-manager, an ACME client, a rotated client CA) is taken up without a restart. A new set of files
// is used only once it loads as a whole (key matches certificate, PEM parses); a broken or half-written
// set keeps the previous one serving, says why once and counts jifen_tls_reloads_total{result="rejected"}.
//
// grpc-js serves certificate providers (its experimental API, also behind its xDS support); this file
// is such a provider, so the server swaps its secure context in place and open connections carry on.

import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { Counter } from 'prom-client';
import type { TlsSettings } from '../config/config.js';
import type { EngineMetrics } from '../metrics/registry.js';

type Provider = grpc.experimental.CertificateProvider;
type IdentityListener = grpc.experimental.IdentityCertificateUpdateListener;
type CaListener = grpc.experimental.CaCertificateUpdateListener;

interface CertificateFiles {
  certificate: Buffer;
  privateKey: Buffer;
  clientCa: Buffer | undefined;
}

export type TlsOn = Extract<TlsSettings, { enabled: true }>;

/** Watches the certificate files and hands each valid set to the server. */
export class ReloadingCertificates implements Provider {
  private current: CertificateFiles;
  private fingerprint: string;
  private readonly identityListeners = new Set<IdentityListener>();
  private readonly caListeners = new Set<CaListener>();
  private timer: NodeJS.Timeout | undefined;
  private reloading = false;
  private lastRejection = '';

  private constructor(
    private readonly settings: TlsOn,
    files: CertificateFiles,
    private readonly reloads: Counter<'result'>,
    private readonly log: (line: string) => void,
  ) {
    this.current = files;
    this.fingerprint = fingerprintOf(files);
  }

  /** Loads the files once (a bad set stops the start, naming the file) and re-reads them every reloadIntervalMs. */
  static async open(settings: TlsOn, metrics: EngineMetrics, log: (line: string) => void = console.warn): Promise<ReloadingCertificates> {
    const reloads = new Counter({
      name: 'jifen_tls_reloads_total',
      help: 'Certificate files re-read with a change: taken up (loaded) or refused as invalid (rejected, the previous set keeps serving)',
      labelNames: ['result'] as const,
      registers: [metrics.registry],
    });
    reloads.labels('loaded').inc(0);
    reloads.labels('rejected').inc(0);
    const files = await loadFiles(settings);
    const certificates = new ReloadingCertificates(settings, files, reloads, log);
    certificates.timer = setInterval(() => void certificates.reload(), settings.reloadIntervalMs);
    certificates.timer.unref();
    return certificates;
  }

  /** The server credentials: TLS with this certificate; with a client CA, client certificates are asked for (and required if so set). */
  serverCredentials(): grpc.ServerCredentials {
    // grpc-js's factory names its first parameter the CA provider but hands it on as the identity one
    // (and the second as the CA); tls.test.ts fails if that ever changes under us. This object is both.
    return grpc.experimental.createCertificateProviderServerCredentials(
      this,
      this.settings.clientCaFile ? this : null,
      this.settings.requireClientCert,
    );
  }

  /** Reads the files; a changed, valid set replaces the one in use. */
  async reload(): Promise<void> {
    if (this.reloading) return;
    this.reloading = true;
    try {
      const files = await loadFiles(this.settings);
      const fingerprint = fingerprintOf(files);
      if (fingerprint === this.fingerprint) return;
      const subject = describe(files.certificate);
      this.current = files;
      this.fingerprint = fingerprint;
      this.lastRejection = '';
      this.reloads.labels('loaded').inc();
      this.log(`jifen: TLS certificate files changed: the new ones serve from now on (${subject})`);
      for (const listener of this.identityListeners) listener(this.identity());
      for (const listener of this.caListeners) listener(this.ca());
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (why !== this.lastRejection) {
        this.reloads.labels('rejected').inc();
        this.log(`jifen: TLS certificate files not taken up, the previous ones keep serving: ${why}`);
        this.lastRejection = why;
      }
    } finally {
      this.reloading = false;
    }
  }

  close(): void {
    clearInterval(this.timer);
  }

  // The current files go to a new listener on the next tick, as grpc-js's own file watcher does: the
  // server registers its watcher only after adding the listener, and would miss a synchronous call.
  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    queueMicrotask(() => listener(this.identity()));
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
  }

  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    queueMicrotask(() => listener(this.ca()));
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }

  private identity() {
    return { certificate: this.current.certificate, privateKey: this.current.privateKey };
  }

  private ca() {
    return this.current.clientCa ? { caCertificate: this.current.clientCa } : null;
  }
}

async function loadFiles(settings: TlsOn): Promise<CertificateFiles> {
  const certificate = await readNamed(settings.certFile, 'JIFEN_TLS_CERT');
  const privateKey = await readNamed(settings.keyFile, 'JIFEN_TLS_KEY');
  const clientCa = settings.clientCaFile ? await readNamed(settings.clientCaFile, 'JIFEN_TLS_CLIENT_CA') : undefined;
  try {
    const x509 = new X509Certificate(certificate);
    if (!x509.checkPrivateKey(createPrivateKey(privateKey))) throw new Error('the key in JIFEN_TLS_KEY does not belong to the certificate');
    if (clientCa) new X509Certificate(clientCa);
    createSecureContext({ cert: certificate, key: privateKey, ca: clientCa });
  } catch (err) {
    throw new Error(
      `${settings.certFile} / ${settings.keyFile}${clientCa ? ` / ${settings.clientCaFile}` : ''}: ${(err as Error).message}`,
    );
  }
  return { certificate, privateKey, clientCa };
}

async function readNamed(path: string, setting: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new Error(`${setting} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function fingerprintOf(files: CertificateFiles): string {
  const hash = createHash('sha256');
  for (const part of [files.certificate, files.privateKey, files.clientCa ?? Buffer.alloc(0)]) hash.update(part).update('\0');
  return hash.digest('hex');
}

/** Subject and validity of a certificate, for the log. */
export function describe(pem: Buffer): string {
  const x509 = new X509Certificate(pem);
  return `${x509.subject.replaceAll('\n', ', ')}, valid to ${new Date(x509.validTo).toISOString()}`;
}
