/**
 * Peak memory of a whole process tree, sampled from /proc. GNU time's %M is the largest RSS of
 * the processes it *waited for*: a build's grandchildren (pagefind's indexer under Astro under
 * the CLI) can hold more than the build process itself and not be counted (measured at 1,000
 * deployments: %M said 1.28 GB while pagefind alone held 2.78 GB). So the bench samples every
 * descendant's RSS and keeps the largest total and the largest single process.
 */
import { readdir, readFile } from 'node:fs/promises';

interface Proc {
  pid: number;
  ppid: number;
  name: string;
}

/** Every process's parent and name, from /proc/<pid>/stat. */
async function processes(): Promise<Proc[]> {
  const found: Proc[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
    if (!stat) continue;
    // "pid (name) state ppid …": the name may hold spaces and parentheses, so split after the last ')'.
    const close = stat.lastIndexOf(')');
    found.push({ pid: Number(entry), ppid: Number(stat.slice(close + 2).split(' ')[1]), name: stat.slice(stat.indexOf('(') + 1, close) });
  }
  return found;
}

/** A process's resident set in MiB, from VmRSS (in kB whatever the page size); 0 once it has exited. */
async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kib = status.match(/^VmRSS:\s+(\d+) kB$/m)?.[1];
  return kib ? Number(kib) / 1024 : 0;
}

export interface TreeMemory {
  /** The largest sum of the tree's RSS at one moment. */
  peakTotalMiB: number;
  /** Each process name's largest RSS (processes of one name, such as the CLI's and Astro's node, share an entry). */
  peakByProcessMiB: Record<string, number>;
}

/** Samples the tree under `root` every `everyMs` until `stop()` is called. */
export function sampleTreeMemory(root: number, everyMs = 250): { stop(): Promise<TreeMemory> } {
  const result: TreeMemory = { peakTotalMiB: 0, peakByProcessMiB: {} };
  let running = true;
  const loop = (async () => {
    while (running) {
      const children = new Map<number, Proc[]>();
      for (const p of await processes()) {
        const siblings = children.get(p.ppid);
        if (siblings) siblings.push(p);
        else children.set(p.ppid, [p]);
      }
      const tree: Proc[] = [];
      const queue = [root];
      while (queue.length > 0) {
        for (const child of children.get(queue.pop()!) ?? []) {
          tree.push(child);
          queue.push(child.pid);
        }
      }
      const sizes = await Promise.all(tree.map((p) => rssMiB(p.pid)));
      result.peakTotalMiB = Math.max(result.peakTotalMiB, sizes.reduce((sum, mib) => sum + mib, 0));
      tree.forEach((p, i) => (result.peakByProcessMiB[p.name] = Math.max(result.peakByProcessMiB[p.name] ?? 0, sizes[i]!)));
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
