// The demo PDFs that scripts/demo/make-demo-pdfs.mjs writes are read right by
// the daemon's real extractor (siberius-pdf-reader, the process the daemon
// drives) and by poppler's pdftotext, accents included; the generator is
// deterministic for a given --today and spreads the events around it.
//
//   node --test tests/demo/demo_pdfs.test.mjs   (SIBERIUS_PDF_READER: default build/daemon/siberius-pdf-reader)
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const GENERATOR = fileURLToPath(new URL('../../scripts/demo/make-demo-pdfs.mjs', import.meta.url));
const READER =
  process.env.SIBERIUS_PDF_READER ?? fileURLToPath(new URL('../../build/daemon/siberius-pdf-reader', import.meta.url));
// Two "todays": one early in a year, one whose upcoming events cross into the next year.
const TODAYS = ['2026-03-10', '2026-11-28'];

const scratch = mkdtempSync(join(tmpdir(), 'siberius-demo-pdfs-'));
const sets = new Map(); // today -> {dir, manifest}

function generate(dir, today) {
  execFileSync(process.execPath, [GENERATOR, dir, '--today', today], { stdio: 'pipe' });
  return JSON.parse(readFileSync(join(dir, '.siberius-demo.json'), 'utf8'));
}

const days = (a, b) => (Date.parse(b) - Date.parse(a)) / 86400000;

/** siberius-pdf-reader over its pipe: 4-byte big-endian length, then the bytes. */
class PdfReader {
  constructor(exe) {
    this.child = spawn(exe, ['--time-limit-ms', '20000'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.buffer = Buffer.alloc(0);
    this.waiting = null;
    this.child.stdout.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.deliver();
    });
    this.child.on('exit', (code, signal) => {
      this.exited = `siberius-pdf-reader ended (${signal ?? `status ${code}`})`;
      if (this.waiting) this.waiting.reject(new Error(this.exited));
    });
  }

  deliver() {
    if (!this.waiting || this.buffer.length < 4) return;
    const size = this.buffer.readUInt32BE(0);
    if (this.buffer.length < 4 + size) return;
    const text = this.buffer.subarray(4, 4 + size).toString('utf8');
    this.buffer = this.buffer.subarray(4 + size);
    const { resolve } = this.waiting;
    this.waiting = null;
    resolve(JSON.parse(text));
  }

  read(path) {
    if (this.exited) return Promise.reject(new Error(this.exited));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      const bytes = Buffer.from(path, 'utf8');
      const header = Buffer.alloc(4);
      header.writeUInt32BE(bytes.length);
      this.child.stdin.write(Buffer.concat([header, bytes]));
    });
  }

  close() {
    this.child.stdin.end();
  }
}

before(() => {
  for (const today of TODAYS) {
    const dir = join(scratch, today);
    sets.set(today, { dir, manifest: generate(dir, today) });
  }
});

after(() => rmSync(scratch, { recursive: true, force: true }));

test('the same --today gives the same files, byte for byte', () => {
  const today = TODAYS[0];
  const again = join(scratch, `${today}-again`);
  generate(again, today);
  const first = sets.get(today).dir;
  const names = readdirSync(first).sort();
  assert.deepEqual(readdirSync(again).sort(), names);
  for (const name of names)
    assert.ok(readFileSync(join(first, name)).equals(readFileSync(join(again, name))), `${name} differs between runs`);
});

