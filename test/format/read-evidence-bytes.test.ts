/**
 * Reading one evidence file (untrusted: it arrives by pull request), through promises and
 * synchronously (the loaders read thousands at once that way; issue 14): the same bytes, and the
 * same refusals — a link is never followed, a FIFO neither blocks nor is read.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readEvidenceBytes, readEvidenceBytesSync, UnsafeEvidenceFileError } from '../../src/format/evidence-tree.ts';

let dir: string;
const big = Buffer.from(Array.from({ length: 70_000 }, (_, i) => String.fromCharCode(32 + (i % 90))).join(''));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'read-evidence-bytes-'));
  await writeFile(join(dir, 'small.json'), '{"id":"row-count","값":"한국어"}');
  await writeFile(join(dir, 'empty.json'), '');
  await writeFile(join(dir, 'big.json'), big);
  await symlink('/etc/passwd', join(dir, 'link.json'));
  execFileSync('mkfifo', [join(dir, 'fifo.json')]);
});

describe.each([
  ['through promises', (file: string) => readEvidenceBytes(file)],
  ['synchronously', async (file: string) => readEvidenceBytesSync(file)],
])('reading an evidence file %s', (_how, read) => {
  it('gives its bytes, whatever its size', async () => {
    expect((await read(join(dir, 'small.json'))).toString('utf8')).toBe('{"id":"row-count","값":"한국어"}');
    expect((await read(join(dir, 'empty.json'))).length).toBe(0);
    expect((await read(join(dir, 'big.json'))).equals(big)).toBe(true);
  });

  it('refuses a symbolic link without following it', async () => {
    await expect(read(join(dir, 'link.json'))).rejects.toThrow(UnsafeEvidenceFileError);
    await expect(read(join(dir, 'link.json'))).rejects.toThrow('a symbolic link (never followed)');
  });

  it('refuses a FIFO without blocking on it', async () => {
    await expect(read(join(dir, 'fifo.json'))).rejects.toThrow('not a regular file');
  });

  it('passes on a missing file as the file system said it', async () => {
    await expect(read(join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
