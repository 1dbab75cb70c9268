/**
 * Every page passes through here once as it is rendered: the one place that guarantees no
 * invisible or reordering character from the evidence reaches a reader unseen (visible-text.ts),
 * whichever component printed it. During a build, the pages marked for search go from here to
 * the search index (src/integrations/search-index.ts) as they are rendered.
 */
import { defineMiddleware } from 'astro:middleware';
import { showInvisible } from './site/visible-text.ts';
import { searchFeed } from './integrations/search-feed.ts';

/** Where Layout.astro marks a page's searchable part; pages without it are not indexed. */
const SEARCHABLE = 'data-pagefind-body';

export const onRequest = defineMiddleware(async (context, next) => {
  const response = await next();
  if (!response.headers.get('content-type')?.includes('text/html')) return response;
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  const html = showInvisible(text);
  const feed = searchFeed();
  if (feed && html.includes(SEARCHABLE)) {
    // The index's URLs are paths from the site's root: the search page gives pagefind the base.
    await feed(context.url.pathname.slice(import.meta.env.BASE_URL.replace(/\/$/, '').length), html);
  }
  // Most pages have nothing to mark: their bytes go out as rendered, without encoding them again.
  return new Response(html === text ? bytes : html, { status: response.status, headers: response.headers });
});
