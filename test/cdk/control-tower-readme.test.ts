/**
 * Issue 10: the README's "AWS Control Tower controls" table is the exceptions list of
 * control-tower-exceptions.ts, row for row, so what the README promises is what the tests check.
 */
import { describe, expect, it } from 'vitest';
import { README_SECTION, readmeSection } from './control-tower';
import { CONTROL_TOWER_EXCEPTIONS } from './control-tower-exceptions';

/** The table rows of a section that name a control, `| CT.X.PR.N (...) | ... | ... |`. */
function controlRows(section: string): string[] {
  return section.split('\n').filter((line) => /^\| CT\./.test(line));
}

describe('README: AWS Control Tower controls', () => {
  const section = readmeSection(README_SECTION);

  it('names exactly the documented exceptions, in the same order', () => {
    const named = controlRows(section).map((row) => /^\| (CT\.[A-Z0-9-]+\.PR\.\d+) /.exec(row)?.[1]);

    expect(named).toEqual(CONTROL_TOWER_EXCEPTIONS.map((exception) => exception.control));
  });

  it('gives each the reason and the way to comply of the list, word for word', () => {
    expect(controlRows(section)).toEqual(
      CONTROL_TOWER_EXCEPTIONS.map(
        ({ control, title, reason, howToComply }) => `| ${control} (${title}) | ${reason} | ${howToComply} |`,
      ),
    );
  });

  it('says the tests run the controls, and where the list lives', () => {
    expect(section).toContain('test/cdk/control-tower.test.ts');
    expect(section).toContain('test/cdk/control-tower-exceptions.ts');
    expect(section).toContain('@cdklabs/cdk-validator-cfnguard');
  });

  it('finds a table that differs from the list (the check is live)', () => {
    const edited = section.replace('| CT.LAMBDA.PR.3 (', '| CT.LAMBDA.PR.9 (');

    expect(controlRows(edited)).not.toEqual(controlRows(section));
    expect(controlRows(edited).map((row) => row.slice(0, 17))).toContain('| CT.LAMBDA.PR.9 ');
  });
});
