/**
 * The one way the forge clients talk HTTP: Node's global `fetch`, a time limit, JSON in and out,
 * and every failure a `ForgeError` (exit 3) that says which request failed and what to check —
 * never the token.
 */

/** A forge could not be reached or refused a request: exit 3 (a tool that could not do its part). */
export class ForgeError extends Error {}

export interface ForgeResponse {
  status: number;
  headers: Headers;
  json: unknown;
}

const TIMEOUT_MS = 30_000;

export async function forgeRequest(url: string, init: { method: string; headers: Record<string, string>; body?: unknown }, what: string): Promise<ForgeResponse> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: { ...init.headers, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      redirect: 'error',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : error instanceof Error ? `: ${error.message}` : '';
    throw new ForgeError(`could not reach ${what} (${init.method} ${withoutQuery(url)})${cause}`);
  }
  const text = await response.text().catch(() => '');
  let json: unknown = null;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = text.slice(0, 200);
    }
  }
  return { status: response.status, headers: response.headers, json };
}

/** What a forge's error answer says, in one line (`message`, and GitHub's validation `errors`). */
export function forgeMessage(json: unknown): string {
  if (typeof json === 'string') return json;
  if (typeof json !== 'object' || json === null) return '';
  const record = json as { message?: unknown; errors?: unknown; error?: unknown };
  const parts: string[] = [];
  const message = record.message ?? record.error;
  if (typeof message === 'string') parts.push(message);
  else if (message !== undefined) parts.push(JSON.stringify(message));
  if (Array.isArray(record.errors)) {
    for (const e of record.errors) {
      const m = typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : e;
      if (typeof m === 'string') parts.push(m);
    }
  }
  return parts.join('; ').slice(0, 500);
}

export const withoutQuery = (url: string) => url.replace(/\?.*$/, '');

/** A page link is followed only on the API's own origin: the token goes nowhere else. */
export function sameOrigin(url: string, apiBase: string): boolean {
  try {
    return new URL(url).origin === new URL(apiBase).origin;
  } catch {
    return false;
  }
}

/** How many pages of comments are read at most (100 a page): a thread longer than that is not searched further. */
export const MAX_PAGES = 100;
