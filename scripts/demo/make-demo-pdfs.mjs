#!/usr/bin/env node
// Writes the demo office's sample business PDFs, so that a fresh clone has a
// living system without any outside files (scripts/lib/demo.sh seeds the demo
// daemon's folder with them).
//
//   node scripts/demo/make-demo-pdfs.mjs OUT_DIR [--today YYYY-MM-DD]
//
// About twelve orçamentos, ordens de serviço and ordens de montagem of an
// event-equipment rental company, with event dates from two weeks before to
// six weeks after "today" (default: the current local date). The same
// --today always gives the same bytes. OUT_DIR/.siberius-demo.json lists each
// file with the metadata the daemon must extract from it, and the demo
// atendimentos that link them (read by tests/demo and scripts/lib/demo.sh).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPANY, demoAtendimentos, demoDocuments } from './demo-documents.mjs';
import { isoDay, parseDay } from './format.mjs';
import { renderDocument } from './layouts.mjs';

const MANIFEST = '.siberius-demo.json';

function usage(message) {
  if (message) console.error(`make-demo-pdfs: ${message}`);
  console.error('usage: node scripts/demo/make-demo-pdfs.mjs OUT_DIR [--today YYYY-MM-DD]');
  process.exit(2);
}

function localToday() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function parseArgs(argv) {
  let out = null;
  let today = localToday();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--today') {
      if (i + 1 >= argv.length) usage('--today needs a date');
      today = argv[++i];
    } else if (arg === '-h' || arg === '--help') {
      usage();
    } else if (arg.startsWith('-')) {
      usage(`unknown option ${arg}`);
    } else if (out === null) {
      out = arg;
    } else {
      usage(`unexpected argument ${arg}`);
    }
  }
  if (out === null) usage('OUT_DIR is required');
  try {
    return { out, today: parseDay(today) };
  } catch (e) {
    usage(`--today: ${e.message}`);
  }
}

/** Writes through a dot-file and a rename: a watching daemon never sees half a PDF. */
function writeAtomically(dir, name, bytes) {
  const temp = join(dir, `.${name}.partial`);
  writeFileSync(temp, bytes);
  renameSync(temp, join(dir, name));
}

function makeDemoPdfs(out, today) {
  mkdirSync(out, { recursive: true });
  const docs = demoDocuments(today);
  const documents = [];
  for (const doc of docs) {
    const bytes = renderDocument(doc, COMPANY);
    writeAtomically(out, doc.file, bytes);
    documents.push({ file: doc.file, pages: bytes.toString('latin1').match(/\/Type \/Page\b/g).length, ...doc.meta });
  }
  const manifest = {
    generator: 'scripts/demo/make-demo-pdfs.mjs',
    today: isoDay(today),
    company: COMPANY.name,
    documents,
    atendimentos: demoAtendimentos(today, docs),
  };
  writeAtomically(out, MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

const { out, today } = parseArgs(process.argv.slice(2));
const manifest = makeDemoPdfs(out, today);
console.log(`make-demo-pdfs: ${manifest.documents.length} PDFs for ${manifest.today} in ${out}`);
