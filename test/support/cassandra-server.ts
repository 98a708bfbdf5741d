// A real single-node Cassandra 5.0 for the Cassandra suites, started from the jars Maven Central
// publishes (there is no Debian package and no Docker here): the classpath is resolved once with
// Maven into ~/.cache/jifen-cassandra/<version>/ (later runs need no network), and the node runs from
// a temp dir on free loopback ports with a 1 GiB heap. One node per test run (the global setup), a
// keyspace per test file; stopped by pid with SIGTERM, then SIGKILL. Never a shared node on 9042.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'cassandra-driver';
import { inject } from 'vitest';
import { freePorts } from './ports.js';

export const CASSANDRA_VERSION = '5.0.6';
/** SimpleSnitch puts the node in this data centre: the driver's localDataCenter. */
export const LOCAL_DC = 'datacenter1';

export interface CassandraServer {
  /** `127.0.0.1:<native port>`, as a driver contact point. */
  contactPoint: string;
  localDataCenter: string;
  version: string;
  pid: number;
  /** Seconds from spawn to the first answered CQL query. */
  startSeconds: number;
  /** The last lines of the node's log (system.log, then its stdout/stderr), for failure messages. */
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL after the grace period; removes the temp dir. */
  stop(): Promise<void>;
  /** SIGSTOP: the JVM freezes with its sockets open (a stalled node); resume() is SIGCONT. */
  pause(): void;
  resume(): void;
  /** SIGKILL (kill -9), keeping the data dir for restart(). */
  kill9(): Promise<void>;
  /** Starts the node again on the same data dir and ports, and waits until it answers CQL. */
  restart(): Promise<void>;
}

export interface CassandraServerOptions {
  version?: string;
  heap?: string;
  startTimeoutMs?: number;
  /** Where the pom and the resolved classpath are kept; default ~/.cache/jifen-cassandra/<version>. */
  cacheDir?: string;
  log?: (line: string) => void;
  /**
   * `periodic` (default, 10 s: fast, for tests that never kill the node) or `batch`: a write is
   * acknowledged only after its commit log segment is fsynced, so a node killed with -9 keeps every
   * write it acknowledged (the fault tests, and what one replica alone would need in production).
   */
  commitlogSync?: 'periodic' | 'batch';
}

/** A prerequisite is missing or the node did not come up; the message says which, with the log tail. */
export class CassandraUnavailable extends Error {
  override name = 'CassandraUnavailable';
}

const execFileAsync = promisify(execFile);
const STOP_GRACE_MS = 15_000;

/** Java 11 or 17 (Cassandra 5.0 supports only those), from JAVA_HOME or PATH; throws saying what is wrong. */
export async function findJava(): Promise<string> {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  let banner: string;
  try {
    banner = (await execFileAsync(java, ['-version'], { timeout: 30_000 })).stderr;
  } catch (err) {
    throw new CassandraUnavailable(`no Java: \`${java} -version\` failed (${(err as Error).message.split('\n')[0]})`);
  }
  const major = /version "(?:1\.)?(\d+)/.exec(banner)?.[1];
  if (major !== '11' && major !== '17') {
    throw new CassandraUnavailable(`${java} is Java ${major ?? '?'}; Cassandra 5.0 runs on Java 11 or 17 (set JAVA_HOME)`);
  }
  return java;
}

/**
 * The node's runtime classpath. Resolved by Maven the first time (cassandra-all and its runtime
 * dependencies, into ~/.m2), then read from the cache as long as every jar in it still exists.
 */
