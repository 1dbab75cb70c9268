/**
 * The site's URLs: the core's one table, under the path the site is served from (`--base`:
 * GitHub Pages serves a project at `/<repo>/`). Astro gives that path as BASE_URL; pages,
 * components and view models link through these.
 */
import { routes as fromRoot } from '../core/routes.ts';

type Routes = typeof fromRoot;

/** `/audit/` + `/deployments/x/` → `/audit/deployments/x/`; `/` leaves paths as they are. */
export function underBase(path: string, base: string = import.meta.env?.BASE_URL ?? '/'): string {
  const prefix = base.endsWith('/') ? base.slice(0, -1) : base;
  return `${prefix}${path}`;
}

export const routes = Object.fromEntries(
  Object.entries(fromRoot).map(([name, route]) => [name, (...args: never[]) => underBase((route as (...a: never[]) => string)(...args))]),
) as Routes;
