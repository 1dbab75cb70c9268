/**
 * The component that renders each kind of result, keyed by the kind union of the format: a
 * kind without one is a compile error (it would otherwise render nothing, silently).
 */
import type { CheckKind } from '../../format/index.ts';
import ColumnsResult from './ColumnsResult.astro';
import CommandResult from './CommandResult.astro';
import DependentsResult from './DependentsResult.astro';
import ExplainResult from './ExplainResult.astro';
import RoundTripResult from './RoundTripResult.astro';
import SchemaResult from './SchemaResult.astro';
import SqlResult from './SqlResult.astro';

export const RESULT_COMPONENTS = {
  sql: SqlResult,
  columns: ColumnsResult,
  explain: ExplainResult,
  command: CommandResult,
  dependents: DependentsResult,
  schema: SchemaResult,
  'round-trip': RoundTripResult,
} satisfies Record<CheckKind, unknown>;
