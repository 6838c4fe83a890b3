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
