/**
 * A checklist is named by a built-in id, or given as a file: JSON, or a module whose default
 * export is a checklist (written with `defineChecklist` or as a plain object).
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { Checklist } from '../../src/format/index.ts';
import { attemptViewLock } from './attempt-view-lock.ts';
import { ChecklistError, defineChecklist } from './define-checklist.ts';
import { importModuleFile } from '../load-module.ts';

export const builtInChecklists: ReadonlyMap<string, Checklist> = new Map([[attemptViewLock.id, attemptViewLock]]);

export async function loadChecklist(nameOrPath: string, cwd = process.cwd()): Promise<Checklist> {
  const builtIn = builtInChecklists.get(nameOrPath);
  if (builtIn) return builtIn;
  const file = resolve(cwd, nameOrPath);
  const exists = await stat(file).then((s) => s.isFile(), () => false);
  if (!exists) {
    throw new ChecklistError(`unknown checklist "${nameOrPath}": not a built-in (${[...builtInChecklists.keys()].join(', ')}) and no such file`);
  }
  let data: unknown;
  if (extname(file) === '.json') {
    try {
      data = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new ChecklistError(`${file}: not valid JSON: ${(error as Error).message}`);
    }
  } else {
    const module = await importModuleFile(file).catch((error: Error) => {
      throw new ChecklistError(`${file}: cannot be loaded: ${error.message}`);
    });
    data = module.default;
  }
  return defineChecklist(data as Parameters<typeof defineChecklist>[0], file);
}