export async function cassandraClasspath(options: CassandraServerOptions = {}): Promise<string> {
  const version = options.version ?? CASSANDRA_VERSION;
  const dir = options.cacheDir ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'jifen-cassandra', version);
  const cpFile = join(dir, 'classpath.txt');
  if (existsSync(cpFile)) {
    const cached = readFileSync(cpFile, 'utf8').trim();
    if (cached !== '' && cached.split(':').every((jar) => existsSync(jar))) return cached;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'pom.xml'), pomOf(version));
  const partial = join(dir, `classpath.${process.pid}.tmp`);
  const started = Date.now();
  options.log?.(`cassandra ${version}: resolving its jars with Maven (first run only) into ${dir}`);
  try {
    await execFileAsync(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        join(dir, 'pom.xml'),
        'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:build-classpath',
        `-Dmdep.outputFile=${partial}`,
        '-DincludeScope=runtime',
      ],
      { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string; code?: string };
    const reason = e.code === 'ENOENT' ? 'mvn is not on PATH' : `mvn failed: ${e.message.split('\n')[0]}`;
    throw new CassandraUnavailable(`${reason}\n${lastLines(`${e.stdout ?? ''}${e.stderr ?? ''}`, 40)}`);
  }
  renameSync(partial, cpFile); // atomic: a concurrent run reads a whole file or none
  options.log?.(`cassandra ${version}: classpath resolved in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return readFileSync(cpFile, 'utf8').trim();
}

/** Fetches (first run), starts one node and waits until it answers CQL. */
export async function startCassandraServer(options: CassandraServerOptions = {}): Promise<CassandraServer> {
  const version = options.version ?? CASSANDRA_VERSION;
  const java = await findJava();
  const classpath = await cassandraClasspath(options);
  const dir = mkdtempSync(join(tmpdir(), 'jifen-cassandra-'));
  const [storagePort, nativePort] = await freePorts(2);
  mkdirSync(join(dir, 'conf'));
  writeFileSync(join(dir, 'conf', 'cassandra.yaml'), cassandraYaml(storagePort, nativePort, options.commitlogSync ?? 'periodic'));
  writeFileSync(join(dir, 'conf', 'logback.xml'), LOGBACK_XML);
  const contactPoint = `127.0.0.1:${nativePort}`;
  const startTimeoutMs = options.startTimeoutMs ?? 180_000;

  let node = launch(java, jvmArgs(dir, classpath, options.heap ?? '1g'), dir);
  const logTail = (lines = 40) => {
    const systemLog = join(dir, 'logs', 'system.log');
    const log = existsSync(systemLog) ? lastLines(readFileSync(systemLog, 'utf8'), lines) : '(no system.log yet)';
    return `--- ${systemLog} (last ${lines} lines) ---\n${log}\n--- stdout/stderr ---\n${lastLines(node.output(), 20)}`;
  };
  const ready = async () => {
    try {
      const answered = await waitForCql(contactPoint, node.child, startTimeoutMs);
      if (!answered.startsWith(version)) throw new CassandraUnavailable(`the node reports release ${answered}, not ${version}`);
    } catch (err) {
      const tail = logTail();
      await stop();
      throw new CassandraUnavailable(`cassandra ${version} did not start: ${(err as Error).message}\n${tail}`, { cause: err });
    }
  };
  const stop = async () => {
    node.child.kill('SIGCONT');
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  };

  const started = Date.now();
  await ready();
  const startSeconds = (Date.now() - started) / 1000;
  options.log?.(`cassandra ${version} ready on ${contactPoint} in ${startSeconds.toFixed(1)} s (pid ${node.child.pid}, dir ${dir})`);
  return {
    contactPoint,
    localDataCenter: LOCAL_DC,
    version,
    get pid() {
      return node.child.pid as number;
    },
    startSeconds,
    logTail,
    stop,
    pause: () => node.child.kill('SIGSTOP'),
    resume: () => node.child.kill('SIGCONT'),
    kill9: () => node.kill9(),
    async restart() {
      await node.kill9();
      node = launch(java, jvmArgs(dir, classpath, options.heap ?? '1g'), dir);
      await ready();
    },
  };
}

/** One JVM of the node: its output, a watchdog, and how to stop or kill it. */
function launch(java: string, args: string[], dir: string) {
  const child = spawn(java, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  exited.then(() => running.delete(child));
  const watchdog = startWatchdog(child);
  return {
    child,
    output: () => output,
    async stop() {
      await stopProcess(child, exited);
      watchdog.kill('SIGKILL');
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      watchdog.kill('SIGKILL');
    },
  };
}

// ---- configuration ---------------------------------------------------------------------------

function pomOf(version: string): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>jifen</groupId>
  <artifactId>cassandra-test-node</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.cassandra</groupId>
      <artifactId>cassandra-all</artifactId>
      <version>${version}</version>
    </dependency>
  </dependencies>
</project>
`;
}

/**
 * The smallest yaml a test node needs. commitlog_sync periodic/10 s is for tests only (production
 * keeps periodic with a short period, or batch/group, and replicas to cover the window); everything
 * else not named here (timeouts, batch thresholds) keeps Cassandra's defaults, as production would.
 */
function cassandraYaml(storagePort: number, nativePort: number, commitlogSync: 'periodic' | 'batch'): string {
  const sync = commitlogSync === 'batch' ? 'commitlog_sync: batch' : 'commitlog_sync: periodic\ncommitlog_sync_period: 10000ms';
  return `cluster_name: jifen-test
num_tokens: 1
initial_token: 0
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
${sync}
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:${storagePort}"
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: ${storagePort}
native_transport_port: ${nativePort}
auto_snapshot: false
hinted_handoff_enabled: false
concurrent_reads: 8
concurrent_writes: 8
concurrent_compactors: 1
`;
}

