/** /population/population.csv: every deployment as the population page lists it, written at build time (RFC 4180, src/core/csv.ts). */
import type { APIRoute } from 'astro';
import { allDeployments } from '../../site/data/evidence.ts';
import { populationCsvFile } from '../../site/view-models/population.ts';

export const GET: APIRoute = async ({ site }) =>
  new Response(populationCsvFile(await allDeployments(), { site: site?.href, base: import.meta.env.BASE_URL }), { headers: { 'Content-Type': 'text/csv; charset=utf-8' } });
