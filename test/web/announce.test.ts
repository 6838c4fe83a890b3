import { describe, expect, it } from 'vitest';
import { crossedMoment, extendedText, momentText, startedText } from '../../web/src/logic/announce';

describe('the countdown is announced at moments, not every second', () => {
  it('says nothing on the first reading (the start has its own announcement)', () => {
    expect(crossedMoment(undefined, 120)).toBeUndefined();
  });

  it('says nothing between moments', () => {
    expect(crossedMoment(119, 118)).toBeUndefined();
    expect(crossedMoment(45, 44)).toBeUndefined();
  });

  it.each([
    [121, 120, 120],
    [61, 60, 60],
    [31, 30, 30],
    [11, 10, 10],
    [1, 0, 0],
  ])('announces %i → %i as the %i s moment', (previous, current, moment) => {
    expect(crossedMoment(previous, current)).toBe(moment);
  });

  it('says only the latest moment when several were crossed at once (the tab slept)', () => {
    expect(crossedMoment(130, 25)).toBe(30);
    expect(crossedMoment(200, 5)).toBe(10);
    expect(crossedMoment(500, 0)).toBe(0);
  });

  it('says nothing when the countdown goes up (Extend), the extension has its own announcement', () => {
    expect(crossedMoment(20, 80)).toBeUndefined();
  });

  it('speaks the time left in words and names the wrap-up when there are several', () => {
    expect(momentText(60)).toBe('1 minute of wrap-up left');
    expect(momentText(30, 'Chat')).toBe('Chat: 30 seconds of wrap-up left');
    expect(momentText(0)).toBe('wrap-up time is up');
  });

  it('announces a start and an extension with the time left', () => {
    expect(startedText('VOICE', 120)).toBe('Wrap-up started for the voice contact: 2 minutes left');
    expect(startedText('CHAT', null)).toBe('Wrap-up started for the chat contact: no time limit');
    expect(extendedText(90)).toBe('Wrap-up extended: 1 minute 30 seconds left');
  });
});
