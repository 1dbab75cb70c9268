/**
 * Every URL the site publishes, built in one place: published URLs are permanent. Paths from the
 * site's root; `permalinks` makes them absolute for text that leaves the site (exports).
 */
export const routes = {
  home: () => '/',
  environment: (env: string) => `/environments/${env}/`,
  deployment: (id: string) => `/deployments/${id}/`,
  checkAnchor: (id: string, checkId: string) => `/deployments/${id}/#${checkId}`,
  check: (id: string, checkId: string) => `/deployments/${id}/checks/${checkId}/`,
  evidenceIndex: () => '/evidence/',
  compare: (id: string, other: string) => `/deployments/${id}/compare/${other}/`,
  checkHistory: (checkId: string) => `/checks/${checkId}/`,
  trends: () => '/trends/',
  search: () => '/search/',
  /** Every deployment, for an auditor to sample from (issue 26), and the same rows as CSV. */
  population: () => '/population/',
  populationCsv: () => '/population/population.csv',
  about: () => '/about/',
  rawFile: (id: string, path: string) => `/evidence/${id}/${path}`,
  signers: () => '/evidence/_signers.json',
  /** The chains as published (issue 24): what an auditor saves, to verify against later. */
  checkpoint: () => '/evidence/checkpoint.json',
  /** A JSON Schema file as published, e.g. `_schemas/v2/deployment.schema.json`. */
  schema: (path: string) => `/evidence/${path}`,
  checklistReference: () => '/reference/checklists/',
  checklistSchema: () => '/schemas/checklist.schema.json',
  /** What site.css prints on paper (src/site/paper.ts): the site's address, for links; and a deployment's id, decision and digest, in every printed page's margins. */
  paperStylesheet: () => '/paper.css',
  deploymentPaperStylesheet: (id: string) => `/deployments/${id}/paper.css`,
};

/** Where the site is published: its origin (`https://org.github.io`) and the path under it (`/repo/`). */
export interface SiteLocation {
  site?: string;
  base?: string;
}

/**
 * A route as a link for text that leaves the site (a PR comment, a CR, a CI report): absolute
 * when the site's URL is known, else the path from the site's root (and the export says so).
 */
export function permalink(path: string, where: SiteLocation = {}): string {
  const base = `/${(where.base ?? '/').replace(/^\/+|\/+$/g, '')}/`.replace(/\/\/$/, '/');
  const full = `${base}${path.replace(/^\//, '')}`;
  return where.site ? new URL(full, where.site).href : full;
}
