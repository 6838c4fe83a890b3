/**
 * zod as this project uses it: its functional API (`zod/mini`), with the English messages its
 * chained API carries (the functional one has none of its own).
 *
 * Why not the chained API (`zod`): it builds every schema with all its methods, and its module is
 * four times the size. The functions parse events and requests with these schemas, and they are
 * built at init: with the chained API they were about a fifth of a function's init (issue 11,
 * cold start). Import it as a namespace (`import * as z from '../config/zod'`), so that esbuild
 * keeps only what is used.
 */
import { en } from 'zod/locales';
import { config, maxLength, minLength, string } from 'zod/mini';

config(en());

export * from 'zod/mini';

/**
 * A string of 1 to `max` characters (any length from 1 without `max`), refused with `error` when
 * given, else with zod's own message.
 */
export function text(max?: number, error?: string) {
  const params = error === undefined ? undefined : { error };
  return max === undefined
    ? string(params).check(minLength(1, params))
    : string(params).check(minLength(1, params), maxLength(max, params));
}
