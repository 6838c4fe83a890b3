import { describe, expect, it } from 'vitest';
import { MAX_NOTES_LENGTH as API_MAX_NOTES_LENGTH } from '../../lambda/core/actions';
import {
  type ActionContext,
  actionBody,
  doneState,
  extendLabel,
  extendState,
  extensionsText,
  MAX_NOTES_LENGTH,
  REASONS,
  saveState,
} from '../../web/src/logic/buttons';
import { aWrapUp } from './fixtures';

const idle: ActionContext = { secondsLeft: 90, draftDisposition: null, draftNotes: '', busy: false };

describe('R5: Extend', () => {
  it('R5: Extend is enabled while timed, open and extensions are left', () => {
    expect(extendState(aWrapUp(), idle)).toEqual({ enabled: true });
  });

  it('R5: Extend is disabled with "No extension left" when extensionsLeft is 0', () => {
    const state = extendState(aWrapUp({ extensionsLeft: 0, extensionsUsed: 2 }), idle);

    expect(state).toEqual({ enabled: false, reason: 'No extension left' });
  });

  it('R5: Extend is disabled in untimed mode (the API refuses NOT_EXTENDABLE)', () => {
    const state = extendState(aWrapUp({ mode: 'untimed', deadline: null, secondsLeft: null }), {
      ...idle,
      secondsLeft: null,
    });

    expect(state).toEqual({ enabled: false, reason: REASONS.untimed });
  });

  it('R5: Extend stays enabled in forced mode (only All Done is refused there)', () => {
    expect(extendState(aWrapUp({ mode: 'forced' }), idle).enabled).toBe(true);
  });

  it('R5: Extend is disabled once the countdown reached 0: the deadline is stale until refetched', () => {
    expect(extendState(aWrapUp(), { ...idle, secondsLeft: 0 })).toEqual({
      enabled: false,
      reason: REASONS.timeUp,
    });
  });

  it('R5: Extend is disabled on a closed wrap-up and while another action is in flight', () => {
    expect(extendState(aWrapUp({ state: 'CLOSED_COMPLETE' }), idle).reason).toBe(REASONS.closed);
    expect(extendState(aWrapUp(), { ...idle, busy: true }).reason).toBe(REASONS.busy);
  });

  it('R5: the button says what it adds and the card how many extensions are left', () => {
    expect(extendLabel(aWrapUp({ extensionSeconds: 90 }))).toBe('Extend +1 minute 30 seconds');
    expect(extensionsText(aWrapUp({ extensionsUsed: 1, extensionsLeft: 1 }))).toBe('1 of 2 extensions left');
    expect(extensionsText(aWrapUp({ extensionsUsed: null, extensionsLeft: 3 }))).toBe('3 extensions left');
  });
});

describe('R6: All Done', () => {
  it('R6: All Done is enabled in timed and untimed mode', () => {
    expect(doneState(aWrapUp(), idle)).toEqual({ enabled: true });
    expect(
      doneState(aWrapUp({ mode: 'untimed', deadline: null }), { ...idle, secondsLeft: null }).enabled,
    ).toBe(true);
  });

  it('R6: All Done is disabled in forced mode, with the reason', () => {
    expect(doneState(aWrapUp({ mode: 'forced' }), idle)).toEqual({ enabled: false, reason: REASONS.forced });
  });

  it('R6: All Done is disabled while a required disposition is missing', () => {
    expect(doneState(aWrapUp({ requireDisposition: true }), idle)).toEqual({
      enabled: false,
      reason: 'Choose a disposition first',
    });
  });

  it('R6: a disposition chosen in the picker, or one already saved, enables All Done', () => {
    expect(
      doneState(aWrapUp({ requireDisposition: true }), { ...idle, draftDisposition: 'SALE' }).enabled,
    ).toBe(true);
    expect(doneState(aWrapUp({ requireDisposition: true, disposition: 'SALE' }), idle).enabled).toBe(true);
  });

  it('R6: All Done is disabled once the countdown reached 0 (the wrap-up is ending by itself)', () => {
    expect(doneState(aWrapUp(), { ...idle, secondsLeft: 0 }).reason).toBe(REASONS.timeUp);
  });

  it('R6: All Done sends only what changed: the chosen disposition and edited notes', () => {
    const wrapUp = aWrapUp({ disposition: 'SALE', notes: 'called back' });

    expect(actionBody(wrapUp, { draftDisposition: null, draftNotes: 'called back' })).toEqual({});
    expect(actionBody(wrapUp, { draftDisposition: 'NO_SALE', draftNotes: 'called back twice' })).toEqual({
      disposition: 'NO_SALE',
      notes: 'called back twice',
    });
  });
});

describe('R17: disposition and notes', () => {
  it('R17: the notes limit is the API’s (MAX_NOTES_LENGTH)', () => {
    expect(MAX_NOTES_LENGTH).toBe(API_MAX_NOTES_LENGTH);
  });

  it('R17: Save is disabled until something changed', () => {
    expect(saveState(aWrapUp(), idle)).toEqual({ enabled: false, reason: REASONS.nothingToSave });
    expect(saveState(aWrapUp(), { ...idle, draftNotes: 'x' }).enabled).toBe(true);
    expect(saveState(aWrapUp(), { ...idle, draftDisposition: 'SALE' }).enabled).toBe(true);
  });

  it('R17: Save is disabled with the count when the notes are over the limit', () => {
    const state = saveState(aWrapUp(), { ...idle, draftNotes: 'x'.repeat(MAX_NOTES_LENGTH + 1) });

    expect(state).toEqual({
      enabled: false,
      reason: `Notes are too long: 2001 of ${MAX_NOTES_LENGTH} characters`,
    });
  });
});
