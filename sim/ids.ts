/** Stable identifiers, so that a scenario always gives the same ids. */
import { createHash } from 'node:crypto';

/** A UUID-shaped id derived from `text` (not a random UUID: the same text gives the same id). */
export function stableUuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
