/**
 * Every way a request can fail, in plain words for agents and supervisors. The API answers
 * `{ "error": CODE, "message"? }` (lambda/handlers/api.ts); API Gateway itself answers 401 and
 * 429 with `{ "message": ... }` only, so the status decides when there is no code.
 */

/** How a request failed. */
export type Failure =
  | {
      readonly kind: 'http';
      readonly status: number;
      /** The body's `error` (or `code`) field, when there is one. */
      readonly code?: string | undefined;
      /** The body's `message`: for BAD_REQUEST it names the field. */
      readonly message?: string | undefined;
      /** From a Retry-After header, seconds. */
      readonly retryAfterSeconds?: number | undefined;
    }
  | { readonly kind: 'network'; readonly detail?: string | undefined }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'malformed'; readonly detail: string }
  | { readonly kind: 'signed-out'; readonly detail?: string | undefined };

/** A failure with its normalised code, thrown by the API client. */
export class ApiError extends Error {
  readonly code: FailureCode;
  constructor(readonly failure: Failure) {
    super(
      `${failureCode(failure)}: ${failure.kind === 'http' ? (failure.message ?? failure.status) : failure.kind}`,
    );
    this.name = 'ApiError';
    this.code = failureCode(failure);
  }
}

/** The codes the pages tell apart. */
export type FailureCode =
  | 'EXTENSION_LIMIT'
  | 'NOT_EXTENDABLE'
  | 'SESSION_CLOSED'
  | 'EARLY_END_FORBIDDEN'
  | 'DISPOSITION_REQUIRED'
  | 'UNKNOWN_DISPOSITION'
  | 'UNKNOWN_STATUS'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'AGENT_MISMATCH'
  | 'UNAUTHORIZED'
  | 'BAD_REQUEST'
  | 'BUSY'
  | 'THROTTLED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'MALFORMED'
  | 'SIGNED_OUT';

/** What the page shows, and what it may offer next. */
export interface FailureWords {
  readonly code: FailureCode;
  readonly text: string;
  /** Offer to sign in again. */
  readonly signIn: boolean;
  /** Trying again later may work (the page keeps refreshing by itself). */
  readonly retry: boolean;
}

const KNOWN_CODES = new Set<string>([
  'EXTENSION_LIMIT',
  'NOT_EXTENDABLE',
  'SESSION_CLOSED',
  'EARLY_END_FORBIDDEN',
  'DISPOSITION_REQUIRED',
  'UNKNOWN_DISPOSITION',
  'UNKNOWN_STATUS',
  'NOT_FOUND',
  'FORBIDDEN',
  'AGENT_MISMATCH',
  'UNAUTHORIZED',
  'BAD_REQUEST',
  'BUSY',
  'THROTTLED',
  'INTERNAL',
]);

/** The code of a failure: the API's own when it sent a known one, else from the HTTP status. */
export function failureCode(failure: Failure): FailureCode {
  switch (failure.kind) {
    case 'network':
      return 'NETWORK';
    case 'timeout':
      return 'TIMEOUT';
    case 'malformed':
      return 'MALFORMED';
    case 'signed-out':
      return 'SIGNED_OUT';
    case 'http': {
      if (failure.code !== undefined && KNOWN_CODES.has(failure.code)) return failure.code as FailureCode;
      const status = failure.status;
      if (status === 400) return 'BAD_REQUEST';
      if (status === 401) return 'UNAUTHORIZED';
      if (status === 403) return 'FORBIDDEN';
      if (status === 404) return 'NOT_FOUND';
      if (status === 429) return 'THROTTLED';
      if (status === 502 || status === 503 || status === 504) return 'UNAVAILABLE';
      if (status >= 500) return 'INTERNAL';
      return 'MALFORMED';
    }
  }
}

/** Who reads the words: an agent about their own wrap-up, or a supervisor about someone's. */
export type Audience = 'agent' | 'supervisor' | 'admin';

/** The failure in plain words. */
export function failureWords(failure: Failure, audience: Audience = 'agent'): FailureWords {
  const code = failureCode(failure);
  const words = (text: string, more: Partial<Pick<FailureWords, 'signIn' | 'retry'>> = {}): FailureWords => ({
    code,
    text,
    signIn: more.signIn ?? false,
    retry: more.retry ?? false,
  });
  switch (code) {
    case 'EXTENSION_LIMIT':
      return words('No extension left: every extension this wrap-up allows has been used.');
    case 'NOT_EXTENDABLE':
      return words('This wrap-up has no time limit, so there is nothing to extend.');
    case 'SESSION_CLOSED':
      return words('This wrap-up has already ended.');
    case 'EARLY_END_FORBIDDEN':
      return words('This wrap-up cannot be ended early: it ends by itself when the time is up.');
    case 'DISPOSITION_REQUIRED':
      return words('Choose a disposition before ending the wrap-up.');
    case 'UNKNOWN_DISPOSITION':
      return words('That disposition is not offered for this wrap-up any more. Choose another one.');
    case 'UNKNOWN_STATUS':
      return words('That status cannot be chosen any more (it was removed or disabled). Choose another one.');
    case 'NOT_FOUND':
      return words('This wrap-up was not found: it has probably just ended.');
    case 'FORBIDDEN':
      if (audience === 'admin') {
        return words(
          'Only administrators (and supervisors, to read) can use this page. Sign in with such an account.',
          { signIn: true },
        );
      }
      return audience === 'supervisor'
        ? words('Only supervisors can use this board. Sign in with a supervisor account.', { signIn: true })
        : words('This sign-in is not an agent of this contact center. Sign in with your agent account.', {
            signIn: true,
          });
    case 'AGENT_MISMATCH':
      return words(
        'You are signed in as a different person from the agent logged in to this desktop. Sign in as that agent.',
        { signIn: true },
      );
    case 'UNAUTHORIZED':
    case 'SIGNED_OUT':
      return words('Your sign-in has expired or is missing. Sign in again.', { signIn: true });
    case 'BAD_REQUEST': {
      const detail = failure.kind === 'http' && failure.message ? ` (${failure.message})` : '';
      return words(`The wrap-up service did not accept this${detail}.`);
    }
    case 'BUSY':
      return words(
        `${audience === 'agent' ? 'Your' : 'This'} wrap-up was being changed at the same moment. Try again.`,
        {
          retry: true,
        },
      );
    case 'THROTTLED':
      return words('The wrap-up service is busy. Wait a few seconds and try again.', { retry: true });
    case 'INTERNAL':
      return words(
        'Something went wrong in the wrap-up service. Try again; if it keeps happening, tell a supervisor.',
        {
          retry: true,
        },
      );
    case 'UNAVAILABLE':
      return words('The wrap-up service is not answering right now. It will be tried again.', {
        retry: true,
      });
    case 'NETWORK':
    case 'TIMEOUT':
      return words('Cannot reach the wrap-up service: check the connection. It will be tried again.', {
        retry: true,
      });
    case 'MALFORMED':
      return words('The wrap-up service sent an answer this page does not understand. Reload the page.', {
        retry: true,
      });
  }
}

/** Any thrown value as a failure: an ApiError's own, else a network failure. */
export function failureOf(error: unknown): Failure {
  if (error instanceof ApiError) return error.failure;
  return { kind: 'network', detail: error instanceof Error ? error.message : String(error) };
}
