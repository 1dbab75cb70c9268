/**
 * Text a build holds between pages, deflated outside the JavaScript heap (issue 14): the checks'
 * snapshots between the pages that show them, the search sections waiting for their report.
 * The fastest level: the text is inflated again a few times per build, never stored.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

export function deflateText(text: string): Buffer {
  // Copied out of zlib's output: a small result is a view of its 16 KB working buffer, which would
  // be held whole (17,000 search sections at 1,000 deployments: 270 MB).
  return Buffer.from(deflateRawSync(text, { level: 1 }));
}

export function inflateText(deflated: Buffer): string {
  return inflateRawSync(deflated).toString('utf8');
}
