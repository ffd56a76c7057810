import { describe, expect, it } from 'vitest';

import { inspectXlsxZip, type ZipLimits } from '../../src/excel/zip-guard.js';
import { plainWorkbook, zipBomb } from '../fuzz/xlsx-files.js';

const LIMITS: ZipLimits = { maxUnpackedBytes: 40 * 1024 * 1024, maxEntries: 500, maxRows: 5_001, maxCells: 320_064 };

describe('inspectXlsxZip (yauzl)', () => {
  it('passes an honest workbook and refuses one with more rows or cells than allowed', async () => {
    expect(await inspectXlsxZip(plainWorkbook(100), LIMITS)).toEqual({ ok: true });
    expect(await inspectXlsxZip(plainWorkbook(100), { ...LIMITS, maxRows: 50 })).toEqual({
      ok: false,
      reason: 'too-many-rows',
    });
    expect(await inspectXlsxZip(plainWorkbook(100), { ...LIMITS, maxCells: 50 })).toEqual({
      ok: false,
      reason: 'too-many-rows',
    });
  });

  it('refuses too many entries, too many bytes, a bomb-like ratio and a file that takes too long', async () => {
    const small = plainWorkbook(10);
    expect(await inspectXlsxZip(small, { ...LIMITS, maxEntries: 2 })).toMatchObject({ reason: 'unpacked-too-big' });
    expect(await inspectXlsxZip(small, { ...LIMITS, maxUnpackedBytes: 100 })).toMatchObject({
      reason: 'unpacked-too-big',
    });
    const bomb = await zipBomb(8 * 1024 * 1024);
    // Within the byte budget, but 8 MB from a few KB is no spreadsheet.
    expect(await inspectXlsxZip(bomb, { ...LIMITS, maxRatio: 100 })).toMatchObject({ reason: 'unpacked-too-big' });
    // A header that claims 4 KB does not hide the 8 MB that really come out.
    const lying = await zipBomb(8 * 1024 * 1024, true);
    expect(await inspectXlsxZip(lying, { ...LIMITS, maxUnpackedBytes: 4 * 1024 * 1024 })).toMatchObject({
      reason: 'unpacked-too-big',
    });
    expect(await inspectXlsxZip(bomb, { ...LIMITS, maxRatio: 1e9, maxMs: 0 })).toMatchObject({
      reason: 'unpacked-too-big',
    });
  });

  it('calls anything that is not a readable zip broken', async () => {
    for (const data of [Buffer.from('PK\u0003\u0004 not really'), Buffer.alloc(0), plainWorkbook(10).subarray(0, 200)])
      expect(await inspectXlsxZip(data, LIMITS)).toEqual({ ok: false, reason: 'broken' });
  });
});
