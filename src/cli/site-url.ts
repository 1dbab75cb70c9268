/** `--site` for `build` and `export` alike: the http(s) address the audit site is published at. */
import { UsageError } from './errors.ts';

export function checkSiteUrl(site: string | undefined): void {
  if (site && !/^https?:\/\/[^/]+/.test(site)) throw new UsageError(`--site takes an http(s) URL, got "${site}"`);
}
