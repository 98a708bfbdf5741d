// Certificates the TLS tests make for themselves with the openssl command line: a CA, a server
// certificate for 127.0.0.1 and localhost, and client certificates whose URI names stand for a tenant
// and role (spiffe://…/jifen/tenant/<t>/role/<r>). P-256 keys, valid for a day.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

export interface TestCa extends CertificateFiles {
  name: string;
  dir: string;
  pem: Buffer;
  /** A certificate signed by this CA, for the given subject alternative names (`IP:127.0.0.1`, `URI:spiffe://…`). */
  issue(
    name: string,
    subjectAltNames: string[],
    options?: { days?: number; serial?: number },
  ): CertificateFiles & { cert: Buffer; key: Buffer };
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A new CA in a temporary folder. */
export function makeTestCa(name = 'jifen-test-ca', dir = mkdtempSync(join(tmpdir(), 'jifen-tls-'))): TestCa {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.pem`);
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyFile], dir);
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      keyFile,
      '-sha256',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-out',
      certFile,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return {
    name,
    dir,
    certFile,
    keyFile,
    pem: readFileSync(certFile),
    issue(leaf, subjectAltNames, options = {}) {
      const leafKey = join(dir, `${leaf}.key`);
      const csr = join(dir, `${leaf}.csr`);
      const leafCert = join(dir, `${leaf}.pem`);
      const ext = join(dir, `${leaf}.ext`);
      writeFileSync(
        ext,
        `subjectAltName=${subjectAltNames.join(',')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n`,
      );
      openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', leafKey], dir);
      openssl(['req', '-new', '-key', leafKey, '-subj', `/CN=${leaf}`, '-out', csr], dir);
      openssl(
        [
          'x509',
          '-req',
          '-in',
          csr,
          '-CA',
          certFile,
          '-CAkey',
          keyFile,
          '-set_serial',
          String(options.serial ?? Date.now()),
          '-days',
          String(options.days ?? 1),
          '-sha256',
          '-extfile',
          ext,
          '-out',
          leafCert,
        ],
        dir,
      );
      return { certFile: leafCert, keyFile: leafKey, cert: readFileSync(leafCert), key: readFileSync(leafKey) };
    },
  };
}

/** The SAN of a client certificate that stands for tenant (null: the platform) and role. */
export function callerSan(tenantId: string | null, role: string): string {
  return `URI:spiffe://test.example/jifen/${tenantId === null ? 'platform' : `tenant/${tenantId}`}/role/${role}`;
}

export const SERVER_SANS = ['IP:127.0.0.1', 'DNS:localhost'];
