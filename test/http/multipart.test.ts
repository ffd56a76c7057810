import { describe, expect, it } from 'vitest';

import { MultipartError, parseMultipart } from '../../src/http/multipart.js';

const BOUNDARY = 'grammy-boundary-42';
const TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

function body(...parts: string[]): Buffer {
  return Buffer.from(parts.map((part) => `--${BOUNDARY}\r\n${part}\r\n`).join('') + `--${BOUNDARY}--\r\n`);
}

describe('parseMultipart', () => {
  it("reads grammY's unquoted file name with spaces, semicolons and Cyrillic", async () => {
    const parsed = await parseMultipart(
      body(
        'content-disposition:form-data;name="chat_id"\r\n\r\n42',
        'content-disposition:form-data;name="document";filename=Отчёт за май; v2.xlsx\r\ncontent-type:application/octet-stream\r\n\r\nBYTES',
      ),
      TYPE,
    );
    expect(parsed.fields.get('chat_id')).toBe('42');
    expect(parsed.files.get('document')).toEqual({
      fieldName: 'document',
      fileName: 'Отчёт за май; v2.xlsx',
      contentType: 'application/octet-stream',
      data: Buffer.from('BYTES'),
    });
  });

  it('reads the RFC 7578 form browsers and curl write, an extended file name and binary bytes as they are', async () => {
    const bytes = Buffer.concat([
      Buffer.from('\r\ncontent-disposition: form-data; name="x"; filename=evil\r\n'),
      Buffer.from([0, 255, 13, 10]),
    ]);
    const head = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="a \\"b\\".png"\r\nContent-Type: image/png\r\n\r\n`,
    );
    const tail = Buffer.from(
      `\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="doc"; filename*=UTF-8''na%C3%AFve.txt\r\n\r\nok\r\n--${BOUNDARY}--\r\n`,
    );
    const parsed = await parseMultipart(Buffer.concat([head, bytes, tail]), TYPE);
    expect(parsed.files.get('photo')?.fileName).toBe('a "b".png');
    expect(parsed.files.get('photo')?.data.equals(bytes)).toBe(true);
    expect(parsed.files.get('doc')?.fileName).toBe('naïve.txt');
    expect(parsed.files.has('x')).toBe(false);
  });

  it('refuses a body without a boundary and a truncated body', async () => {
    await expect(parseMultipart(Buffer.from('x'), 'multipart/form-data')).rejects.toBeInstanceOf(MultipartError);
    const truncated = Buffer.from(`--${BOUNDARY}\r\ncontent-disposition:form-data;name="a"\r\n\r\nhalf`);
    await expect(parseMultipart(truncated, TYPE)).rejects.toBeInstanceOf(MultipartError);
  });
});
