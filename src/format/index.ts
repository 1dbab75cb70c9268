/** The evidence format (versions in versions.ts): the contract between the collectors and the site. */
export * from './common.ts';
export * from './assertion-schema.ts';
export * from './checklist-schema.ts';
export * from './snapshot-schema.ts';
export * from './deployment-schema.ts';
export * from './manifest-schema.ts';
export * from './signoff-schema.ts';
export * from './stable-json.ts';
export * from './read-evidence.ts';
export * from './deployment-evidence.ts';
export * from './versions.ts';
export * from './placeholders.ts';
export * from './checklist-references.ts';
export * from './catalog-schema.ts';
export * from './round-trip-schema.ts';
export * from './lock-schema.ts';
