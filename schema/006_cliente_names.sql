-- GET /api/pdfs?cliente= (issue 12, continued). A customer's name recurs on
-- many PDFs, so the substring search looks among the distinct names first
-- (pdf_clientes, one row per name: 40,000 for the bench's million PDFs) and
-- takes the PDFs of the matching names from a btree. The capped count then
-- reads at most 1,001 index entries; through the trigram index on pdf_cache it
-- built a bitmap of every candidate row and rechecked 1,001 of them in the
-- table. The planner's estimate for ILIKE '%text%' on pdf_cache swings between
-- 100 and 20,000 rows with ANALYZE's sample, and with that index in place a
-- low estimate sorted every match for the first page; without it a frequent
-- name is found by walking idx_pdf_cache_listing, a rare one through the names.

-- Every cliente of pdf_cache, kept by the triggers below. A name whose PDFs are
-- gone stays: it matches no row, at the cost of one index probe.
CREATE TABLE pdf_clientes (cliente text PRIMARY KEY);
INSERT INTO pdf_clientes SELECT DISTINCT cliente FROM pdf_cache WHERE cliente IS NOT NULL;
CREATE INDEX idx_pdf_clientes_trgm ON pdf_clientes USING gin (cliente gin_trgm_ops);
-- Without statistics the planner reads all the names (a sequential scan with
-- ILIKE on each) rather than this index; autovacuum keeps them from here on.
ANALYZE pdf_clientes;

-- Inserts come in batches (one statement per ingest batch): one statement
-- adds the batch's new names.
CREATE FUNCTION pdf_clientes_add_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO pdf_clientes (cliente)
  SELECT DISTINCT cliente FROM inserted WHERE cliente IS NOT NULL
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER pdf_cache_clientes_inserted AFTER INSERT ON pdf_cache
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION pdf_clientes_add_inserted();

-- A re-indexed PDF may name another customer; other updates do not fire this.
CREATE FUNCTION pdf_clientes_add_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO pdf_clientes (cliente) VALUES (NEW.cliente) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER pdf_cache_clientes_changed AFTER UPDATE OF cliente ON pdf_cache
  FOR EACH ROW WHEN (NEW.cliente IS NOT NULL AND NEW.cliente IS DISTINCT FROM OLD.cliente)
  EXECUTE FUNCTION pdf_clientes_add_changed();

-- The PDFs of some names, in the list order within each name; tipo, status and
-- client_id INCLUDEd as in 005, so a combination is checked in the index.
CREATE INDEX idx_pdf_cache_cliente_listing ON pdf_cache (cliente, data_evento DESC NULLS LAST, id DESC)
  INCLUDE (tipo, status, client_id);
DROP INDEX idx_pdf_cache_cliente_trgm; -- replaced by the two above
