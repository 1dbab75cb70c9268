/** The site's URLs: the one table in the core, which exports link to as well. */
export { routes } from '../core/routes.ts';
