/**
 * /population/: every deployment in the evidence, newest first — the rows of `deploy-evidence
 * population` (src/core/population.ts) for the whole history — and the same rows as CSV, written at
 * build time. An auditor picks a period in the CSV or with the CLI.
 */
import { populationCsv, populationRows, type PopulationEntry, type PopulationRow } from '../../core/population.ts';
import type { SiteLocation } from '../../core/routes.ts';
import type { LoadedDeployment } from '../load-evidence.ts';
import { formatUtc } from '../format.ts';
import { routes } from '../routes.ts';

type Loaded = Pick<LoadedDeployment, 'id' | 'deployment' | 'integrity'>;

/** What the population reads of a loaded deployment (the build has verified it as `verify` does). */
function entryOf(entry: Loaded): PopulationEntry {
  return { id: entry.id, deployment: entry.deployment, integrity: entry.integrity };
}

interface PopulationPageRow extends PopulationRow {
  href: string;
  environmentHref: string;
  started: string;
  /** Each role as the page says it: "Approved for production: signed by Erin, 2026-11-25 09:44:19 UTC". */
  signoffsShown: { state: string; text: string; forcedOver: string | null }[];
}

export interface PopulationPageModel {
  rows: PopulationPageRow[];
  csvHref: string;
  /** Each environment and how many deployments it has, by name. */
  environments: { name: string; count: number }[];
}

export function populationPageModel(entries: readonly Loaded[]): PopulationPageModel {
  const { rows } = populationRows(entries.map(entryOf));
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.environment, (counts.get(row.environment) ?? 0) + 1);
  return {
    rows: rows.map((row) => ({
      ...row,
      href: routes.deployment(row.id),
      environmentHref: routes.environment(row.environment),
      started: formatUtc(row.startedAt),
      signoffsShown: row.signoffs.map((s) => ({
        state: s.state,
        text: `${s.label}: ${s.state}${s.signer ? ` by ${s.signer}${s.sampleKey ? ' (sample key)' : ''}` : ''}${s.signedAt ? `, ${formatUtc(s.signedAt)}` : ''}`,
        forcedOver: s.forcedOver,
      })),
    })),
    csvHref: routes.populationCsv(),
    environments: [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, count]) => ({ name, count })),
  };
}

/** The CSV file the page links: every row, its report links absolute when the site's address is known. */
export function populationCsvFile(entries: readonly Loaded[], where: SiteLocation): string {
  return populationCsv(populationRows(entries.map(entryOf), where).rows);
}
