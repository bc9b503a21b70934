-- GET /api/pdfs on a catalogue of a million PDFs (issue 12). The list is
-- ordered by data_evento DESC NULLS LAST, id DESC and read in pages from a
-- position (keyset), so each filter that leaves many rows gets an index that
-- ends in that order: a page is then the first entries of one index range,
-- not a sort of every match. The columns other filters test are INCLUDEd, so
-- a combination (tipo and status, a name within a month) is checked in the
-- index without reading the table; only the rows of the page are read whole.
-- Filters that leave few rows (numero, a customer's name, a technician's
-- atendimentos) get an index that finds those rows, which are then sorted.

-- Substring search on the customer's name (ILIKE '%text%'). pg_trgm ships
-- with PostgreSQL and is a trusted extension: a role with CREATE on the
-- database may create it (docs/operations.md).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- No filter, or a date range (the calendar's month), or a name walked in order.
CREATE INDEX idx_pdf_cache_listing ON pdf_cache (data_evento DESC NULLS LAST, id DESC)
  INCLUDE (tipo, status, client_id, cliente);
DROP INDEX idx_pdf_cache_data_evento; -- the listing index serves its ranges too

CREATE INDEX idx_pdf_cache_tipo_listing ON pdf_cache (tipo, data_evento DESC NULLS LAST, id DESC)
  INCLUDE (status, client_id);
CREATE INDEX idx_pdf_cache_status_listing ON pdf_cache (status, data_evento DESC NULLS LAST, id DESC)
  INCLUDE (tipo, client_id);
DROP INDEX idx_pdf_cache_status;  -- a prefix of the one above
CREATE INDEX idx_pdf_cache_client_listing ON pdf_cache (client_id, data_evento DESC NULLS LAST, id DESC)
  INCLUDE (tipo, status);
DROP INDEX idx_pdf_cache_client;  -- a prefix of the one above

-- A technician's PDFs: those of their atendimentos, sorted from this index alone.
CREATE INDEX idx_pdf_cache_atendimento_listing
  ON pdf_cache (atendimento_id, data_evento DESC NULLS LAST, id DESC) INCLUDE (tipo, status, client_id)
  WHERE atendimento_id IS NOT NULL;
DROP INDEX idx_pdf_cache_atendimento; -- a prefix of the one above

-- (tipo, numero) stays: atendimentos link PDFs by tipo and numero.
CREATE INDEX idx_pdf_cache_numero ON pdf_cache (numero);
CREATE INDEX idx_pdf_cache_cliente_trgm ON pdf_cache USING gin (cliente gin_trgm_ops);

-- The calendar asks for the atendimentos overlapping a month; a btree on
-- data_inicio would read every atendimento that started before its end.
CREATE INDEX idx_atendimentos_span ON atendimentos
  USING gist (tstzrange(data_inicio, coalesce(data_fim, data_inicio), '[]'));
