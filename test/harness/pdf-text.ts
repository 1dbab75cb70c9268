/**
 * The text of a PDF as its pages hold it (pdf.js, Mozilla's PDF reader), with where each piece
 * sits: what a reader of a printed report finds on paper, and whether anything runs off a page.
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfPage {
  /** The page's text in reading order, a line break where the PDF ends a line. */
  text: string;
  /** The text within the page's top and bottom margins (`marginPt` from each edge): its header and footer. */
  margins: string;
  /** The text between them: the page's content, which runs on from the page before. */
  body: string;
  /** The page's width in points. */
  width: number;
  /** Each piece of text: its string and its horizontal extent in points from the page's left edge. */
  items: { str: string; left: number; right: number }[];
}

export async function pdfPages(pdf: Uint8Array, marginPt: number): Promise<PdfPage[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, useSystemFonts: false, verbosity: 0 }).promise;
  try {
    const pages: PdfPage[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const [, , width, height] = page.view as [number, number, number, number];
      const content = await page.getTextContent();
      const items: PdfPage['items'] = [];
      let text = '';
      let margins = '';
      let body = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        const piece = item.str + (item.hasEOL ? '\n' : '');
        const y = item.transform[5] as number;
        text += piece;
        if (y < marginPt || y > height - marginPt) margins += `${piece} `;
        else body += piece;
        if (item.str.trim() !== '') items.push({ str: item.str, left: item.transform[4] as number, right: (item.transform[4] as number) + item.width });
      }
      pages.push({ text, margins, body, width, items });
    }
    return pages;
  } finally {
    await doc.destroy();
  }
}

/** Text with every space and line break taken out: a line wrapped anywhere on paper still matches. */
export function unwrapped(text: string): string {
  return text.replace(/\s+/g, '');
}
