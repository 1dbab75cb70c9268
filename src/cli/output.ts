/**
 * Terminal output conventions: stdout is data, progress goes to stderr — live on a TTY,
 * plain lines otherwise (CI, pipes). Colour only on a TTY and never with NO_COLOR; every
 * status is also a word, so colour is never the only signal.
 */
import pc from 'picocolors';
import type { CheckDefinition, CheckSnapshot, CheckStatus, Deployment } from '../format/index.ts';
import type { CollectProgress } from '../../collectors/collect.ts';

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export function colorsFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv) {
  const enabled = Boolean(stream.isTTY) && !('NO_COLOR' in env) && env.TERM !== 'dumb';
  return pc.createColors(enabled);
}

type Colors = ReturnType<typeof colorsFor>;

export function statusWord(status: CheckStatus | 'missing' | string, c: Colors): string {
  const word = status.toUpperCase().padEnd(7);
  switch (status) {
    case 'pass':
      return c.green(word);
    case 'warn':
      return c.yellow(word);
    case 'fail':
    case 'error':
      return c.red(word);
    default:
      return c.dim(word);
  }
}

function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

export function progressReporter({ stderr, env }: Streams): CollectProgress {
  const c = colorsFor(stderr, env);
  const live = Boolean(stderr.isTTY) && !env.CI;
  const width = (total: number) => String(total).length;
  return {
    checkStarted(check: CheckDefinition, index: number, total: number) {
      if (!live) return;
      stderr.write(`${c.dim(`[${String(index + 1).padStart(width(total))}/${total}]`)} ${c.cyan('running')} §${check.section} ${check.id} …`);
    },
    checkFinished(snapshot: CheckSnapshot, index: number, total: number) {
      const line = `${c.dim(`[${String(index + 1).padStart(width(total))}/${total}]`)} ${statusWord(snapshot.status, c)} §${snapshot.section.padEnd(4)} ${snapshot.id} ${c.dim(ms(snapshot.durationMs))}`;
      stderr.write(live ? `\r\x1b[K${line}\n` : `${line}\n`);
    },
  };
}

export function log(streams: Streams, message: string): void {
  streams.stderr.write(`${message}\n`);
}

function table(rows: string[][], header: string[]): string {
  // Widths from the text without ANSI colour codes.
  const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
  const widths = header.map((h, i) => Math.max(plain(h).length, ...rows.map((r) => plain(r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell + ' '.repeat(Math.max(0, widths[i]! - plain(cell).length))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The human summary printed to stdout at the end of a collection. */
/** The digest a deployment is known by (what sign-offs sign), and the link it adds to its environment's chain. */
export interface Digests {
  manifestSha256: string;
  previousManifestSha256: string | null;
}

export function summary(deployment: Deployment, snapshots: readonly CheckSnapshot[], dir: string, digests: Digests, streams: Streams): string {
  const c = colorsFor(streams.stdout, streams.env);
  const byId = new Map(snapshots.map((s) => [s.id, s]));
  const checkRows = deployment.checks.map((entry) => {
    const s = byId.get(entry.id);
    return [entry.section, entry.id, entry.kind, statusWord(s?.status ?? 'missing', c), s ? ms(s.durationMs) : '—'];
  });
  const criteriaRows = deployment.criteria.map((cr) => [cr.label, statusWord(cr.status, c)]);
  const decision = deployment.decision.status;
  const colour = decision === 'APPROVED' ? c.green : decision === 'APPROVED WITH NOTES' ? c.yellow : c.red;
  const total = deployment.timeline.find((t) => t.id === 'total');
  return [
    c.bold(`Deployment ${deployment.id}`) + `  (${deployment.environment}, checklist ${deployment.checklist.id} ${deployment.checklist.version})`,
    '',
    table(checkRows, ['§', 'check', 'kind', 'status', 'time']),
    '',
    table(criteriaRows, ['go/no-go criterion', 'status']),
    '',
    `Decision: ${colour(c.bold(decision))}`,
    ...deployment.decision.reasons.map((r) => `  - ${r}`),
    '',
    `Evidence: ${dir}${total ? `  (collected in ${ms(total.durationMs)})` : ''}`,
    `Digest:   sha256 ${digests.manifestSha256}  (manifest.json; ${digests.previousManifestSha256 ? `follows ${digests.previousManifestSha256.slice(0, 12)}… in ${deployment.environment}` : `the first in ${deployment.environment}`})`,
    '',
  ].join('\n');
}

/** The one JSON document `--json` prints. */
export function jsonSummary(deployment: Deployment, dir: string, digests: Digests): string {
  return `${JSON.stringify(
    {
      evidenceDir: dir,
      id: deployment.id,
      manifestSha256: digests.manifestSha256,
      previousManifestSha256: digests.previousManifestSha256,
      environment: deployment.environment,
      decision: deployment.decision,
      criteria: deployment.criteria,
      checks: deployment.checks,
      timeline: deployment.timeline,
    },
    null,
    2,
  )}\n`;
}
