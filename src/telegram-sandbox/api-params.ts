import type { IncomingMessage } from 'node:http';

import { parseMultipart, MultipartError, type UploadedFile } from '../http/multipart.js';

/** An error the fake answers the way the Bot API does: `{ ok: false, error_code, description, parameters? }`. */
export class BotApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
    this.name = 'BotApiError';
  }
}

export function badRequest(message: string): BotApiError {
  return new BotApiError(400, `Bad Request: ${message}`);
}

/** Bot API parameters that carry JSON when they come as form fields or in the query string. */
const JSON_PARAMS = new Set([
  'reply_markup',
  'entities',
  'caption_entities',
  'allowed_updates',
  'commands',
  'scope',
  'menu_button',
  'link_preview_options',
  'reply_parameters',
  'media',
  'message_ids',
  'explanation_entities',
  'rights',
]);
const INTEGER_PARAMS = new Set([
  'chat_id',
  'message_id',
  'offset',
  'limit',
  'timeout',
  'reply_to_message_id',
  'message_thread_id',
  'user_id',
  'cache_time',
  'max_connections',
  'from_chat_id',
  'width',
  'height',
  'duration',
]);
const BOOLEAN_PARAMS = new Set([
  'show_alert',
  'disable_notification',
  'protect_content',
  'drop_pending_updates',
  'disable_web_page_preview',
  'allow_sending_without_reply',
  'disable_content_type_detection',
  'has_spoiler',
  'show_caption_above_media',
  'allow_paid_broadcast',
]);

/** What an upload looks like in a recorded payload: the bytes stay in the chat state, not in the call log. */
interface UploadDescriptor {
  attach: string;
  file_name: string;
  size: number;
}

/**
 * The parameters of one Bot API call, whichever way they came (JSON body, urlencoded body, query
 * string or multipart/form-data), normalised so a JSON call and a multipart call record the same
 * payload: integers and booleans from form fields become numbers and booleans, JSON-typed fields
 * (reply_markup, entities, …) are parsed.
 */
export class ApiParams {
  private constructor(
    readonly values: Record<string, unknown>,
    private readonly files: Map<string, UploadedFile>,
  ) {}

  static fromObject(values: Record<string, unknown>, files = new Map<string, UploadedFile>()): ApiParams {
    const normalised: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      if (value === null || value === undefined) continue;
      normalised[key] = normaliseValue(key, value);
    }
    return new ApiParams(normalised, files);
  }

  static async fromRequest(request: IncomingMessage, body: Buffer, url: URL): Promise<ApiParams> {
    const values: Record<string, unknown> = {};
    for (const [key, value] of url.searchParams) values[key] = value;
    let files = new Map<string, UploadedFile>();
    const contentType = (request.headers['content-type'] ?? '').toLowerCase();
    if (body.length > 0) {
      if (contentType.startsWith('application/json')) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch {
          throw badRequest("can't parse JSON encoded request body");
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
          throw badRequest('JSON object expected as request body');
        Object.assign(values, parsed);
      } else if (contentType.startsWith('multipart/form-data')) {
        try {
          const multipart = await parseMultipart(body, request.headers['content-type'] ?? '');
          for (const [key, value] of multipart.fields) values[key] = value;
          files = multipart.files;
        } catch (error) {
          if (error instanceof MultipartError)
            throw badRequest(`can't parse multipart/form-data request: ${error.message}`);
          throw error;
        }
      } else {
        // Telegram treats anything else as urlencoded, as curl -d does.
        for (const [key, value] of new URLSearchParams(body.toString('utf8'))) values[key] = value;
      }
    }
    return ApiParams.fromObject(values, files);
  }

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  string(name: string): string | undefined {
    const value = this.values[name];
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return JSON.stringify(value);
  }

  /** An integer, or undefined when absent; `invalid` is what a non-integer value means for this method. */
  integer(name: string, invalid: () => BotApiError): number | undefined {
    const value = this.values[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    throw invalid();
  }

  boolean(name: string): boolean {
    const value = this.values[name];
    return value === true || value === 'true' || value === 1 || value === '1';
  }

  /** A JSON-typed parameter (already parsed when it came as a JSON string). */
  json(name: string, invalid: () => BotApiError): unknown {
    const value = this.values[name];
    if (typeof value === 'string') {
      if (value === '') return undefined;
      try {
        return JSON.parse(value);
      } catch {
        throw invalid();
      }
    }
    return value;
  }

  /** An uploaded file (an `attach://` reference or a file part of that name) or a file_id/URL string. */
  file(name: string): UploadedFile | string | undefined {
    const direct = this.files.get(name);
    if (direct) return direct;
    const value = this.values[name];
    if (typeof value !== 'string' || value === '') return undefined;
    if (value.startsWith('attach://')) return this.files.get(value.slice('attach://'.length)) ?? value;
    return value;
  }

  /** The payload as recorded: uploads described by name and size instead of their bytes. */
  recordedPayload(): Record<string, unknown> {
    const payload: Record<string, unknown> = { ...this.values };
    for (const [key, value] of Object.entries(payload)) {
      if (typeof value === 'string' && value.startsWith('attach://')) {
        const file = this.files.get(value.slice('attach://'.length));
        if (file) payload[key] = describe(value.slice('attach://'.length), file);
      }
    }
    for (const [key, file] of this.files) {
      if (payload[key] === undefined) payload[key] = describe(key, file);
    }
    return payload;
  }
}

function describe(attach: string, file: UploadedFile): UploadDescriptor {
  return { attach, file_name: file.fileName, size: file.data.length };
}

function normaliseValue(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (INTEGER_PARAMS.has(key) && /^-?\d+$/.test(value.trim())) {
    const number = Number(value.trim());
    return Number.isSafeInteger(number) ? number : value;
  }
  if (BOOLEAN_PARAMS.has(key)) {
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0' || value === '') return false;
  }
  if (JSON_PARAMS.has(key)) {
    const trimmed = value.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return JSON.parse(trimmed) as unknown;
      } catch {
        // Left as a string: the method reports it in Telegram's words.
      }
    }
  }
  return value;
}
