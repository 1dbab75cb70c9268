/**
 * Every page passes through here once as it is rendered: the one place that guarantees no
 * invisible or reordering character from the evidence reaches a reader unseen (visible-text.ts),
 * whichever component printed it. A page the search index reads is handed to it here, as the
 * reader gets it (search-records.ts).
 */
import { defineMiddleware } from 'astro:middleware';
import { handOffSearchRecord } from './site/search-records.ts';
import { showInvisible } from './site/visible-text.ts';

const utf8 = new TextDecoder();

export const onRequest = defineMiddleware(async (context, next) => {
  const response = await next();
  if (!response.headers.get('content-type')?.includes('text/html')) return response;
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = utf8.decode(bytes);
  const html = showInvisible(text);
  if (context.locals.searchRecord) handOffSearchRecord(context.locals.searchRecord, html);
  // Most pages have nothing to mark: their bytes go out as rendered, without encoding them again.
  return new Response(html === text ? bytes : html, { status: response.status, headers: response.headers });
});
