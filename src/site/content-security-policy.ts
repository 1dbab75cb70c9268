/**
 * The Content-Security-Policy every page carries (DESIGN.md, "The site": nothing on a page is
 * fetched from another host). A `<meta http-equiv>` in the layout, not a header: the site is
 * static and must hold on any static host, whatever headers it sends. A meta policy cannot carry
 * `frame-ancestors`, `report-uri` or `sandbox` (the browser ignores them there); a host that can
 * send headers may add those.
 *
 * 'self' is the site's origin, whatever base path it is published under (`--base /audit/`):
 * a policy cannot name the path without naming the host, and the same build must work at a
 * preview address and where it is published.
 */
const DIRECTIVES = {
  // Anything not named below: nothing (media, manifests, objects, frames).
  'default-src': ["'none'"],
  // Astro's bundled modules under /_astro/ (the build inlines none: astro.config.mjs) and
  // pagefind's files under /pagefind/. No inline script, no eval.
  'script-src': ["'self'"],
  // The one bundled stylesheet; highlighted code carries classes, never a style attribute.
  'style-src': ["'self'"],
  'img-src': ["'self'"],
  'font-src': ["'self'"],
  // Verify this report and the search page fetch the site's own files.
  'connect-src': ["'self'"],
  // pagefind searches in a worker started from its own file.
  'worker-src': ["'self'"],
  'frame-src': ["'none'"],
  'object-src': ["'none'"],
  // The header's search form, a GET to the search page.
  'form-action': ["'self'"],
  // The site writes no <base>: one that slipped in could move every relative URL elsewhere.
  'base-uri': ["'none'"],
} satisfies Record<string, string[]>;

export const CONTENT_SECURITY_POLICY = Object.entries(DIRECTIVES)
  .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
  .join('; ');
