/** Every URL the site publishes, built in one place: published URLs are permanent. */
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
  rawFile: (id: string, path: string) => `/evidence/${id}/${path}`,
  signers: () => '/evidence/_signers.json',
  /** A JSON Schema file as published, e.g. `_schemas/v2/deployment.schema.json`. */
  schema: (path: string) => `/evidence/${path}`,
  checklistReference: () => '/reference/checklists/',
  checklistSchema: () => '/schemas/checklist.schema.json',
};
