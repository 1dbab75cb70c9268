/** The stylesheets that give site.css's print rules their facts (src/site/paper.ts): text stays text. */
import { describe, expect, it } from 'vitest';
import { cssString, deploymentPaperCss, paperFacts, sitePaperCss } from '../../src/site/paper.ts';

describe('paper stylesheets', () => {
  it('write any text as one CSS string that nothing in it can end', () => {
    expect(cssString('plain-id 42')).toBe('"plain-id 42"');
    expect(cssString('a"b\\c')).toBe('"a\\"b\\\\c"');
    // A line break, a closing brace and markup cannot end the string, the rule or the sheet.
    expect(cssString('x";}\n</style>body{display:none}')).toBe('"x\\";}\\a </style>body{display:none}"');
    expect(cssString('é\u202E')).toBe('"\\e9 \\202e "');
  });

  it('give a deployment\'s id, decision and digest, or say it has no manifest', () => {
    const digest = 'ab'.repeat(32);
    const css = deploymentPaperCss(paperFacts({ deployment: { id: 'staging-pr74-blocked', decision: { status: 'BLOCKED' } }, files: [{ path: 'checks/x.json', sha256: 'cd'.repeat(32) }, { path: 'manifest.json', sha256: digest }] }));
    expect(css).toContain('--paper-deployment: "Deployment staging-pr74-blocked";');
    expect(css).toContain('--paper-decision: "Decision: BLOCKED";');
    expect(css).toContain(`--paper-digest: "Digest sha256 ${digest}";`);
    const interrupted = deploymentPaperCss(paperFacts({ deployment: { id: 'x', decision: { status: 'INCOMPLETE' } }, files: [] }));
    expect(interrupted).toContain('--paper-digest: "No manifest: the collection did not finish";');
  });

  it('give the site\'s origin for printed links only when the build knows it', () => {
    expect(sitePaperCss(new URL('https://audit.example.com/audit/'))).toContain(':root { --paper-site: "https://audit.example.com"; }');
    expect(sitePaperCss(undefined)).not.toContain('--paper-site');
  });
});
