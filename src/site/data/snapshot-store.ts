/**
 * The checks' snapshots between the pages that show them (issue 14). The loader validates every
 * file once; the parsed models of a long history (every row of every check) would then stay live
 * for the whole build, though a page shows one deployment's checks (a report, a check page) or two
 * (a comparison). So each deployment's validated snapshots are kept as one JSON text, deflated
 * outside the JavaScript heap (1,000 generated deployments: 46 MB of text, 11 MB deflated, where
 * their objects took several times the text), and parsed back when a page asks: the pages of a
 * deployment render one after another, so a few parsed deployments are kept at hand.
 *
 * What the history and trend pages chart of every check (its status and metric) is kept apart, as a
 * summary: those pages read every deployment, and need no rows.
 */
import type { CheckSnapshot } from '../../format/index.ts';
import { deflateText, inflateText } from '../deflated-text.ts';
import type { Metric } from '../../core/kinds/check-kind.ts';
import { metricOfResult } from '../../core/kinds/registry.ts';

/** What a check is charted by across deployments: no rows. */
export interface CheckSummary {
  status: CheckSnapshot['status'];
  resultKind: NonNullable<CheckSnapshot['result']>['kind'] | null;
  /** What its kind measures (explain: median execution time; a one-number query: that number), else its duration. */
  metric: Metric;
}

export function summaryOf(snapshot: CheckSnapshot): CheckSummary {
  const metric = (snapshot.result ? metricOfResult(snapshot.result) : null) ?? { name: 'duration (ms)', value: snapshot.durationMs };
  return { status: snapshot.status, resultKind: snapshot.result?.kind ?? null, metric };
}

export class SnapshotStore {
  readonly #deflated = new Map<string, Buffer>();
  /** The last few deployments parsed, oldest first (a Map keeps insertion order). */
  readonly #parsed = new Map<string, ReadonlyMap<string, CheckSnapshot>>();
  readonly #keep: number;

  // Eight pages render at once (astro.config.mjs): a comparison reads two deployments.
  constructor(keep = 16) {
    this.#keep = keep;
  }

  /** Keeps a deployment's validated snapshots (JSON values only: what the schemas produce). */
  put(deploymentId: string, snapshots: Iterable<CheckSnapshot>): void {
    this.#deflated.set(deploymentId, deflateText(JSON.stringify([...snapshots])));
    this.#parsed.delete(deploymentId);
  }

  /** A deployment's snapshots by check id (empty for a deployment without any). */
  get(deploymentId: string): ReadonlyMap<string, CheckSnapshot> {
    const hit = this.#parsed.get(deploymentId);
    if (hit) {
      this.#parsed.delete(deploymentId);
      this.#parsed.set(deploymentId, hit);
      return hit;
    }
    const deflated = this.#deflated.get(deploymentId);
    const parsed = new Map<string, CheckSnapshot>(deflated ? (JSON.parse(inflateText(deflated)) as CheckSnapshot[]).map((s) => [s.id, s]) : []);
    this.#parsed.set(deploymentId, parsed);
    if (this.#parsed.size > this.#keep) this.#parsed.delete(this.#parsed.keys().next().value!);
    return parsed;
  }
}
