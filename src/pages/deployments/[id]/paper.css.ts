/** /deployments/<id>/paper.css: the deployment's id, decision and digest, in the margins of every printed page of its report and check pages (src/site/paper.ts). */
import type { APIRoute, GetStaticPaths } from 'astro';
import { renderedDeploymentPages } from '../../../site/data/deployment-pages.ts';
import { deploymentPaperCss, paperFacts, type PaperFacts } from '../../../site/paper.ts';

export const getStaticPaths = (async () => {
  return (await renderedDeploymentPages()).map(({ inputs: { entry } }) => ({ params: { id: entry.deployment.id }, props: { facts: paperFacts(entry) } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute<{ facts: PaperFacts }> = ({ props }) => new Response(deploymentPaperCss(props.facts), { headers: { 'Content-Type': 'text/css; charset=utf-8' } });
