import type { IncomingMessage } from 'node:http';

/** A call's input is a run configuration or a few ids: far below this. */
export const MAX_BODY_BYTES = 1 << 20;
/** Configurations nest three levels; deeper JSON is an attack on the validators' recursion. */
export const MAX_JSON_DEPTH = 32;

/** A body refused before parsing; `status` is the HTTP status to answer with. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/** The deepest nesting of arrays and objects in JSON text, without recursion (strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (char === 0x5d || char === 0x7d) {
      depth--;
    }
  }
  return deepest;
}

/**
 * Reads a JSON body of at most MAX_BODY_BYTES and MAX_JSON_DEPTH levels. A declared length over
 * the limit is refused before reading a byte; an undeclared one (chunked) when it passes the limit.
 */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const tooLarge = () => new BodyError(413, `The request body is larger than ${MAX_BODY_BYTES} bytes`);
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.length === 0) return {};
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new BodyError(400, `The request body nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BodyError(400, `Unreadable request body: ${(error as Error).message}`);
  }
}
