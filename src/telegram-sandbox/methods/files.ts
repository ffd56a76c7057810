import type { ServerResponse } from 'node:http';

import type { Message } from 'grammy/types';

import { badRequest, type ApiParams } from '../api-params.js';
import type { ChatState, StoredFile } from '../chat-state.js';
import type { MethodTable } from '../dispatcher.js';
import { imageSize, mimeTypeOf } from '../file-metadata.js';
import { sendJson } from '../http-io.js';
import type { UploadedFile } from '../../http/multipart.js';
import { captionOf, chatIdOf, markupOf, replyTargetOf, type MethodContext } from './params.js';

/** Bots download files up to 20 MB. */
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

/** sendDocument, sendPhoto (an upload, or a file_id sent before) and getFile. */
export function fileMethods(context: MethodContext): MethodTable {
  return {
    sendDocument: (params) => sendFile(params, context, 'document'),
    sendPhoto: (params) => sendFile(params, context, 'photo'),
    getFile: (params) => getFile(params, context.state),
  };
}

/** `GET /file/bot<token>/<file_path>`: the bytes of a file, once the router has checked the token. */
export function serveFileDownload(response: ServerResponse, file: StoredFile | undefined): void {
  if (!file) {
    sendJson(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
    return;
  }
  response.writeHead(200, {
    'content-type': file.mime_type ?? 'application/octet-stream',
    'content-length': file.data.length,
  });
  response.end(file.data);
}

function sendFile(params: ApiParams, context: MethodContext, kind: 'document' | 'photo'): Message {
  const { state } = context;
  const chatId = chatIdOf(params, context);
  const input = params.file(kind);
  if (input === undefined) throw badRequest(`there is no ${kind} in the request`);
  const { caption, captionEntities } = captionOf(params);
  const replyMarkup = markupOf(params);
  const replyToMessageId = replyTargetOf(params, state, chatId);
  const file = resolveFile(state, input, kind);
  const stored = state.addMessage(chatId, 'bot', {
    ...(kind === 'document' ? { documentId: file.file_id } : { photoId: file.file_id }),
    ...(caption !== undefined ? { caption } : {}),
    ...(captionEntities ? { captionEntities } : {}),
    ...(replyMarkup ? { replyMarkup } : {}),
    ...(replyToMessageId !== undefined ? { replyToMessageId } : {}),
  });
  return state.toApiMessage(stored);
}

function resolveFile(state: ChatState, input: UploadedFile | string, kind: 'document' | 'photo'): StoredFile {
  if (typeof input !== 'string') {
    if (input.data.length === 0) throw badRequest('file must be non-empty');
    if (kind === 'photo') return state.storeFile('photo', input.data, imageSize(input.data));
    const mimeType = mimeTypeOf(input.fileName, input.contentType);
    return state.storeFile('document', input.data, {
      file_name: input.fileName,
      ...(mimeType ? { mime_type: mimeType } : {}),
    });
  }
  if (/^https?:\/\//i.test(input)) throw badRequest('failed to get HTTP URL content');
  const existing = state.file(input);
  if (!existing) throw badRequest('wrong file identifier/HTTP URL specified');
  if (existing.kind !== kind) throw badRequest('type of file mismatch');
  return existing;
}

function getFile(params: ApiParams, state: ChatState): Record<string, unknown> {
  const file = state.file(params.string('file_id') ?? '');
  if (!file) throw badRequest('invalid file_id');
  if (file.data.length > MAX_DOWNLOAD_BYTES) throw badRequest('file is too big');
  return {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    file_size: file.data.length,
    file_path: file.file_path,
  };
}
