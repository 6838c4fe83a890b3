import { describe, expect, it } from 'vitest';
import { REFUSAL_CODES } from '../../lambda/core/actions';
import { ApiError, failureCode, failureOf, failureWords } from '../../web/src/logic/errors';

const GENERIC = new Set([
  failureWords({ kind: 'http', status: 500 }).text,
  failureWords({ kind: 'http', status: 418 }).text,
]);

describe('API errors in plain words', () => {
  it.each(REFUSAL_CODES)('R5/R6: the refusal %s has words of its own', (code) => {
    const words = failureWords({
      kind: 'http',
      status: 409,
      code,
      message: `${code}: contact c, agent a: ...`,
    });

    expect(words.code).toBe(code);
    expect(GENERIC.has(words.text)).toBe(false);
    // The API's technical message is never shown to agents for a refusal.
    expect(words.text).not.toContain(code);
  });

  it('R5: EXTENSION_LIMIT says no extension is left', () => {
    expect(failureWords({ kind: 'http', status: 409, code: 'EXTENSION_LIMIT' }).text).toMatch(
      /No extension left/,
    );
  });

  it('R6: EARLY_END_FORBIDDEN says the wrap-up ends by itself', () => {
    expect(failureWords({ kind: 'http', status: 409, code: 'EARLY_END_FORBIDDEN' }).text).toMatch(
      /cannot be ended early/,
    );
  });

  it('R6: DISPOSITION_REQUIRED asks for a disposition', () => {
    expect(failureWords({ kind: 'http', status: 409, code: 'DISPOSITION_REQUIRED' }).text).toMatch(
      /Choose a disposition/,
    );
  });

  it.each([
    [{ kind: 'http', status: 401 } as const, 'UNAUTHORIZED', true, false],
    [{ kind: 'http', status: 401, message: 'Unauthorized' } as const, 'UNAUTHORIZED', true, false],
    [{ kind: 'http', status: 403, code: 'FORBIDDEN' } as const, 'FORBIDDEN', true, false],
    [{ kind: 'http', status: 403, code: 'AGENT_MISMATCH' } as const, 'AGENT_MISMATCH', true, false],
    [{ kind: 'http', status: 404, code: 'NOT_FOUND' } as const, 'NOT_FOUND', false, false],
    [
      {
        kind: 'http',
        status: 400,
        code: 'BAD_REQUEST',
        message: 'notes must be at most 2000 characters',
      } as const,
      'BAD_REQUEST',
      false,
      false,
    ],
    [{ kind: 'http', status: 429, message: 'Too Many Requests' } as const, 'THROTTLED', false, true],
    [{ kind: 'http', status: 503, code: 'BUSY' } as const, 'BUSY', false, true],
    [{ kind: 'http', status: 503 } as const, 'UNAVAILABLE', false, true],
    [{ kind: 'http', status: 500, code: 'INTERNAL' } as const, 'INTERNAL', false, true],
    [{ kind: 'network' } as const, 'NETWORK', false, true],
    [{ kind: 'timeout' } as const, 'TIMEOUT', false, true],
    [{ kind: 'signed-out' } as const, 'SIGNED_OUT', true, false],
  ])('maps %j to %s (sign in: %s, retry: %s)', (failure, code, signIn, retry) => {
    const words = failureWords(failure);

    expect(words.code).toBe(code);
    expect(words.signIn).toBe(signIn);
    expect(words.retry).toBe(retry);
    expect(words.text.length).toBeGreaterThan(10);
  });

  it('names the bad field of a BAD_REQUEST (the API’s message names it)', () => {
    const words = failureWords({
      kind: 'http',
      status: 400,
      code: 'BAD_REQUEST',
      message: 'notes must be at most 2000 characters',
    });

    expect(words.text).toContain('notes must be at most 2000 characters');
  });

  it('tells a supervisor without the group to sign in as a supervisor', () => {
    expect(failureWords({ kind: 'http', status: 403, code: 'FORBIDDEN' }, 'supervisor').text).toMatch(
      /supervisor/,
    );
  });

  it('takes an unknown code by its status, never shows it raw', () => {
    expect(failureCode({ kind: 'http', status: 409, code: 'SOMETHING_NEW' })).toBe('MALFORMED');
    expect(failureCode({ kind: 'http', status: 404, code: 'SOMETHING_NEW' })).toBe('NOT_FOUND');
  });

  it('treats anything thrown that is not an ApiError as a network failure', () => {
    expect(failureOf(new TypeError('Failed to fetch'))).toEqual({
      kind: 'network',
      detail: 'Failed to fetch',
    });
    const error = new ApiError({ kind: 'timeout' });
    expect(failureOf(error)).toBe(error.failure);
    expect(error.code).toBe('TIMEOUT');
  });
});
