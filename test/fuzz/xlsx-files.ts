import { once } from 'node:events';
import { createDeflateRaw, crc32, deflateRawSync } from 'node:zlib';

/** One zip entry, already compressed (method 8) or stored (method 0), with the sizes the headers declare. */
interface ZipEntry {
  name: string;
  method: 0 | 8;
  data: Buffer;
  crc: number;
  /** What the headers claim the entry inflates to (a bomb may lie). */
  declaredSize: number;
}

function deflated(name: string, content: string | Buffer): ZipEntry {
  const raw = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  return { name, method: 8, data: deflateRawSync(raw), crc: crc32(raw), declaredSize: raw.length };
}

/** A minimal zip writer: local headers, data, central directory, end record; nothing is checked. */
function zip(entries: ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt32LE(entry.crc >>> 0, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.declaredSize >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, entry.data);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(entry.method, 10);
    header.writeUInt32LE(entry.crc >>> 0, 16);
    header.writeUInt32LE(entry.data.length, 20);
    header.writeUInt32LE(entry.declaredSize >>> 0, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    offset += local.length + name.length + entry.data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Товары" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`;

const SHEET_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>SKU</t></is></c><c r="B1" t="inlineStr"><is><t>Название</t></is></c><c r="C1" t="inlineStr"><is><t>Цена</t></is></c></row>`;
const SHEET_TAIL = '</sheetData></worksheet>';
/** A product row: an SKU the store does not have and a price (ExcelJS needs the row and cell addresses). */
const rowXml = (r: number) =>
  `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>NO-SUCH-${r}</t></is></c><c r="C${r}"><v>1000</v></c></row>`;

function workbookWith(sheet: ZipEntry): Buffer {
  return zip([
    deflated('[Content_Types].xml', CONTENT_TYPES),
    deflated('_rels/.rels', ROOT_RELS),
    deflated('xl/workbook.xml', WORKBOOK),
    deflated('xl/_rels/workbook.xml.rels', WORKBOOK_RELS),
    sheet,
  ]);
}

/** A products workbook with `rows` product rows in a plain (small) sheet. */
export function plainWorkbook(rows: number): Buffer {
  const body = Array.from({ length: rows }, (_, index) => rowXml(index + 2)).join('');
  return workbookWith(deflated('xl/worksheets/sheet1.xml', SHEET_HEAD + body + SHEET_TAIL));
}

/**
 * A valid products workbook (one product row) whose sheet XML inflates to about `unpackedBytes` — hundreds
 * of MB from a file under 2 MB — as whitespace between rows, which every XML parser must read through. With
 * `lie`, the zip headers claim the sheet is 4 KB.
 */
export async function zipBomb(unpackedBytes: number, lie = false): Promise<Buffer> {
  const head = SHEET_HEAD + rowXml(2);
  const chunk = Buffer.alloc(1024 * 1024, ' ');
  const deflate = createDeflateRaw({ level: 6, memLevel: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (data: Buffer) => out.push(data));
  let crc = crc32(head);
  deflate.write(head);
  let total = Buffer.byteLength(head);
  while (total < unpackedBytes) {
    if (!deflate.write(chunk)) await once(deflate, 'drain');
    crc = crc32(chunk, crc);
    total += chunk.length;
  }
  deflate.end(SHEET_TAIL);
  crc = crc32(SHEET_TAIL, crc);
  total += SHEET_TAIL.length;
  await once(deflate, 'end');
  const declared = lie ? 4096 : Math.min(total, 0xffffffff);
  return workbookWith({
    name: 'xl/worksheets/sheet1.xml',
    method: 8,
    data: Buffer.concat(out),
    crc,
    declaredSize: declared,
  });
}
