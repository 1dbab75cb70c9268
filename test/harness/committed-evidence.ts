/**
 * The sample evidence committed in `evidence/`, as git knows it: the files git tracks there, never
 * whatever else the folder holds right now. `npm run demo` or a hand-run `collect` may add
 * deployments beside the samples (issue 30), and a test that read the folder itself would then
 * judge those too. A tracked file is read as it stands in the work tree, so regenerated samples
 * (`npm run sample-evidence`) are tested before they are committed.
 */
import { copyFile, cp, mkdir, mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

async function trackedEvidenceFiles(): Promise<string[]> {
  const listed = await execa('git', ['ls-files', '-z', '--', 'evidence/'], { cwd: REPO, reject: false });
  if (listed.exitCode !== 0) {
    throw new Error(`the committed samples are read through git (git ls-files evidence/ in ${REPO}), which failed: ${String(listed.stderr) || String(listed.message)}`);
  }
  // A tracked file deleted from the work tree is left out: the tests then see the tree as it is.
  return String(listed.stdout).split('\0').filter((path) => path !== '' && existsSync(join(REPO, path)));
}

/** A new folder holding a copy of the committed samples, for a test to read or alter as it likes. */
export async function copyOfCommittedEvidence(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'committed-evidence-'));
  const files = await trackedEvidenceFiles();
  if (files.length === 0) throw new Error(`git tracks no file under ${join(REPO, 'evidence')}: the committed samples are missing`);
  for (const path of files) {
    const target = join(root, path.slice('evidence/'.length));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(REPO, path), target);
  }
  return root;
}

let shared: Promise<string> | undefined;

/** One copy of the committed samples per test worker, for tests that only read it. */
export function committedEvidence(): Promise<string> {
  shared ??= copyOfCommittedEvidence();
  return shared;
}

const fixtureCopies = new Map<string, Promise<string>>();

/**
 * A copy of an evidence fixture under `test/fixtures/` (one per test worker), outside this
 * repository: the fixtures are test data, and the commands that verify before they show would
 * otherwise judge them by this repository's own history, in which they were regenerated as the
 * tool grew (the git check; issue 24). Tests of that check make repositories of their own.
 */
export function evidenceFixture(name: 'evidence' | 'site-evidence' | 'own-project-evidence'): Promise<string> {
  let copy = fixtureCopies.get(name);
  if (!copy) {
    copy = (async () => {
      const root = join(await mkdtemp(join(tmpdir(), `fixture-${name}-`)), name);
      await cp(join(REPO, 'test', 'fixtures', name), root, { recursive: true });
      return root;
    })();
    fixtureCopies.set(name, copy);
  }
  return copy;
}
