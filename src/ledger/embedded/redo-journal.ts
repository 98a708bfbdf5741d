// The embedded ledger's redo journal: one file beside the shard's SQLite file holding the rows each
// batch wrote since the ledger file's last commit, appended (and fsynced) before the batch is
// acknowledged. The SQLite transaction holding the same rows stays open over many batches and is
// committed once per fold (redo-fold.ts); after a crash the journal's records past the ledger's
// applied mark are written again. Framing: u32 payload length, u32 CRC-32 of the payload, the payload
// (UTF-8); a zero length ends the records.
//
// The file is never truncated: it grows in zero-filled steps (doubling, 256 KiB to 8 MiB at a time)
// and, once the ledger file holds every record, is written again from its start. An fdatasync of an
// append that overwrites allocated blocks flushes the data alone, while one that grows the file must
// commit the file system's metadata too. Records an earlier round left behind the current ones are
// covered by the applied mark (their ids are at or below it) and so are skipped by a replay.

import {
  closeSync,
  constants,
  existsSync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { crc32 } from 'node:zlib';

const HEADER_BYTES = 8;
/** The file grows (zero-filled, synced once) by its own size, at least the first and at most the second. */
const GROW_MIN_BYTES = 256 * 1024;
const GROW_MAX_BYTES = 8 * 1024 * 1024;
/** Frames up to this size are built in one buffer kept for the thread's next appends; larger ones in their own. */
const KEPT_FRAME_BYTES = 1024 * 1024;

/** The kept frame buffer (appends are synchronous, so one per thread serves every journal on it). */
let keptFrame = Buffer.allocUnsafe(64 * 1024);

/**
 * A buffer of at least `bytes` for one frame: the kept one (grown up to KEPT_FRAME_BYTES), else a new one.
 * Its bytes are not zeroed: append writes every byte of the frame it takes.
 */
function frameBuffer(bytes: number): Buffer {
  if (bytes <= keptFrame.length) return keptFrame;
  if (bytes > KEPT_FRAME_BYTES) return Buffer.allocUnsafe(bytes);
  keptFrame = Buffer.allocUnsafe(Math.min(KEPT_FRAME_BYTES, Math.max(bytes, keptFrame.length * 2)));
  return keptFrame;
}

export class RedoJournal {
  private readonly fd: number;
  /** Bytes of this round's whole records; an append writes at this offset. */
  private size = 0;
  /** Bytes of the file (zero-filled where no record was written yet). */
  private allocated: number;

  private constructor(
    readonly file: string,
    /** fsync: each append is on disk before it returns; os: in the page cache (survives kill -9). */
    private readonly sync: boolean,
  ) {
    this.fd = openSync(file, constants.O_RDWR | constants.O_CREAT, 0o600);
    this.allocated = fstatSync(this.fd).size;
  }

  static open(file: string, sync: boolean): RedoJournal {
    return new RedoJournal(file, sync);
  }

  /** Whether a journal is left at `file` (a previous run's records may await replay). */
  static existsAt(file: string): boolean {
    return existsSync(file);
  }

  static remove(file: string): void {
    if (existsSync(file)) unlinkSync(file);
  }

  /**
   * The payloads of the whole records from the start, in order; the next append follows them. A record
   * cut short or failing its checksum ends the journal there: it is an append a crash interrupted,
   * which was therefore never acknowledged.
   */
  records(): string[] {
    const bytes = Buffer.alloc(this.allocated);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(this.fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    const payloads: string[] = [];
    let at = 0;
    while (at + HEADER_BYTES <= read) {
      const length = bytes.readUInt32LE(at);
      const end = at + HEADER_BYTES + length;
      if (length === 0 || end > read) break;
      const payload = bytes.subarray(at + HEADER_BYTES, end);
      if (crc32(payload) !== bytes.readUInt32LE(at + 4)) break;
      payloads.push(payload.toString('utf8'));
      at = end;
    }
    this.size = at;
    return payloads;
  }

  /**
   * Appends one record and (fsync) waits until it is on disk. The frame carries a zero header after it,
   * so a reader stops there whatever an earlier round left further on. On failure the records are
   * ended where they ended before, so a record that failed is never replayed.
   */
  append(payload: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit: the payload is encoded once, straight into the frame.
    const buffer = frameBuffer(HEADER_BYTES + payload.length * 3 + HEADER_BYTES);
    const length = buffer.write(payload, HEADER_BYTES, 'utf8');
    buffer.writeUInt32LE(length, 0);
    buffer.writeUInt32LE(crc32(buffer.subarray(HEADER_BYTES, HEADER_BYTES + length)), 4);
    const frame = buffer.subarray(0, HEADER_BYTES + length + HEADER_BYTES);
    frame.fill(0, HEADER_BYTES + length);
    if (this.size + frame.length > this.allocated) this.grow(this.size + frame.length);
    try {
      writeAll(this.fd, frame, this.size);
      if (this.sync) fdatasyncSync(this.fd);
    } catch (err) {
      writeAll(this.fd, Buffer.alloc(HEADER_BYTES), this.size);
      throw err;
    }
    this.size += frame.length - HEADER_BYTES;
  }

  /**
   * Forgets every record: called once the ledger file holds them all (committed, with the mark of the
   * last one). The next append writes from the start again. The zero header is not synced: records a
   * crash keeps anyway are at or below the ledger's applied mark, which a replay skips.
   */
  clear(): void {
    if (this.allocated >= HEADER_BYTES) writeAll(this.fd, Buffer.alloc(HEADER_BYTES), 0);
    this.size = 0;
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Extends the file with zeros to at least `bytes` (doubling it, within the growth bounds), synced once. */
  private grow(bytes: number): void {
    const step = Math.min(GROW_MAX_BYTES, Math.max(GROW_MIN_BYTES, this.allocated));
    const to = Math.max(bytes, this.allocated + step);
    try {
      writeAll(this.fd, Buffer.alloc(to - this.allocated), this.allocated);
      fdatasyncSync(this.fd);
    } catch (err) {
      ftruncateSync(this.fd, this.allocated);
      throw err;
    }
    this.allocated = to;
  }
}

function writeAll(fd: number, bytes: Buffer, at: number): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, at + written);
}
