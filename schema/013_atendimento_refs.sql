-- The documents an atendimento waits for (issue 15): a tipo and numero an
-- admin named when scheduling it, kept whether or not such a PDF is indexed
-- yet. The admin schedules the event from a phone call and the office writes
-- the OS later; the PDF indexed then joins the atendimento that named it.
CREATE TABLE atendimento_refs (
  atendimento_id bigint NOT NULL REFERENCES atendimentos(id) ON DELETE CASCADE,
  tipo           text NOT NULL CHECK (tipo IN ('orcamento', 'os', 'montagem')),
  numero         text NOT NULL CHECK (length(numero) BETWEEN 1 AND 100),
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (atendimento_id, tipo, numero)
);

-- The ingest asks, for a document just indexed, which atendimentos named its
-- tipo and numero, the most recent first.
CREATE INDEX idx_atendimento_refs_tipo_numero ON atendimento_refs (tipo, numero, created_at DESC);
