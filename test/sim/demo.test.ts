import { describe, expect, it } from 'vitest';
import { main } from '../../sim/demo';

describe('npm start (sim/demo.ts)', () => {
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
    expect(text).toContain('7 ended by the timer, 0 still open');
    expect(text).not.toMatch(/[{}]/);
  });
});
