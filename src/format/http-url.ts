/**
 * Only `http:` and `https:` URLs from evidence ever become links (DESIGN.md, Safety). The
 * check runs on the parsed URL, as a browser would parse it: WHATWG parsing strips leading
 * spaces and control characters and removes tabs and newlines, so ` jAvAsCrIpT:…` and
 * `java\tscript:…` are caught as the browser would see them.
 */
export function httpUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}
