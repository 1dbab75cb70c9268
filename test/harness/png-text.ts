/**
 * A text note inside a PNG (a `tEXt` chunk, PNG spec §11.3.4.3): how a screenshot committed to the
 * docs records what it shows, so a test can tell it is stale without comparing pixels, which differ
 * between machines' fonts.
 */
import { crc32 } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunks(png: Buffer): { type: string; start: number; end: number; data: Buffer }[] {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  const found = [];
  for (let at = 8; at + 12 <= png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    found.push({ type, start: at, end: at + 12 + length, data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return found;
}

/** The PNG with `keyword: text` as a tEXt chunk after its header (Latin-1 text, as the spec says). */
export function withText(png: Buffer, keyword: string, text: string): Buffer {
  const header = chunks(png)[0]!;
  if (header.type !== 'IHDR') throw new Error('a PNG starts with IHDR');
  const data = Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]);
  const typeAndData = Buffer.concat([Buffer.from('tEXt', 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([png.subarray(0, header.end), length, typeAndData, crc, png.subarray(header.end)]);
}

/** The text a PNG's tEXt chunk gives `keyword` (null: none). */
export function textOf(png: Buffer, keyword: string): string | null {
  for (const chunk of chunks(png)) {
    if (chunk.type !== 'tEXt') continue;
    const nul = chunk.data.indexOf(0);
    if (chunk.data.toString('latin1', 0, nul) === keyword) return chunk.data.toString('latin1', nul + 1);
  }
  return null;
}
