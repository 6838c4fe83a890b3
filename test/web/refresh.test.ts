import { describe, expect, it } from 'vitest';
import {
  acceptList,
  gone,
  newlyOpened,
  REFRESH,
  refreshDelayMs,
  withResult,
} from '../../web/src/logic/refresh';
import { aWrapUp } from './fixtures';

describe('when the pages ask the API again', () => {
  it('every few seconds while open, every second once expired, slowly when idle', () => {
    expect(refreshDelayMs({ open: 1, expired: false, failures: 0 })).toBe(REFRESH.open);
    expect(refreshDelayMs({ open: 1, expired: true, failures: 0 })).toBe(REFRESH.expired);
    expect(refreshDelayMs({ open: 0, expired: false, failures: 0 })).toBe(REFRESH.idle);
  });

  it('backs off exponentially on failures, up to 30 s', () => {
    expect(
      [1, 2, 3, 4, 5, 9].map((failures) => refreshDelayMs({ open: 1, expired: true, failures })),
    ).toEqual([2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });

  it('drops a list whose request left before the last action’s answer arrived', () => {
    expect(acceptList(1_000, 1_001)).toBe(false);
    expect(acceptList(1_001, 1_001)).toBe(true);
  });

  it('puts an action’s answer in place of the wrap-up, and drops it once closed', () => {
    const a = aWrapUp({ contactId: 'a' });
    const b = aWrapUp({ contactId: 'b' });
    const extended = { ...a, extensionsLeft: 1 };

    expect(withResult([a, b], extended)).toEqual([extended, b]);
    expect(withResult([a, b], { ...a, state: 'CLOSED_COMPLETE' })).toEqual([b]);
  });

  it('tells wrap-ups that appeared from those that ended', () => {
    const a = aWrapUp({ contactId: 'a' });
    const b = aWrapUp({ contactId: 'b' });

    expect(newlyOpened([a], [a, b])).toEqual([b]);
    expect(gone([a, b], [b])).toEqual([a]);
  });
});
