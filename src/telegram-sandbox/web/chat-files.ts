import type { ServerResponse } from 'node:http';

import type { ChatMessage } from '../chat-state.js';
import { InputError } from './http-replies.js';

/** A document or photo of one seller's chat, downloaded from the page; 404 for any file not in that chat. */
export function serveChatFile(response: ServerResponse, chat: ChatMessage[], fileId: string): void {
  // Only files of this seller's own chat: the page shows isolation, it must not break it through a URL.
  const message = chat.find(
    (candidate) =>
      !candidate.deleted && (candidate.document?.file_id === fileId || candidate.photo?.file_id === fileId),
  );
  if (!message) throw new InputError('Not Found', 404);
  const headers: Record<string, string | number> = {
    'cache-control': 'private, max-age=3600',
    'x-content-type-options': 'nosniff',
    // A file is data, never a page of this origin: an uploaded .html must not run here.
    'content-security-policy': "default-src 'none'; sandbox",
  };
  let data: Buffer;
  if (message.document) {
    data = message.document.data;
    headers['content-type'] = message.document.mime_type ?? 'application/octet-stream';
    headers['content-disposition'] = contentDisposition('attachment', message.document.file_name);
  } else {
    data = message.photo!.data;
    const type = imageType(data);
    headers['content-type'] = type ?? 'application/octet-stream';
    headers['content-disposition'] = type ? 'inline' : contentDisposition('attachment', 'photo.bin');
  }
  headers['content-length'] = data.length;
  response.writeHead(200, headers);
  response.end(data);
}

/** `attachment; filename="ascii fallback"; filename*=UTF-8''…` so Cyrillic names survive every browser. */
function contentDisposition(kind: 'attachment' | 'inline', fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

function imageType(data: Buffer): string | undefined {
  if (data.length >= 8 && data.readUInt32BE(0) === 0x89504e47) return 'image/png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 6 && data.toString('ascii', 0, 4) === 'GIF8') return 'image/gif';
  if (data.length >= 12 && data.toString('ascii', 0, 4) === 'RIFF' && data.toString('ascii', 8, 12) === 'WEBP')
    return 'image/webp';
  return undefined;
}
