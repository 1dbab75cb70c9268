/**
 * Peak memory of a whole process tree, sampled from /proc. GNU time's %M is the largest RSS of
 * the processes it *waited for*: a build's grandchildren (pagefind's indexer under Astro under
 * the CLI) can hold more than the build process itself and not be counted (measured at 1,000
 * deployments: %M said 1.28 GB while pagefind alone held 2.78 GB). So the bench samples every
 * descendant's RSS and keeps the largest total and the largest single process.
 */
import { readdir, readFile } from 'node:fs/promises';

const PAGE_KIB = 4;

interface Proc {
  pid: number;
  ppid: number;
  name: string;
  rssKiB: number;
}

async function processes(): Promise<Proc[]> {
  const found: Proc[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
    if (!stat) continue;
    // "pid (name) state ppid …": the name may hold spaces and parentheses, so split after the last ')'.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    found.push({ pid: Number(entry), ppid: Number(fields[1]), name: stat.slice(stat.indexOf('(') + 1, close), rssKiB: Number(fields[21]) * PAGE_KIB });
  }
  return found;
}

export interface TreeMemory {
  /** The largest sum of the tree's RSS at one moment. */
  peakTotalMiB: number;
  /** Each process name's largest RSS. */
  peakByProcessMiB: Record<string, number>;
}

/** Samples the tree under `root` every `everyMs` until `stop()` is called. */
export function sampleTreeMemory(root: number, everyMs = 250): { stop(): Promise<TreeMemory> } {
  const result: TreeMemory = { peakTotalMiB: 0, peakByProcessMiB: {} };
  let running = true;
  const loop = (async () => {
    while (running) {
      const all = await processes();
      const children = new Map<number, Proc[]>();
      for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
      const tree: Proc[] = [];
      const queue = [root];
      while (queue.length > 0) {
        const pid = queue.pop()!;
        for (const child of children.get(pid) ?? []) {
          tree.push(child);
          queue.push(child.pid);
        }
      }
      const total = tree.reduce((sum, p) => sum + p.rssKiB, 0) / 1024;
      result.peakTotalMiB = Math.max(result.peakTotalMiB, total);
      for (const p of tree) result.peakByProcessMiB[p.name] = Math.max(result.peakByProcessMiB[p.name] ?? 0, p.rssKiB / 1024);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return result;
    },
  };
}
