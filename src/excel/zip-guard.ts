import { inflateRawSync } from 'node:zlib';

/**
 * An .xlsx is a zip, and 2 MB of zip can inflate to gigabytes (a zip bomb): ExcelJS would unpack and parse all
 * of it in memory, blocking the bot for minutes and exhausting the process. This walks the zip's central
 * directory and really inflates every entry with a hard cap — declared sizes can lie — before ExcelJS sees it.
 */

export interface ZipLimits {
  /** All entries together, inflated. */
  maxUnpackedBytes: number;
  maxEntries: number;
  /** `<row>` elements in any one worksheet. */
  maxRows: number;
  /** `<c>` elements in any one worksheet. */
  maxCells: number;
}

export type ZipVerdict = { ok: true } | { ok: false; reason: 'broken' | 'unpacked-too-big' | 'too-many-rows' };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const WORKSHEET = /^xl\/worksheets\/[^/]+\.xml$/i;
const ROW = /<(?:[A-Za-z_][\w.-]*:)?row[\s/>]/g;
const CELL = /<(?:[A-Za-z_][\w.-]*:)?c[\s/>]/g;

export function inspectXlsxZip(data: Buffer, limits: ZipLimits): ZipVerdict {
  const end = findEndOfCentralDirectory(data);
  if (end < 0) return { ok: false, reason: 'broken' };
  const entries = data.readUInt16LE(end + 10);
  const directoryOffset = data.readUInt32LE(end + 16);
  // ZIP64 markers: no workbook of ours needs them, and their sizes would escape the checks below.
  if (entries === 0xffff || directoryOffset === 0xffffffff) return { ok: false, reason: 'broken' };
  if (entries > limits.maxEntries) return { ok: false, reason: 'unpacked-too-big' };

  let unpacked = 0;
  let at = directoryOffset;
  for (let index = 0; index < entries; index++) {
    if (at + 46 > data.length || data.readUInt32LE(at) !== CENTRAL) return { ok: false, reason: 'broken' };
    const method = data.readUInt16LE(at + 10);
    const compressedSize = data.readUInt32LE(at + 20);
    const nameLength = data.readUInt16LE(at + 28);
    const extraLength = data.readUInt16LE(at + 30);
    const commentLength = data.readUInt16LE(at + 32);
    const localOffset = data.readUInt32LE(at + 42);
    const name = data.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;

    if (localOffset + 30 > data.length || data.readUInt32LE(localOffset) !== LOCAL)
      return { ok: false, reason: 'broken' };
    const start = localOffset + 30 + data.readUInt16LE(localOffset + 26) + data.readUInt16LE(localOffset + 28);
    if (start + compressedSize > data.length) return { ok: false, reason: 'broken' };
    const stored = data.subarray(start, start + compressedSize);
    const budget = limits.maxUnpackedBytes - unpacked;
    let content: Buffer;
    if (method === 0) content = stored;
    else if (method === 8) {
      try {
        content = inflateRawSync(stored, { maxOutputLength: Math.max(1, budget + 1) });
      } catch (error) {
        if (error instanceof RangeError) return { ok: false, reason: 'unpacked-too-big' };
        return { ok: false, reason: 'broken' };
      }
    } else return { ok: false, reason: 'broken' };
    unpacked += content.length;
    if (unpacked > limits.maxUnpackedBytes) return { ok: false, reason: 'unpacked-too-big' };
    if (WORKSHEET.test(name)) {
      const xml = content.toString('latin1');
      if (count(xml, ROW, limits.maxRows) > limits.maxRows || count(xml, CELL, limits.maxCells) > limits.maxCells)
        return { ok: false, reason: 'too-many-rows' };
    }
  }
  return { ok: true };
}

function findEndOfCentralDirectory(data: Buffer): number {
  // The record is 22 bytes plus a comment of up to 64 KiB, at the very end.
  for (let at = data.length - 22; at >= Math.max(0, data.length - 22 - 0xffff); at--) {
    if (data.readUInt32LE(at) === EOCD) return at;
  }
  return -1;
}

/** Occurrences of `pattern`, stopping once past `limit`. */
function count(text: string, pattern: RegExp, limit: number): number {
  pattern.lastIndex = 0;
  let found = 0;
  while (pattern.exec(text) && found <= limit) found++;
  pattern.lastIndex = 0;
  return found;
}
