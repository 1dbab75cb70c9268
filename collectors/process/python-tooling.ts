/**
 * Whether this machine can run the example application's Python tooling (alembic, pytest and
 * the psycopg2 driver). The demo prepares its embedded database accordingly: before the
 * upgrade when the commands will run, already upgraded when they will be skipped.
 */
import { findExecutable, missingPythonModules } from './child-process.ts';

export const PYTHON_INSTALL_HINT = 'pip install alembic sqlalchemy psycopg2-binary pytest';

/** Null when everything is there; otherwise what is missing. */
export async function pythonToolingProblem(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const path = { PATH: env.PATH ?? '' };
  for (const program of ['python3', 'alembic', 'pytest']) {
    if (!(await findExecutable(program, path.PATH))) return `${program} not found on PATH`;
  }
  const missing = await missingPythonModules(['alembic', 'sqlalchemy', 'psycopg2', 'pytest'], path);
  return missing.length > 0 ? `Python modules not importable: ${missing.join(', ')}` : null;
}
