/** One file part of a multipart/form-data body. */
export interface UploadedFile {
  fieldName: string;
  fileName: string;
  contentType?: string;
  data: Buffer;
}

export interface MultipartBody {
  fields: Map<string, string>;
  files: Map<string, UploadedFile>;
}

export class MultipartError extends Error {}

const HEADER_END = Buffer.from('\r\n\r\n');

export function multipartBoundary(contentType: string | undefined): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * Parses a multipart/form-data body. Lenient the way Telegram is: grammY writes
 * `content-disposition:form-data;name="x";filename=a b.xlsx` (no spaces, unquoted file name
 * that may contain spaces or semicolons), browsers and curl write the RFC 7578 form.
 */
export function parseMultipart(body: Buffer, boundary: string): MultipartBody {
  const fields = new Map<string, string>();
  const files = new Map<string, UploadedFile>();
  const delimiter = Buffer.from(`--${boundary}`);
  // Inside the body a delimiter is always preceded by CRLF, which belongs to it and not to the part.
  const innerDelimiter = Buffer.from(`\r\n--${boundary}`);
  let position = body.indexOf(delimiter);
  if (position < 0) throw new MultipartError('multipart boundary not found');
  position += delimiter.length;
  for (;;) {
    // `--boundary--` closes the body.
    if (body[position] === 0x2d && body[position + 1] === 0x2d) break;
    let partStart = position;
    while (body[partStart] === 0x20 || body[partStart] === 0x09) partStart++;
    if (body[partStart] === 0x0d && body[partStart + 1] === 0x0a) partStart += 2;
    const next = body.indexOf(innerDelimiter, partStart);
    if (next < 0) throw new MultipartError('multipart body is truncated');
    readPart(body.subarray(partStart, next), fields, files);
    position = next + innerDelimiter.length;
  }
  return { fields, files };
}

function readPart(part: Buffer, fields: Map<string, string>, files: Map<string, UploadedFile>): void {
  const headerEnd = part.indexOf(HEADER_END);
  if (headerEnd < 0) throw new MultipartError('multipart part without headers');
  const headers = parseHeaders(part.subarray(0, headerEnd).toString('utf8'));
  const data = part.subarray(headerEnd + HEADER_END.length);
  const disposition = headers.get('content-disposition');
  if (!disposition) throw new MultipartError('multipart part without content-disposition');
  const { name, fileName } = parseDisposition(disposition);
  if (name === undefined) throw new MultipartError('multipart part without a name');
  if (fileName === undefined) {
    fields.set(name, data.toString('utf8'));
    return;
  }
  const contentType = headers.get('content-type');
  files.set(name, { fieldName: name, fileName, data: Buffer.from(data), ...(contentType ? { contentType } : {}) });
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function parseDisposition(value: string): { name?: string; fileName?: string } {
  const result: { name?: string; fileName?: string } = {};
  let rest = value.replace(/^\s*form-data\s*/i, '');
  while (rest.length > 0) {
    const match = /^;\s*([^=;\s]+)\s*=\s*/.exec(rest);
    if (!match) break;
    const key = (match[1] ?? '').toLowerCase();
    rest = rest.slice(match[0].length);
    let parsed: string;
    if (rest.startsWith('"')) {
      const end = findClosingQuote(rest);
      parsed = rest.slice(1, end).replace(/\\(.)/g, '$1');
      rest = rest.slice(end + 1);
    } else if (key === 'filename') {
      // grammY never quotes the file name and writes it last, so it runs to the end of the header.
      parsed = rest.trim();
      rest = '';
    } else {
      const end = rest.indexOf(';');
      parsed = (end < 0 ? rest : rest.slice(0, end)).trim();
      rest = end < 0 ? '' : rest.slice(end);
    }
    if (key === 'name') result.name = parsed;
    else if (key === 'filename' && result.fileName === undefined) result.fileName = parsed;
    else if (key === 'filename*') result.fileName = decodeExtendedValue(parsed);
  }
  return result;
}

function findClosingQuote(text: string): number {
  for (let index = 1; index < text.length; index++) {
    if (text[index] === '\\') index++;
    else if (text[index] === '"') return index;
  }
  return text.length;
}

/** RFC 5987 `UTF-8''na%C3%AFve.txt`. */
function decodeExtendedValue(value: string): string {
  const match = /^[^']*'[^']*'(.*)$/.exec(value);
  try {
    return decodeURIComponent(match ? (match[1] ?? '') : value);
  } catch {
    return value;
  }
}
