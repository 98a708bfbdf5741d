// Facts recorded with every result so numbers from different machines and commits are not
// compared by accident.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cpuCount: number;
  totalMemBytes: number;
  platform: string;
  release: string;
  arch: string;
  node: string;
  hostname: string;
  /** 1/5/15-minute load average when the bench started: a busy machine explains odd numbers. */
  loadavg: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    totalMemBytes: os.totalmem(),
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    node: process.version,
    hostname: os.hostname(),
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Short HEAD commit plus "-dirty" when the tree has changes; null outside a git checkout. */
export function gitCommit(cwd: string): string | null {
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    const head = git('rev-parse', '--short', 'HEAD');
    let dirty = false;
    try {
      dirty = git('status', '--porcelain', '--untracked-files=no').length > 0;
    } catch {
      // status failing should not hide the commit itself
    }
    return dirty ? `${head}-dirty` : head;
  } catch {
    return null;
  }
}