test('the documents cover the three tipos and spread around today', () => {
  for (const [today, { dir, manifest }] of sets) {
    const docs = manifest.documents;
    assert.equal(manifest.today, today);
    assert.ok(docs.length >= 10 && docs.length <= 14, `${docs.length} documents`);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.pdf')).sort(),
      docs.map((d) => d.file).sort(),
      'the folder holds exactly the PDFs the manifest lists',
    );
    assert.deepEqual([...new Set(docs.map((d) => d.tipo))].sort(), ['montagem', 'orcamento', 'os']);
    const offsets = docs.map((d) => days(today, d.dataEvento));
    assert.ok(Math.min(...offsets) <= -10 && Math.min(...offsets) >= -21, `earliest event ${Math.min(...offsets)} days`);
    assert.ok(Math.max(...offsets) >= 35 && Math.max(...offsets) <= 49, `latest event ${Math.max(...offsets)} days`);
    assert.ok(offsets.some((o) => o < 0) && offsets.filter((o) => o > 0).length >= 4, 'past and upcoming events');
    assert.ok(docs.some((d) => d.valorTotal === null) && docs.some((d) => d.valorTotal > 10000), 'with and without totals');
    assert.ok(docs.some((d) => d.pages === 2), 'one document has two pages');
    assert.ok(docs.some((d) => d.cliente.length > 60), 'one customer has a long name');
    assert.ok(docs.some((d) => /nº/.test(d.file)) && docs.some((d) => /^[a-z]+_/.test(d.file)), 'both file-name styles');
    const past = manifest.atendimentos.filter((a) => a.dataInicio.slice(0, 10) < today);
    assert.ok(past.length >= 1 && past.length < manifest.atendimentos.length, 'past and upcoming atendimentos');
    for (const a of manifest.atendimentos)
      for (const p of a.pdfs)
        assert.ok(docs.some((d) => d.tipo === p.tipo && d.numero === p.numero), `${a.titulo}: no document ${p.tipo} ${p.numero}`);
  }
});

test('siberius-pdf-reader extracts the listed metadata from every demo PDF', async () => {
  assert.ok(existsSync(READER), `no siberius-pdf-reader at ${READER} (set SIBERIUS_PDF_READER)`);
  const reader = new PdfReader(READER);
  try {
    for (const { dir, manifest } of sets.values()) {
      for (const doc of manifest.documents) {
        const facts = await reader.read(join(dir, doc.file));
        assert.equal(facts.problem, 'none', `${doc.file}: ${facts.reason}`);
        const m = facts.metadata;
        const got = {
          tipo: m.tipo,
          numero: m.numero ?? null,
          cliente: m.cliente ?? null,
          dataEvento: m.dataEvento ?? null,
          valorTotal: m.valorTotal ?? null,
        };
        const want = {
          tipo: doc.tipo,
          numero: doc.numero,
          cliente: doc.cliente,
          dataEvento: doc.dataEvento,
          valorTotal: doc.valorTotal,
        };
        if (typeof got.valorTotal === 'number' && typeof want.valorTotal === 'number'
            && Math.abs(got.valorTotal - want.valorTotal) < 0.005)
          got.valorTotal = want.valorTotal;
        assert.deepEqual(got, want, `${doc.file} (today ${manifest.today})`);
        assert.match(facts.sha256, /^[0-9a-f]{64}$/);
      }
    }
  } finally {
    reader.close();
  }
});

test('pdftotext reads the Portuguese accents', () => {
  const TITLE_WORDS = { orcamento: /ORÇAMENTO|Orçamento/, os: /ORDEM DE SERVIÇO/, montagem: /MONTAGEM/ };
  let all = '';
  for (const { dir, manifest } of sets.values()) {
    for (const doc of manifest.documents) {
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, doc.file), '-'], { encoding: 'utf8' });
      const flat = text.replace(/\s+/g, ' ');
      assert.ok(!flat.includes('\uFFFD'), `${doc.file}: replacement characters in pdftotext's output`);
      assert.match(flat, TITLE_WORDS[doc.tipo], doc.file);
      assert.match(flat, /[Nn][º°]|No\.|Número:/, `${doc.file}: the number's label`);
      assert.ok(flat.includes(doc.cliente), `${doc.file}: pdftotext lost the customer "${doc.cliente}"`);
      all += flat;
    }
  }
  for (const word of ['Descrição', 'Praticável', 'Tendas & Iluminação', 'emissão', 'Nº', 'm²', 'ª', 'Ribeirão', '–'])
    assert.ok(all.includes(word), `"${word}" is missing from every document's text`);
});
