/** The API's error answers (lambda/handlers/api.ts). */

/** An error answer: the status and the body the caller sees; nothing else of the cause leaks. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message?: string,
    /** More of the answer's body, beside `error` and `message` (R20: `problems`, `version`). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message ?? code);
    this.name = 'HttpError';
  }
}

/** The part of an API Gateway event a body is read from. */
interface WithBody {
  readonly body?: string | undefined;
  readonly isBase64Encoded: boolean;
}

/**
 * A request's JSON body, or `{}` when `optional` and absent; refused (400 naming why) when absent
 * and required, larger than `maxBytes`, or not JSON.
 */
export function jsonBodyOf(event: WithBody, maxBytes: number, optional = false): unknown {
  const raw = event.body;
  if (raw === undefined || raw === '') {
    if (optional) return {};
    throw new HttpError(400, 'BAD_REQUEST', 'body is required');
  }
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new HttpError(400, 'BAD_REQUEST', `body must be at most ${maxBytes} bytes`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'body must be JSON');
  }
}
