/**
 * Every page passes through here once as it is rendered: the one place that guarantees no
 * invisible or reordering character from the evidence reaches a reader unseen (visible-text.ts),
 * whichever component printed it.
 */
import { defineMiddleware } from 'astro:middleware';
import { showInvisible } from './site/visible-text.ts';

export const onRequest = defineMiddleware(async (_context, next) => {
  const response = await next();
  if (!response.headers.get('content-type')?.includes('text/html')) return response;
  return new Response(showInvisible(await response.text()), { status: response.status, headers: response.headers });
});
