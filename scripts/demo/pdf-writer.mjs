// A minimal PDF writer for the demo documents: text in the standard
// Helvetica and Helvetica-Bold fonts (WinAnsiEncoding, so Portuguese accents
// survive copy and search), filled rectangles and lines. No dependencies and
// no compression: the same input always gives the same bytes.

const PAGE_WIDTH = 595; // A4 in points
const PAGE_HEIGHT = 842;

// Advance widths (1/1000 em) of ASCII 32..126, from Adobe's Core 14 AFM files.
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
  556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const HELVETICA_BOLD = [
  278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
  975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
  333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
  611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

// The WinAnsi codes above Latin-1's printable ASCII that the documents use.
// Latin-1 letters (0xC0..0xFF) map to themselves and take their base letter's width.
const WIN_ANSI_EXTRA = new Map([
  ['\u2013', [0x96, 556, 556]], // en dash
  ['\u2014', [0x97, 1000, 1000]], // em dash
  ['\u2022', [0x95, 350, 350]], // bullet
  ['\u2018', [0x91, 222, 278]],
  ['\u2019', [0x92, 222, 278]],
  ['\u201C', [0x93, 333, 500]],
  ['\u201D', [0x94, 333, 500]],
  ['\u00A0', [0xa0, 278, 278]],
  ['\u00A7', [0xa7, 556, 556]], // §
  ['\u00AA', [0xaa, 370, 370]], // ª
  ['\u00B0', [0xb0, 400, 400]], // °
  ['\u00B2', [0xb2, 333, 333]], // ²
  ['\u00B7', [0xb7, 278, 278]], // ·
  ['\u00BA', [0xba, 365, 365]], // º
  ['\u00D7', [0xd7, 584, 584]], // ×
]);

/** [WinAnsi code, width in 1/1000 em] of one character; throws for any the fonts cannot show. */
function glyph(ch, bold) {
  const widths = bold ? HELVETICA_BOLD : HELVETICA;
  const cp = ch.codePointAt(0);
  if (cp >= 32 && cp <= 126) return [cp, widths[cp - 32]];
  const extra = WIN_ANSI_EXTRA.get(ch);
  if (extra) return [extra[0], bold ? extra[2] : extra[1]];
  if (cp >= 0xc0 && cp <= 0xff) {
    const base = ch.normalize('NFD')[0];
    const b = base.codePointAt(0);
    if (b >= 65 && b <= 122 && base !== ch) return [cp, widths[b - 32]];
  }
  throw new Error(`make-demo-pdfs: character U+${cp.toString(16).toUpperCase()} (${ch}) has no WinAnsi glyph`);
}

/** Width in points of `text` set in Helvetica (or Helvetica-Bold) at `size`. */
export function textWidth(text, { bold = false, size = 10 } = {}) {
  let sum = 0;
  for (const ch of text) sum += glyph(ch, bold)[1];
  return (sum * size) / 1000;
}

/** Splits `text` into lines no wider than `width` points, breaking at spaces. */
export function wrapText(text, width, font = {}) {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && textWidth(candidate, font) > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** A PDF string literal: WinAnsi bytes, with parentheses, backslash and non-ASCII escaped. */
function pdfString(text, bold) {
  let out = '(';
  for (const ch of text) {
    const code = glyph(ch, bold)[0];
    if (ch === '(' || ch === ')' || ch === '\\') out += `\\${ch}`;
    else if (code < 32 || code > 126) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out})`;
}

const num = (v) => (Math.round(v * 100) / 100).toString();
const rgb = ([r, g, b]) => `${num(r)} ${num(g)} ${num(b)}`;

/** One page; coordinates in points from the top-left corner, y growing down. */
export class Page {
  constructor() {
    this.ops = [];
  }

  /** Text whose baseline is at `y`; `align: 'right'` puts its right edge at `x`. */
  text(x, y, text, { bold = false, size = 10, color = [0, 0, 0], align = 'left' } = {}) {
    if (!text) return;
    const left = align === 'right' ? x - textWidth(text, { bold, size }) : x;
    this.ops.push(
      `BT /${bold ? 'F2' : 'F1'} ${num(size)} Tf ${rgb(color)} rg 1 0 0 1 ${num(left)} ${num(PAGE_HEIGHT - y)} Tm ` +
        `${pdfString(text, bold)} Tj ET`,
    );
  }

  fillRect(x, y, w, h, color) {
    this.ops.push(`${rgb(color)} rg ${num(x)} ${num(PAGE_HEIGHT - y - h)} ${num(w)} ${num(h)} re f`);
  }

  strokeRect(x, y, w, h, { color = [0.55, 0.55, 0.55], width = 0.5 } = {}) {
    this.ops.push(`${rgb(color)} RG ${num(width)} w ${num(x)} ${num(PAGE_HEIGHT - y - h)} ${num(w)} ${num(h)} re S`);
  }

  line(x0, y0, x1, y1, { color = [0.55, 0.55, 0.55], width = 0.5 } = {}) {
    this.ops.push(
      `${rgb(color)} RG ${num(width)} w ${num(x0)} ${num(PAGE_HEIGHT - y0)} m ${num(x1)} ${num(PAGE_HEIGHT - y1)} l S`,
    );
  }

  content() {
    return `${this.ops.join('\n')}\n`;
  }
}

function fontObject(name, bold) {
  const widths = [];
  for (let code = 32; code <= 255; code++) widths.push(0);
  for (let cp = 32; cp <= 126; cp++) widths[cp - 32] = (bold ? HELVETICA_BOLD : HELVETICA)[cp - 32];
  for (const [, [code, regular, heavy]] of WIN_ANSI_EXTRA) widths[code - 32] = bold ? heavy : regular;
  for (let cp = 0xc0; cp <= 0xff; cp++) {
    try {
      widths[cp - 32] = glyph(String.fromCodePoint(cp), bold)[1];
    } catch {
      // Æ, Ø, ß…: not used by the documents, left at 0.
    }
  }
  const rows = [];
  for (let i = 0; i < widths.length; i += 16) rows.push(widths.slice(i, i + 16).join(' '));
  return (
    `<< /Type /Font /Subtype /Type1 /BaseFont /${name} /Encoding /WinAnsiEncoding\n` +
    `   /FirstChar 32 /LastChar 255 /Widths [\n${rows.join('\n')}\n] >>`
  );
}

/** UTF-16BE text string with BOM, for the document information dictionary. */
function infoString(text) {
  let hex = 'FEFF';
  for (const ch of text) {
    const cp = ch.codePointAt(0);
    if (cp > 0xffff) throw new Error('make-demo-pdfs: info text outside the BMP');
    hex += cp.toString(16).toUpperCase().padStart(4, '0');
  }
  return `<${hex}>`;
}

/**
 * The whole file: catalog, page tree, the two fonts, the info dictionary,
 * each page and its content stream, the cross-reference table and trailer.
 * `info`: {title, subject, author, created: 'YYYYMMDDHHmmSS'}.
 * `padding` (bytes, optional): an unreferenced stream that makes the file that
 * large without changing what it shows (tests and benchmarks of big PDFs).
 */
export function buildPdf(pages, info, { padding } = {}) {
  const objects = []; // object n is objects[n - 1]
  const add = (body) => objects.push(body); // the new length is the object's number
  const catalog = add(null);
  const pageTree = add(null);
  const regular = add(fontObject('Helvetica', false));
  const bold = add(fontObject('Helvetica-Bold', true));
  const infoRef = add(
    `<< /Title ${infoString(info.title)} /Subject ${infoString(info.subject)} /Author ${infoString(info.author)}\n` +
      `   /Creator (Siberius scripts/demo/make-demo-pdfs.mjs) /Producer (Siberius demo PDF writer)\n` +
      `   /CreationDate (D:${info.created}-03'00') /ModDate (D:${info.created}-03'00') >>`,
  );
  const kids = [];
  for (const page of pages) {
    const content = page.content();
    const stream = add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`);
    kids.push(
      add(
        `<< /Type /Page /Parent ${pageTree} 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}]\n` +
          `   /Resources << /Font << /F1 ${regular} 0 R /F2 ${bold} 0 R >> >> /Contents ${stream} 0 R >>`,
      ),
    );
  }
  if (padding) add(`<< /Length ${padding.length} >>\nstream\n${Buffer.from(padding).toString('latin1')}\nendstream`);
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pageTree} 0 R /Lang (pt-BR) >>`;
  objects[pageTree - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;

  // The binary comment tells transfer tools the file is not plain text.
  const chunks = ['%PDF-1.4\n%\xE2\xE3\xCF\xD3\n'];
  let offset = Buffer.byteLength(chunks[0], 'latin1');
  const offsets = [];
  objects.forEach((body, i) => {
    const text = `${i + 1} 0 obj\n${body}\nendobj\n`;
    offsets.push(offset);
    chunks.push(text);
    offset += Buffer.byteLength(text, 'latin1');
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n'];
  for (const o of offsets) xref.push(`${String(o).padStart(10, '0')} 00000 n \n`);
  chunks.push(xref.join(''));
  chunks.push(
    `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${infoRef} 0 R >>\nstartxref\n${offset}\n%%EOF\n`,
  );
  return Buffer.from(chunks.join(''), 'latin1');
}

export const page = { width: PAGE_WIDTH, height: PAGE_HEIGHT };
