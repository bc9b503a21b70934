// How a demo document is printed. Three layouts, as the office's documents
// come: plain "Label: value" lines, a two-column header (printed from HTML),
// and a label/value grid. The daemon reads each by the words' positions, so
// the layouts keep what its rules rely on (docs/daemon.md, corpus README):
// every line after the customer's starts with a label, so a wrapped name is
// the only text that continues it, and item amounts carry no "R$".
import { Page, buildPdf, textWidth, wrapText } from './pdf-writer.mjs';
import { brl } from './format.mjs';

const LEFT = 50;
const RIGHT = 545;
const INK = [0.12, 0.12, 0.14];
const GREY = [0.42, 0.42, 0.45];
const BRAND = [0.1, 0.23, 0.45];
const SHADE = [0.91, 0.93, 0.96];

function letterhead(page, company, pageNo, pageCount) {
  page.text(LEFT, 58, company.name, { bold: true, size: 14, color: BRAND });
  page.text(LEFT, 72, company.details, { size: 7.5, color: GREY });
  page.line(LEFT, 80, RIGHT, 80, { color: BRAND, width: 1.2 });
  page.line(LEFT, 800, RIGHT, 800);
  page.text(LEFT, 812, company.footer, { size: 7.5, color: GREY });
  page.text(RIGHT, 812, `Página ${pageNo} de ${pageCount}`, { size: 7.5, color: GREY, align: 'right' });
}

function title(page, doc, y = 112) {
  page.text(LEFT, y, doc.title, { bold: true, size: 16, color: BRAND });
  if (doc.subtitle) page.text(LEFT, y + 16, doc.subtitle, { size: 9, color: GREY });
  return y + (doc.subtitle ? 40 : 30);
}

/** "Label: value" with the value wrapped inside [x, right]; returns the next baseline. */
function labelled(page, x, y, label, value, right, { leading = 14, bold = false } = {}) {
  const head = `${label}:`;
  page.text(x, y, head, { bold: true, size: 10, color: INK });
  const valueX = x + textWidth(`${head} `, { bold: true, size: 10 });
  const lines = wrapText(value, right - valueX, { bold, size: 10 });
  lines.forEach((line, i) => page.text(valueX, y + i * (leading - 2), line, { bold, size: 10, color: INK }));
  return y + (lines.length - 1) * (leading - 2) + leading;
}

/** The items table; `columns`: [{title, x, width, align, key}]. Returns the y after it. */
function itemsTable(page, y, columns, rows, { header = true } = {}) {
  if (header) {
    page.fillRect(LEFT, y, RIGHT - LEFT, 17, SHADE);
    for (const c of columns) {
      const x = c.align === 'right' ? c.x + c.width - 4 : c.x + 4;
      page.text(x, y + 12, c.title, { bold: true, size: 9, color: INK, align: c.align });
    }
    y += 17;
  }
  for (const row of rows) {
    for (const c of columns) {
      const x = c.align === 'right' ? c.x + c.width - 4 : c.x + 4;
      page.text(x, y + 11.5, row[c.key], { size: 9, color: INK, align: c.align });
    }
    y += 16;
    page.line(LEFT, y, RIGHT, y, { color: [0.8, 0.8, 0.82] });
  }
  return y;
}

const PRICED_COLUMNS = [
  { title: 'Item', x: 50, width: 30, key: 'n' },
  { title: 'Descrição', x: 80, width: 260, key: 'desc' },
  { title: 'Qtd.', x: 340, width: 40, align: 'right', key: 'qtd' },
  { title: 'Valor unit.', x: 380, width: 80, align: 'right', key: 'unit' },
  { title: 'Total', x: 460, width: 85, align: 'right', key: 'total' },
];
const CHECK_COLUMNS = [
  { title: 'Qtd.', x: 50, width: 40, align: 'right', key: 'qtd' },
  { title: 'Equipamento', x: 90, width: 300, key: 'desc' },
  { title: 'Conferido', x: 390, width: 155, key: 'check' },
];

function pricedRows(doc) {
  return doc.items.map((it, i) => ({
    n: String(i + 1).padStart(2, '0'),
    desc: it.desc,
    qtd: String(it.qtd),
    unit: brl(it.unit),
    total: brl(it.unit * it.qtd),
  }));
}

function checkRows(doc) {
  return doc.items.map((it) => ({ qtd: String(it.qtd), desc: it.desc, check: '' }));
}

function checkBoxes(page, yStart, count) {
  for (let i = 0; i < count; i++) page.strokeRect(398, yStart + 17 + i * 16 + 4, 8, 8, { color: GREY });
}

/** Subtotal, discount and the total at the right; returns the y after them. */
function totals(page, y, doc) {
  const t = doc.totals;
  if (!t) return y;
  const row = (label, cents, bold = false, size = 10) => {
    page.text(340, y, `${label}:`, { bold, size, color: INK });
    page.text(RIGHT, y, `R$ ${brl(cents)}`, { bold, size, color: INK, align: 'right' });
    y += size + 6;
  };
  y += 8;
  if (t.discount > 0) {
    row('Subtotal', t.subtotal);
    row(`Desconto (${t.discountPct}%)`, t.discount);
  }
  row(doc.totalLabel, t.total, true, 11.5);
  return y;
}

