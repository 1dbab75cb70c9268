import { describe, expect, it } from 'vitest';
import { colorsFor, statusWord } from '../../src/cli/output.ts';

describe('terminal output', () => {
  it('colours only a terminal, and never with NO_COLOR or TERM=dumb', () => {
    expect(colorsFor({ isTTY: true }, {}).isColorSupported).toBe(true);
    expect(colorsFor({ isTTY: true }, { NO_COLOR: '' }).isColorSupported).toBe(false);
    expect(colorsFor({ isTTY: true }, { TERM: 'dumb' }).isColorSupported).toBe(false);
    expect(colorsFor({ isTTY: false }, {}).isColorSupported).toBe(false);
  });

  it('says every status in words, so colour is never the only signal', () => {
    const plain = colorsFor({ isTTY: false }, {});
    expect(['pass', 'warn', 'fail', 'error', 'skipped'].map((s) => statusWord(s, plain).trim())).toEqual(['PASS', 'WARN', 'FAIL', 'ERROR', 'SKIPPED']);
    expect(statusWord('fail', colorsFor({ isTTY: true }, {}))).toContain('\u001b[31mFAIL');
  });
});
