/**
 * `deploy-evidence init`: writes a starter checklist for the application in a directory. With an
 * `alembic.ini` there: the history, upgrade (mutating), current and rollback-preview checks,
 * wired to the project's head (`alembic heads`). With `--relation`: a columns check (the columns
 * as a database reports them, when `--database-url` is given), a query, and its dependents (those
 * the database has today expected).
 */
import { access, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Command } from 'commander';
import { COLUMNS_SQL } from '../../../collectors/checks/columns-check.ts';
import { DEPENDENTS_SQL } from '../../../collectors/checks/dependents-check.ts';
import { defineChecklist } from '../../../collectors/checklists/define-checklist.ts';
import { asEvidenceWriteError, makeFolderFor } from '../../../collectors/evidence/evidence-write-error.ts';
import { resolveConnection } from '../../../collectors/db/connection.ts';
import { DatabaseSession } from '../../../collectors/db/session.ts';
import { runCaptured } from '../../../collectors/process/child-process.ts';
import { APPLICATION_NAME } from '../../../collectors/tool-info.ts';
import { starterChecklist, type StarterFacts } from '../../core/checklists/starter-checklist.ts';
import { parseAlembicHistory } from '../../core/parsers/alembic-output.ts';
import { qualifiedName } from '../../core/sql-identifiers.ts';
import type { ExpectedColumn, ExpectedDependent } from '../../format/index.ts';
import { EXIT, UsageError } from '../exit-codes.ts';
import { log, type Streams } from '../output.ts';

const initExamples = `
Examples:
  $ deploy-evidence init                                   # in an alembic project: the migration and rollback checks
  $ deploy-evidence init --relation public.invoice_summary --database-url postgres://…@dev-db/app
  $ deploy-evidence init --app-dir services/billing --out checklists/billing.json`;

const exists = (file: string) => access(file).then(() => true, () => false);

/** The project's single head, from `alembic heads` run in the application directory. */
async function alembicHead(appDir: string): Promise<string> {
  const run = await runCaptured(['alembic', 'heads'], { cwd: appDir, env: { PATH: process.env.PATH ?? '' }, timeoutMs: 60_000 });
  if (run.spawnError) throw new UsageError(`found alembic.ini in ${appDir}, but could not run alembic (${run.spawnError.message}): install it (pip install alembic) and run init again`);
  if (run.exitCode !== 0) throw new UsageError(`alembic heads failed in ${appDir}:\n${run.stderr.trim() || run.stdout.trim()}`);
  const { heads } = parseAlembicHistory(run.stdout);
  if (heads.length !== 1) throw new UsageError(`alembic reports ${heads.length === 0 ? 'no head' : `several heads (${heads.join(', ')})`} in ${appDir}: merge them before a deployment`);
  return heads[0]!;
}

/** A relation's columns and dependents as the catalog reports them (read-only); null when it does not exist. */
async function readRelation(databaseUrl: string, schema: string, name: string): Promise<{ columns: ExpectedColumn[]; dependents: ExpectedDependent[] } | null> {
  const session = await DatabaseSession.open(resolveConnection({ databaseUrl }), APPLICATION_NAME);
  try {
    return await session.readOnly({ statementTimeoutMs: 30_000, lockTimeoutMs: 5_000 }, async (tx) => {
      const columns = (await tx.query(COLUMNS_SQL, [schema, name])).rows;
      if (columns.length === 0) return null;
      const dependents = (await tx.query(DEPENDENTS_SQL, [qualifiedName({ schema, name })])).rows;
      return {
        columns: columns.map(([, column, type, nullable]) => ({ name: column ?? '', type: type ?? '', nullable: nullable === 'YES' })),
        dependents: dependents.map(([type, depSchema, depName]) => ({ type: type ?? '', ...(depSchema ? { schema: depSchema } : {}), name: depName ?? '' })),
      };
    });
  } finally {
    await session.close();
  }
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'my-deployment';
}

export function initCommand(streams: Streams, setExit: (code: number) => void): Command {
  return new Command('init')
    .description('write a starter checklist for an application (alembic migrations, a relation\'s columns and dependents)')
    .option('--app-dir <dir>', 'the application directory (where alembic.ini is)', '.')
    .option('--relation <schema.name>', 'the table or view the deployment changes, e.g. public.invoice_summary')
    .option('--database-url <url>', 'a database that already has the relation, to read its columns from (read-only)')
    .option('--id <checklist-id>', 'the checklist id (default: from the application directory name)')
    .option('--out <file>', 'where to write the checklist', 'deploy-evidence.checklist.json')
    .option('--force', 'overwrite the output file')
    .addHelpText('after', initExamples)
    .action(async (flags: { appDir: string; relation?: string; databaseUrl?: string; id?: string; out: string; force?: boolean }) => {
      const appDir = resolve(flags.appDir);
      const out = resolve(flags.out);
      if (!flags.force && (await exists(out))) throw new UsageError(`${out} exists: pass --force to overwrite it`);
      let relation: StarterFacts['relation'] = null;
      if (flags.relation) {
        const match = /^(?:([^.]+)\.)?([^.]+)$/.exec(flags.relation);
        if (!match) throw new UsageError(`--relation takes schema.name (or name), got "${flags.relation}"`);
        const [, schema = 'public', name] = match;
        const read = flags.databaseUrl ? await readRelation(flags.databaseUrl, schema, name!) : null;
        if (flags.databaseUrl && read === null) throw new UsageError(`${schema}.${name} does not exist in the database given: point --database-url at one where it does (a development database after the migration)`);
        relation = { schema, name: name!, columns: read?.columns ?? null, dependents: read?.dependents ?? null };
      }
      const alembic = (await exists(join(appDir, 'alembic.ini'))) ? { head: await alembicHead(appDir) } : null;
      if (!alembic && !relation) throw new UsageError(`found no alembic.ini in ${appDir}; name the table or view the deployment changes with --relation schema.name`);
      const name = basename(appDir);
      const input = starterChecklist({ id: slug(flags.id ?? name), title: `Deployment evidence for ${name}`, alembic, relation });
      // Written only when it validates: the starter must collect as written.
      defineChecklist(input, 'the starter checklist');
      // Its folders are made (checklists/ in a new project); a file in the way fails naming it (exit 4).
      await makeFolderFor(out, 'the checklist');
      await writeFile(out, `${JSON.stringify({ $schema: './node_modules/deploy-evidence/docs/checklist.schema.json', ...input }, null, 2)}\n`).catch((error: unknown) => {
        throw asEvidenceWriteError(error, out, 'the checklist');
      });
      const found = [alembic ? `alembic head ${alembic.head}` : null, relation ? `${relation.schema}.${relation.name}${relation.columns ? ` (${relation.columns.length} columns)` : ''}` : null].filter(Boolean).join(', ');
      streams.stdout.write(`wrote ${out}: ${input.checks.length} checks (${found})\n`);
      log(streams, `next:\n  deploy-evidence checklist show ${flags.out}\n  deploy-evidence collect --checklist ${flags.out} --env staging --app-dir ${flags.appDir} --database-url <staging> --allow-mutating`);
      setExit(EXIT.ok);
    });
}
