/**
 * The layout is the data flow, and these rules keep it so: the format imports nothing of ours;
 * the core is pure (the format only, no Node I/O); the site reads evidence and never a database
 * or a process; the collectors never reach into the site or the CLI; the product never imports
 * examples/ or the test harness (the CLI's demo of the example is the one named exception).
 */
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(new URL('../../', import.meta.url).pathname);

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(join(repo, dir), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && /\.(ts|mts|mjs|astro)$/.test(e.name)).map((e) => relative(repo, join(e.parentPath, e.name)));
}

/** Every module a file imports: our files as repo-relative paths, packages and node: builtins by name. */
async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(join(repo, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map(([, spec]) => (spec!.startsWith('.') ? relative(repo, resolve(dirname(join(repo, file)), spec!)) : spec!));
}

async function violations(dirs: string[], forbidden: (spec: string, file: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  for (const dir of dirs) for (const file of await sources(dir)) for (const spec of await importsOf(file)) if (forbidden(spec, file)) found.push(`${file} → ${spec}`);
  return found;
}

const ours = (spec: string) => /^(src|collectors|examples|test|bench|bin)\//.test(spec);
const io = (spec: string) => /^(node:(fs|child_process|net|http|https|os)|pg|pg-cursor|execa|@electric-sql\/)/.test(spec.split('/promises')[0]!);

describe('import boundaries', () => {
  it('src/format imports nothing of ours outside itself', async () => {
    expect(await violations(['src/format'], (spec) => ours(spec) && !spec.startsWith('src/format/'))).toEqual([]);
  });

  it('src/core is pure: only src/core and src/format, no database, process or network module', async () => {
    expect(await violations(['src/core'], (spec) => (ours(spec) && !spec.startsWith('src/core/') && !spec.startsWith('src/format/')) || io(spec))).toEqual([]);
  });

  it('the site (src/site, src/pages, src/components) reads evidence only: no collectors, CLI, database or process', async () => {
    const site = ['src/site', 'src/pages', 'src/components'];
    expect(await violations(site, (spec) => spec.startsWith('collectors/') || spec.startsWith('src/cli/') || /^(pg|pg-cursor|execa|node:child_process|node:net|@electric-sql\/)/.test(spec))).toEqual([]);
  });

  it('the collectors never import the site or the CLI', async () => {
    expect(await violations(['collectors'], (spec) => /^src\/(site|pages|components|cli)\//.test(spec))).toEqual([]);
  });

  it('the product never imports examples/ or the test harness (the demo command of the example excepted)', async () => {
    const product = ['src', 'collectors', 'bin'];
    expect(await violations(product, (spec, file) => (spec.startsWith('examples/') && file !== 'src/cli/commands/demo.ts') || spec.startsWith('test/'))).toEqual([]);
    expect(await violations(['examples'], (spec) => spec.startsWith('test/'))).toEqual([]);
  });

  it('every process is started through the child-process kit', async () => {
    const kit = 'collectors/process/child-process.ts';
    expect(await violations(['src', 'collectors'], (spec, file) => /^(execa|node:child_process)$/.test(spec) && file !== kit && file !== 'collectors/process/supervisor.mjs')).toEqual([]);
  });

  it('the sign-off checks "Verify this report" runs in the browser import no zod: nothing the report\'s script, src/core/signoffs/verify-signoffs.ts or the reading of the sign-off terms imports, at any depth, imports zod (types excepted, which vanish)', async () => {
    const valueImports = async (file: string) => {
      const text = await readFile(join(repo, file), 'utf8');
      // Imports, and re-exports (the verifier chunk is made of them); `import type` and `export type` vanish.
      const statements = /^(?:import\s+(?!type\s)[^'"]*?|export\s+(?!type\s)(?:\{[^}]*\}|\*(?:\s+as\s+\w+)?)\s+from\s+)['"]([^'"]+)['"]/gm;
      return [...text.matchAll(statements)].map(([, spec]) => (spec!.startsWith('.') ? relative(repo, resolve(dirname(join(repo, file)), spec!)) : spec!));
    };
    const seen = new Set<string>();
    const zod: string[] = [];
    const walk = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of await valueImports(file)) {
        if (/^(astro\/)?zod$/.test(spec)) zod.push(file);
        else if (ours(spec)) await walk(spec);
      }
    };
    for (const root of ['src/core/signoffs/verify-signoffs.ts', 'src/site/client/verify-report.ts', 'src/format/signoff-roles.ts']) await walk(root);
    expect(seen).toContain('src/core/signoffs/dsse.ts');
    expect(seen).toContain('src/core/signoffs/signer-names.ts');
    expect(zod).toEqual([]);
  });
});
