/**
 * What a command check's `captures` set from its parsed output (issue 28). `head` and `reached` are
 * fields of the parsed shape; `current` is the one revision `alembic current` printed, or `base`
 * when it exited 0 and printed none — a database with no revision yet (no alembic_version table, or
 * an empty one), where a forward SQL range must start at base (`alembic upgrade base:head --sql`).
 * A failed command, an unreadable output or several revisions capture nothing: the check that
 * needs the parameter is then skipped with the reason, never run on a guess.
 */
import type { CheckOf, ParsedOutput } from '../../format/index.ts';

export type CaptureField = CheckOf<'command'>['captures'][string];

/** The revision where alembic's ranges start for a database with none. */
const BASE_REVISION = 'base';

export function capturedValue(field: CaptureField, parsed: ParsedOutput | null, exitCode: number | null): string | null {
  if (!parsed) return null;
  if (field === 'current') {
    if (parsed.kind !== 'alembic-history' || exitCode !== 0) return null;
    if (parsed.revisions.length === 0) return BASE_REVISION;
    return parsed.revisions.length === 1 ? parsed.revisions[0]!.revision : null;
  }
  const value = field in parsed ? (parsed as Record<string, unknown>)[field] : null;
  return typeof value === 'string' ? value : null;
}
