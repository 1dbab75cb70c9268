/** /paper.css: what site.css prints on paper for every page — the site's address, when the build knows it (src/site/paper.ts). */
import type { APIRoute } from 'astro';
import { sitePaperCss } from '../site/paper.ts';

export const GET: APIRoute = ({ site }) => new Response(sitePaperCss(site), { headers: { 'Content-Type': 'text/css; charset=utf-8' } });
