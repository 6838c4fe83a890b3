import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('web/ type-checks', () => {
  it('under its own tsconfig (DOM, Preact JSX), which the root tsc --noEmit does not include', () => {
    const file = path.join(ROOT, 'web', 'tsconfig.json');
    const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
    expect(error).toBeUndefined();
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, path.dirname(file));
    const program = ts.createProgram(parsed.fileNames, { ...parsed.options, noEmit: true });

    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file
        ? `${path.relative(ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
        : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });

    expect(parsed.fileNames.length).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });
});
