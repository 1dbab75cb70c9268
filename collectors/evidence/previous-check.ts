/**
 * A check of the previous deployment in an environment, read from the evidence root (issue 28:
 * a `schema` check's drift baseline). The previous deployment is the end of the environment's
 * chain as it is when the check runs — the deployment this one's manifest will follow — and its
 * snapshot is read like any evidence file: validated, whatever format version wrote it.
 */
import { join } from 'node:path';
import { readChainLinks } from '../../src/format/read-chain-links.ts';
import { readEvidenceBytesSync } from '../../src/format/evidence-tree.ts';
import { parseEvidenceText, type CheckSnapshot } from '../../src/format/index.ts';
import { chainTip } from '../../src/core/integrity/chain.ts';

export type PreviousCheckReader = ((checkId: string) => Promise<{ deploymentId: string; snapshot: CheckSnapshot | null } | null>) & {
  /** The deployment read as the end of the chain (null: none), undefined when no check asked. */
  tipRead(): string | null | undefined;
};

export async function previousCheckReader(root: string, environment: string, self: string): Promise<PreviousCheckReader> {
  let tip: string | null | undefined;
  const read = async (checkId: string) => {
    if (tip === undefined) tip = chainTip((await readChainLinks(root)).filter((l) => l.id !== self), environment)?.id ?? null;
    if (tip === null) return null;
    const file = join(root, tip, 'checks', `${checkId}.json`);
    let bytes: Buffer;
    try {
      bytes = readEvidenceBytesSync(file);
    } catch (error) {
      // Only an absent check means "no such check"; a link or an unreadable file is not ignored.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { deploymentId: tip, snapshot: null };
      throw error;
    }
    return { deploymentId: tip, snapshot: parseEvidenceText('check', file, bytes.toString('utf8')) };
  };
  return Object.assign(read, { tipRead: () => tip });
}
