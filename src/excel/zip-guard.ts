import yauzl from 'yauzl';

/**
 * An .xlsx is a zip, and 2 MB of zip can inflate to gigabytes (a zip bomb): ExcelJS would unpack and parse all
 * of it in memory, blocking the bot for minutes and exhausting the process. yauzl reads the zip's directory and
 * really inflates every entry, counting bytes as they come — declared sizes can lie — before ExcelJS sees it.
 */

export interface ZipLimits {
  /** All entries together, inflated. */
  maxUnpackedBytes: number;
  maxEntries: number;
  /** `<row>` elements in any one worksheet. */
  maxRows: number;
  /** `<c>` elements in any one worksheet. */
  maxCells: number;
  /** Inflated ÷ stored bytes of one entry; an honest workbook's XML stays far below (default 1,000). */
  maxRatio?: number;
  /** The whole inspection (default 3 s): a file that takes longer is refused rather than waited for. */
  maxMs?: number;
}

export type ZipVerdict = { ok: true } | { ok: false; reason: 'broken' | 'unpacked-too-big' | 'too-many-rows' };

const WORKSHEET = /^xl\/worksheets\/[^/]+\.xml$/i;
const ROW = /<(?:[A-Za-z_][\w.-]*:)?row[\s/>]/g;
const CELL = /<(?:[A-Za-z_][\w.-]*:)?c[\s/>]/g;
/** Below this many inflated bytes the ratio says nothing (a tiny entry of repeated bytes is no bomb). */
const RATIO_FLOOR_BYTES = 1024 * 1024;

class Refusal extends Error {
  constructor(readonly reason: 'broken' | 'unpacked-too-big' | 'too-many-rows') {
    super(reason);
  }
}

export async function inspectXlsxZip(data: Buffer, limits: ZipLimits): Promise<ZipVerdict> {
  let zip: yauzl.ZipFile | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    zip = await openZip(data);
    const opened = zip;
    if (opened.entryCount > limits.maxEntries) return { ok: false, reason: 'unpacked-too-big' };
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Refusal('unpacked-too-big')), limits.maxMs ?? 3_000);
    });
    await Promise.race([readEntries(opened, limits), deadline]);
    return { ok: true };
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, reason: error.reason };
    return { ok: false, reason: 'broken' };
  } finally {
    clearTimeout(timer);
    zip?.close();
  }
}

function openZip(data: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(
      data, // Sizes are counted here as the bytes come: a lying header is then a bomb, not a broken file.
      { lazyEntries: true, validateEntrySizes: false, strictFileNames: false },
      (error, zip) => (error || !zip ? reject(error ?? new Error('no zip')) : resolve(zip)),
    ),
  );
}

/** Inflates every entry in turn, within the limits; rejects with a Refusal or yauzl's error. */
function readEntries(zip: yauzl.ZipFile, limits: ZipLimits): Promise<void> {
  let unpacked = 0;
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => {
      zip.close();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    zip.on('error', fail);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (error, stream) => {
        if (error || !stream) return fail(error ?? new Error('no stream'));
        const worksheet = WORKSHEET.test(entry.fileName);
        const chunks: Buffer[] = [];
        let entryBytes = 0;
        stream.on('data', (chunk: Buffer) => {
          entryBytes += chunk.length;
          unpacked += chunk.length;
          const ratio = entryBytes / Math.max(1, entry.compressedSize);
          if (
            unpacked > limits.maxUnpackedBytes ||
            (entryBytes > RATIO_FLOOR_BYTES && ratio > (limits.maxRatio ?? 1_000))
          ) {
            stream.destroy();
            return fail(new Refusal('unpacked-too-big'));
          }
          if (worksheet) chunks.push(chunk);
        });
        stream.on('error', fail);
        stream.on('end', () => {
          if (worksheet) {
            const xml = Buffer.concat(chunks).toString('latin1');
            if (count(xml, ROW, limits.maxRows) > limits.maxRows || count(xml, CELL, limits.maxCells) > limits.maxCells)
              return fail(new Refusal('too-many-rows'));
          }
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}

/** Occurrences of `pattern`, stopping once past `limit`. */
function count(text: string, pattern: RegExp, limit: number): number {
  pattern.lastIndex = 0;
  let found = 0;
  while (pattern.exec(text) && found <= limit) found++;
  pattern.lastIndex = 0;
  return found;
}
