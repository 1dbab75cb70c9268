/**
 * No machine path in the evidence (issue 26): what a command check records — its argv, its
 * output, the report its tool wrote, an error — names the directories of the collector's machine
 * by placeholders: the application directory as `$APP_DIR`, the folder the collector made for a
 * tool's report as `$REPORT_DIR`, the temporary directory as `$TMPDIR`, the home directory as `~`
 * (pytest prints `rootdir: /home/runner/work/app/app` and the interpreter's path under `~/.pyenv`).
 * The application directory is recorded once, as its place in its git repository
 * (deployment.json `appDir`). Other absolute paths a tool prints (`/usr/lib/python3…`) are the
 * same on every machine with that tool and are kept as printed.
 *
 * A directory is replaced where it stands as a whole path: not as the start of a longer name
 * (`/tmp/app` is not in `/tmp/app-old`) nor the end of one (`/x/tmp`). Longest first, so the
 * application directory inside the home directory is `$APP_DIR`, not `~/…`. Each scan is one
 * pass per directory over the text: linear in its length.
 */
import { realpath } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute } from 'node:path';

/** A character that continues a file or directory name: a directory followed or preceded by one is part of another name. */
const NAME_CHARACTER = /[\p{L}\p{N}._~+@%-]/u;

type PathPlaceholder = '$APP_DIR' | '$REPORT_DIR' | '$TMPDIR' | '~';

export class MachinePaths {
  private readonly entries: { path: string; as: PathPlaceholder }[];
  /** The longest text one replacement covers, and the character after it: a stream holds back this much. */
  readonly reach: number;

  constructor(entries: readonly { path: string; as: PathPlaceholder }[]) {
    const byPath = new Map<string, PathPlaceholder>();
    for (const { path, as } of entries) {
      const trimmed = path.replace(/\/+$/, '');
      // `/` itself (a root home directory in a container) would shred every path.
      if (isAbsolute(trimmed) && trimmed.length > 1 && !byPath.has(trimmed)) byPath.set(trimmed, as);
    }
    this.entries = [...byPath].map(([path, as]) => ({ path, as })).sort((a, b) => b.path.length - a.path.length);
    this.reach = Math.max(0, ...this.entries.map((e) => e.path.length)) + 1;
  }

  /** The directories of this machine (each also as its real path, when a link leads to it): the application directory, a report folder the collector made, the temporary and the home directory. */
  static async of(dirs: { appDir: string; reportDir?: string | null }): Promise<MachinePaths> {
    const named: { path: string; as: PathPlaceholder }[] = [{ path: dirs.appDir, as: '$APP_DIR' }];
    if (dirs.reportDir) named.push({ path: dirs.reportDir, as: '$REPORT_DIR' });
    named.push({ path: tmpdir(), as: '$TMPDIR' }, { path: homedir(), as: '~' });
    const real = await Promise.all(named.map(async ({ path, as }) => ({ path: await realpath(path).catch(() => path), as })));
    return new MachinePaths([...named, ...real]);
  }

  /**
   * The text with each directory replaced by its placeholder. `before` and `after`: the characters
   * around the text in the stream it comes from, so a directory at either edge is judged as a whole.
   */
  rewrite(text: string, before = '', after = ''): string {
    let out = text;
    for (const { path, as } of this.entries) {
      if (!out.includes(path)) continue;
      const parts: string[] = [];
      let from = 0;
      for (let at = out.indexOf(path); at !== -1; at = out.indexOf(path, at + 1)) {
        const end = at + path.length;
        const previous = at > 0 ? out[at - 1]! : before;
        const next = end < out.length ? out[end]! : after;
        if ((previous && NAME_CHARACTER.test(previous)) || (next && NAME_CHARACTER.test(next))) continue;
        parts.push(out.slice(from, at), as);
        from = end;
        at = end - 1;
      }
      parts.push(out.slice(from));
      out = parts.join('');
    }
    return out;
  }

  /** Where text may be cut (at most `cut`) so that no directory in it spans the cut. */
  safeCut(text: string, cut: number): number {
    let at = cut;
    for (let moved = true; moved && at > 0; ) {
      moved = false;
      for (const { path } of this.entries) {
        const found = text.indexOf(path, Math.max(0, at - path.length + 1));
        if (found !== -1 && found < at && found + path.length > at) {
          at = found;
          moved = true;
        }
      }
    }
    return at;
  }
}

/**
 * Rewrites a text stream as it arrives (after secrets are redacted from it, before it is capped
 * and digested): the last `reach` characters wait for what follows, so a directory split across
 * two chunks is still found.
 */
export class MachinePathStream {
  private pending = '';
  /** The last character written out: the one before the next text. */
  private before = '';

  constructor(private readonly paths: MachinePaths) {}

  push(text: string): string {
    this.pending += text;
    if (this.pending.length < 2 * this.paths.reach) return '';
    const cut = this.paths.safeCut(this.pending, this.pending.length - this.paths.reach);
    if (cut === 0) return '';
    const head = this.paths.rewrite(this.pending.slice(0, cut), this.before, this.pending[cut]);
    this.before = this.pending[cut - 1]!;
    this.pending = this.pending.slice(cut);
    return head;
  }

  end(): string {
    const rest = this.paths.rewrite(this.pending, this.before, '');
    this.pending = '';
    return rest;
  }
}
