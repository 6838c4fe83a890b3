import { describe, expect, it } from 'vitest';
import { main } from '../../sim/demo';

describe('npm run demo (sim/demo.ts)', () => {
  it('prints a timeline with wrap-up starts, restores on time, R2 and R14 cases, and a summary', async () => {
    let text = '';
    const out = {
      write(chunk: string) {
        text += chunk;
        return true;
      },
    };

    const code = await main(out);

    expect(code).toBe(0);
    expect(text).toMatch(
      /Ana\s+VOICE\s+billing\s+wrap-up started, ends 09:05:03 \(queue billing policy, 300 s\)/,
    );
    expect(text).toMatch(/Ana\s+VOICE\s+billing\s+Available \(timer, 0\.\d\d s after deadline\)/);
    expect(text).toContain('profile tier3, 600 s');
    expect(text).toContain('never reached an agent: no wrap-up (R2)');
    expect(text).toContain('same event again: ignored (R14)');
    expect(text).toContain('policy is 0 s: no wrap-up');
    expect(text).toContain('5 ended by the timer, 2 by All Done, 0 still open');
    expect(text).toContain('6 agent actions');
    expect(text).not.toContain('undefined');
  });

  it('shows an extend, an All Done with a disposition, and refusals (issue 3: R5, R6)', async () => {
    let text = '';
    await main({
      write(chunk: string) {
        text += chunk;
        return true;
      },
    });

    // R5: Ana extends once; her wrap-up then ends at the new deadline, not the old one.
    expect(text).toMatch(
      /09:03:10\.000\s+Ana\s+VOICE\s+billing\s+extended by 60 s, ends 09:06:03 \(1 of 1\)\n/,
    );
    expect(text).toMatch(/09:04:30\.000\s+Ana\s+VOICE\s+billing\s+extend refused: EXTENSION_LIMIT\n/);
    expect(text).toMatch(
      /09:06:03\.\d{3}\s+Ana\s+VOICE\s+billing\s+Available \(timer, 0\.\d\d s after deadline\)/,
    );
    expect(text).not.toMatch(/09:05:0\d\.\d{3}\s+Ana\s+VOICE\s+billing\s+Available/);
    // R6: Chloé ends hers early with a disposition; Ben may not (forced chat queue).
    expect(text).toMatch(
      /09:02:30\.000\s+Chloé\s+VOICE\s+general\s+All Done \(disposition SOLD\): Available\n/,
    );
    expect(text).toMatch(/09:01:40\.000\s+Ben\s+CHAT\s+chat\s+All Done refused: EARLY_END_FORBIDDEN\n/);
    expect(text).toMatch(
      /Ben\s+CHAT\s+chat\s+wrap-up started, ends 09:02:08 \(queue chat policy, 60 s, forced\)/,
    );
    expect(text).toContain('timer arrived after All Done: nothing to do (R13)');
    expect(text).toMatch(/Dev\s+VOICE\s+general\s+All Done by a supervisor \(disposition INFO\): Available/);
    expect(text).toContain(
      'agent actions   1 extend (+1 refused), 2 All Done (+1 refused), 1 update; refused: EARLY_END_FORBIDDEN, EXTENSION_LIMIT',
    );
    expect(text).toContain('dispositions SOLD/INFO/CALLBACK');
    expect(text).toContain('queue chat forced');
    // R3: the transfer flow's choice comes before the general queue's 90 s.
    expect(text).toMatch(/-\s+VOICE\s+general\s+contact flow chose this contact's wrap-up: 120 s, timed/);
    expect(text).toMatch(
      /Ana\s+VOICE\s+general\s+wrap-up started, ends 09:13:30 \(contact flow's choice, 120 s\)/,
    );
    expect(text).not.toMatch(/[{}]/);
  });
});
