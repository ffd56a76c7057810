import busboy from 'busboy';

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

/**
 * grammY writes `content-disposition:form-data;name="x";filename=a b;c.xlsx` — an unquoted file name that runs
 * to the end of the line and may hold spaces or semicolons. Telegram takes it; busboy, strict by RFC 7578, skips
 * the whole part. So such a file name is quoted before busboy reads the body. Only a header line right after a
 * boundary delimiter is touched: a file's own bytes can never contain the delimiter.
 */
function quoteBareFileNames(body: Buffer, boundary: string): Buffer {
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const bareName = new RegExp(
    `((?:^|\\r\\n)${delimiter}\\r\\n(?:[^\\r\\n]+\\r\\n)*?content-disposition:[^\\r\\n]*?;\\s*filename=)(?!")([^\\r\\n]*)`,
    'gi',
  );
  let changed = false;
  const quoted = text.replace(bareName, (_match, head: string, name: string) => {
    changed = true;
    return `${head}"${name.trim().replace(/["\\]/g, '\\$&')}"`;
  });
  return changed ? Buffer.from(quoted, 'latin1') : body;
}

/** Parses a whole multipart/form-data body (busboy); a body busboy cannot read is a MultipartError. */
export function parseMultipart(body: Buffer, contentType: string): Promise<MultipartBody> {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) return Promise.reject(new MultipartError('no boundary'));
  const fields = new Map<string, string>();
  const files = new Map<string, UploadedFile>();
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        defParamCharset: 'utf8',
        limits: { fieldSize: 16 * 1024 * 1024 },
      });
    } catch (error) {
      reject(new MultipartError(error instanceof Error ? error.message : String(error)));
      return;
    }
    parser.on('field', (name, value) => fields.set(name, value));
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        // A part without a file name is a plain field, whatever its content type says.
        if (info.filename === undefined) return void fields.set(name, Buffer.concat(chunks).toString('utf8'));
        const file: UploadedFile = { fieldName: name, fileName: info.filename, data: Buffer.concat(chunks) };
        if (info.mimeType) file.contentType = info.mimeType;
        files.set(name, file);
      });
    });
    parser.on('error', (error: unknown) =>
      reject(new MultipartError(error instanceof Error ? error.message : String(error))),
    );
    parser.on('close', () => resolve({ fields, files }));
    parser.end(quoteBareFileNames(body, boundary[1] ?? boundary[2]!));
  });
}