/** Closing notes and signatures. */
function closing(page, y, doc) {
  y += 14;
  for (const note of doc.notes ?? []) {
    for (const line of wrapText(note, RIGHT - LEFT, { size: 9 })) {
      page.text(LEFT, y, line, { size: 9, color: GREY });
      y += 12;
    }
  }
  const signY = Math.max(y + 46, 700);
  page.line(LEFT, signY, LEFT + 210, signY, { color: INK });
  page.line(RIGHT - 210, signY, RIGHT, signY, { color: INK });
  page.text(LEFT, signY + 12, doc.signatures[0], { size: 8.5, color: GREY });
  page.text(RIGHT - 210, signY + 12, doc.signatures[1], { size: 8.5, color: GREY });
}

function body(page, y, doc, rows) {
  const priced = Boolean(doc.totals);
  const cols = priced ? PRICED_COLUMNS : CHECK_COLUMNS;
  const start = y;
  y = itemsTable(page, y, cols, rows);
  if (!priced && doc.checklist) checkBoxes(page, start, rows.length);
  return y;
}

/** Plain lines: every header field on a line of its own. */
function linesLayout(doc) {
  const page = new Page();
  let y = title(page, doc);
  for (const [label, value] of doc.fields) y = labelled(page, LEFT, y, label, value, RIGHT);
  y += 12;
  const rows = doc.totals ? pricedRows(doc) : checkRows(doc);
  y = body(page, y, doc, rows);
  y = totals(page, y + 6, doc);
  closing(page, y, doc);
  return [page];
}

/** Two columns under the title, as printed from an HTML page; may run to a second page. */
function twoColumnLayout(doc) {
  const first = new Page();
  let y = title(first, doc);
  let left = y;
  let right = y;
  for (const [label, value] of doc.left) left = labelled(first, LEFT, left, label, value, 300);
  for (const [label, value] of doc.right) right = labelled(first, 320, right, label, value, RIGHT);
  y = Math.max(left, right);
  for (const [label, value] of doc.fields ?? []) y = labelled(first, LEFT, y, label, value, RIGHT);
  y += 12;
  const rows = doc.totals ? pricedRows(doc) : checkRows(doc);
  // One page when the rows, the totals, the notes and the signatures fit
  // above the footer; else the rows fill this page and the rest goes on.
  const roomForRows = Math.floor((770 - y - 17) / 16);
  const closingHeight = 70 + 12 * (doc.notes?.length ?? 0) * 2 + 60;
  const onePage = y + 17 + rows.length * 16 + closingHeight <= 790;
  const onFirst = onePage ? rows.length : Math.min(roomForRows, rows.length - 1);
  y = body(first, y, doc, rows.slice(0, onFirst));
  if (onePage) {
    y = totals(first, y + 6, doc);
    closing(first, y, doc);
    return [first];
  }
  first.text(RIGHT, y + 14, 'continua na página seguinte', { size: 8.5, color: GREY, align: 'right' });
  const second = new Page();
  second.text(LEFT, 104, `${doc.title} (continuação)`, { bold: true, size: 10, color: BRAND });
  let y2 = itemsTable(second, 116, PRICED_COLUMNS, rows.slice(onFirst));
  y2 = totals(second, y2 + 6, doc);
  closing(second, y2, doc);
  return [first, second];
}

/** A label/value grid with shaded label cells. */
function gridLayout(doc) {
  const page = new Page();
  let y = title(page, doc);
  const labelW = 120;
  for (const [label, value] of doc.fields) {
    const lines = wrapText(value, RIGHT - LEFT - labelW - 12, { size: 10 });
    const h = 8 + lines.length * 12;
    page.fillRect(LEFT, y, labelW, h, SHADE);
    page.strokeRect(LEFT, y, RIGHT - LEFT, h);
    page.line(LEFT + labelW, y, LEFT + labelW, y + h);
    page.text(LEFT + 6, y + 13, label, { bold: true, size: 9.5, color: INK });
    lines.forEach((line, i) => page.text(LEFT + labelW + 6, y + 13 + i * 12, line, { size: 10, color: INK }));
    y += h;
  }
  y += 18;
  const rows = doc.totals ? pricedRows(doc) : checkRows(doc);
  y = body(page, y, doc, rows);
  if (doc.totals && doc.totalLabel === 'TOTAL GERAL') {
    // The grand total as the table's last row.
    page.fillRect(LEFT, y, RIGHT - LEFT, 18, SHADE);
    page.text(LEFT + 4, y + 13, 'TOTAL GERAL', { bold: true, size: 10, color: INK });
    page.text(RIGHT - 4, y + 13, `R$ ${brl(doc.totals.total)}`, { bold: true, size: 10, color: INK, align: 'right' });
    y += 18;
  } else {
    y = totals(page, y + 6, doc);
  }
  closing(page, y, doc);
  return [page];
}

const LAYOUTS = { lines: linesLayout, twoColumns: twoColumnLayout, grid: gridLayout };

/** The PDF bytes of one document description (demo-documents.mjs). */
export function renderDocument(doc, company) {
  const pages = LAYOUTS[doc.layout](doc);
  pages.forEach((p, i) => letterhead(p, company, i + 1, pages.length));
  return buildPdf(pages, {
    title: doc.title,
    subject: `${doc.subject} – ${doc.meta.cliente}`,
    author: company.name,
    created: doc.created,
  });
}