// INFO to a file: without a logback.xml Cassandra logs DEBUG to the console.
const LOGBACK_XML = `<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>\${cassandra.logdir}/system.log</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
`;

/** conf/jvm17-server.options of Cassandra 5.0: without these the node dies with InaccessibleObjectException. */
const JPMS_FLAGS = [
  ...[
    'java.base/jdk.internal.misc',
    'java.management.rmi/com.sun.jmx.remote.internal.rmi',
    'java.rmi/sun.rmi.registry',
    'java.rmi/sun.rmi.server',
    'java.sql/java.sql',
    'java.base/java.lang.ref',
    'jdk.unsupported/sun.misc',
    'jdk.compiler/com.sun.tools.javac.file',
    'jdk.attach/sun.tools.attach',
  ].flatMap((p) => ['--add-exports', `${p}=ALL-UNNAMED`]),
  ...[
    'java.base/java.lang.module',
    'java.base/jdk.internal.loader',
    'java.base/jdk.internal.ref',
    'java.base/jdk.internal.reflect',
    'java.base/jdk.internal.math',
    'java.base/jdk.internal.module',
    'java.base/jdk.internal.util.jar',
    'jdk.management/com.sun.management.internal',
    'java.base/sun.nio.ch',
    'java.base/java.io',
    'java.base/java.lang.reflect',
    'jdk.compiler/com.sun.tools.javac',
    'java.base/java.lang',
    'java.base/java.util',
  ].flatMap((p) => ['--add-opens', `${p}=ALL-UNNAMED`]),
];

function jvmArgs(dir: string, classpath: string, heap: string): string[] {
  const jamm = classpath.split(':').find((jar) => /\/jamm-[\d.]+\.jar$/.test(jar));
  return [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-Xss256k',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=300',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.net.preferIPv4Stack=true',
    '-Dchronicle.analytics.disable=true',
    '-Djdk.attach.allowAttachSelf=true',
    ...JPMS_FLAGS,
    '-Dio.netty.tryReflectionSetAccessible=true',
    ...(jamm ? [`-javaagent:${jamm}`] : []),
    `-Dcassandra.config=file://${join(dir, 'conf', 'cassandra.yaml')}`,
    `-Dlogback.configurationFile=${join(dir, 'conf', 'logback.xml')}`,
    `-Dcassandra.storagedir=${join(dir, 'data')}`,
    `-Dcassandra.logdir=${join(dir, 'logs')}`,
    '-Dcassandra-foreground=yes',
    '-Dcassandra.skip_wait_for_gossip_to_settle=0',
    '-cp',
    `${join(dir, 'conf')}:${classpath}`,
    'org.apache.cassandra.service.CassandraDaemon',
  ];
}

// ---- process ---------------------------------------------------------------------------------

// Safety nets, so no JVM outlives the test run: on a normal exit of this process, SIGKILL; and a
// watchdog process per node that kills it if this process dies without running exit handlers.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function startWatchdog(child: ChildProcess): ChildProcess {
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 1; done; kill -KILL ${child.pid} 2>/dev/null`;
  const watchdog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return watchdog;
}

async function stopProcess(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** Ready means a CQL query answers, not an open port. Returns the release_version it reported. */
async function waitForCql(contactPoint: string, child: ChildProcess, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const [host, port] = contactPoint.split(':');
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the JVM exited (${child.exitCode ?? child.signalCode}) before answering CQL`);
    }
    if (await canConnect(host, Number(port))) {
      const client = new Client({
        contactPoints: [contactPoint],
        localDataCenter: LOCAL_DC,
        socketOptions: { connectTimeout: 5_000, readTimeout: 10_000 },
      });
      try {
        await client.connect();
        const result = await client.execute('SELECT release_version FROM system.local');
        return String(result.first()?.['release_version']);
      } catch (err) {
        lastError = err;
      } finally {
        await client.shutdown().catch(() => undefined);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no CQL answer on ${contactPoint} within ${timeoutMs / 1000} s`, { cause: lastError });
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

// ---- what the global setup hands to test files --------------------------------------------------

/** The cluster the Cassandra suites run against, or why they skip (provided by cassandra-global-setup.ts). */
export type CassandraTarget = { contactPoints: string[]; localDataCenter: string } | { skipped: string };

declare module 'vitest' {
  export interface ProvidedContext {
    cassandra: CassandraTarget;
  }
}

/** In a test file: the cluster to run against, or why the Cassandra suites skip. */
export function cassandraTarget(): CassandraTarget {
  return inject('cassandra') ?? { skipped: 'no cassandra target provided (is the file in the cassandra project of vitest.config.ts?)' };
}
