-- Siberius initial schema: the design's daemon_clients, pdf_cache and
-- pdf_transfers, plus the tokens, users and atendimentos they reference.
-- Applied once by storage::apply_migrations; never edit it after it shipped,
-- add 002_... instead.

-- ISO 8601 UTC with seconds, the format every API and the daemon's lastSync use.
CREATE FUNCTION siberius_iso_utc(ts timestamptz) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

CREATE TABLE usuarios (
  id            bigserial PRIMARY KEY,
  login         text NOT NULL UNIQUE CHECK (length(login) BETWEEN 1 AND 100),
  nome          text NOT NULL DEFAULT '',
  role          text NOT NULL CHECK (role IN ('admin', 'tecnico')),
  password_hash text,                      -- Argon2id encoded string
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE atendimentos (
  id          bigserial PRIMARY KEY,
  titulo      text NOT NULL,
  cliente     text,
  data_inicio timestamptz NOT NULL,
  data_fim    timestamptz,
  local       text,
  created_by  bigint REFERENCES usuarios(id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (data_fim IS NULL OR data_fim >= data_inicio)
);
CREATE INDEX idx_atendimentos_periodo ON atendimentos (data_inicio, data_fim);

-- Who is scheduled on which atendimento: what a technician may see.
CREATE TABLE atendimento_tecnicos (
  atendimento_id bigint NOT NULL REFERENCES atendimentos(id) ON DELETE CASCADE,
  usuario_id     bigint NOT NULL REFERENCES usuarios(id) ON DELETE CASCADE,
  PRIMARY KEY (atendimento_id, usuario_id)
);
CREATE INDEX idx_atendimento_tecnicos_usuario ON atendimento_tecnicos (usuario_id);

-- One row per office daemon. client_id stays NULL until the first CONNECT
-- binds the token to the daemon's own id.
CREATE TABLE daemon_clients (
  id               bigserial PRIMARY KEY,
  client_id        text UNIQUE CHECK (length(client_id) BETWEEN 1 AND 100),
  client_name      text NOT NULL DEFAULT '',
  status           text NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'offline')),
  blocked          boolean NOT NULL DEFAULT false,
  last_seen        timestamptz,
  last_heartbeat   timestamptz,
  connected_at     timestamptz,
  disconnected_at  timestamptz,
  remote_addr      text,             -- public address (IPv4 or IPv6)
  local_addr       text,             -- address on the office network
  daemon_version   text,
  runtime          text,             -- the design's node_version
  platform         text,
  hostname         text,
  pdfs_indexed     bigint NOT NULL DEFAULT 0,
  pdfs_uploaded    bigint NOT NULL DEFAULT 0,
  last_pdf_indexed timestamptz,
  last_sync_at     timestamptz,
  uptime_seconds   bigint,
  memory_bytes     bigint,
  config           jsonb NOT NULL DEFAULT '{}'::jsonb,
  metadata         jsonb NOT NULL DEFAULT '{}'::jsonb, -- latest heartbeat as sent
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_daemon_clients_status ON daemon_clients (status);

-- Several tokens per daemon, so a rotation can overlap the old and new one.
CREATE TABLE daemon_tokens (
  id         bigserial PRIMARY KEY,
  daemon_id  bigint NOT NULL REFERENCES daemon_clients(id) ON DELETE CASCADE,
  public_id  text NOT NULL UNIQUE CHECK (public_id ~ '^[0-9a-f]{16}$'),
  token_hash char(64) NOT NULL,      -- SHA-256 hex of the whole token
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX idx_daemon_tokens_daemon ON daemon_tokens (daemon_id);

-- What daemons reported (daemon:error, recent log lines); capped per daemon.
CREATE TABLE daemon_events (
  id         bigserial PRIMARY KEY,
  daemon_id  bigint NOT NULL REFERENCES daemon_clients(id) ON DELETE CASCADE,
  level      text NOT NULL,
  event      jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_daemon_events_daemon ON daemon_events (daemon_id, id DESC);

-- Bearer tokens for automation (the admin token of credentials.json).
CREATE TABLE api_tokens (
  id           bigserial PRIMARY KEY,
  name         text NOT NULL,
  role         text NOT NULL CHECK (role IN ('admin', 'tecnico')),
  public_id    text NOT NULL UNIQUE CHECK (public_id ~ '^[0-9a-f]{16}$'),
  token_hash   char(64) NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz,
  last_used_at timestamptz
);

-- Every PDF a daemon indexed. The file stays in the office (local_path)
-- until someone asks for it; then it is cached on the server (file_path).
CREATE TABLE pdf_cache (
  id             bigserial PRIMARY KEY,
  atendimento_id bigint REFERENCES atendimentos(id) ON DELETE SET NULL,
  file_hash      text NOT NULL UNIQUE CHECK (file_hash ~ '^[0-9a-f]{64}$'),
  filename       text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  file_size      bigint NOT NULL CHECK (file_size >= 0),
  file_path      text,                        -- path in the server's storage
  local_path     text,                        -- path on the office machine
  local_present  boolean NOT NULL DEFAULT true,
  client_id      text,                        -- daemon that has the file
  tipo           text NOT NULL DEFAULT 'desconhecido'
                 CHECK (tipo IN ('orcamento', 'os', 'montagem', 'desconhecido')),
  numero         text,
  cliente        text,
  data_evento    date,
  valor_total    numeric(14,2) CHECK (valor_total >= 0),
  metadata       jsonb NOT NULL DEFAULT '{}'::jsonb, -- everything the daemon sent
  status         text NOT NULL DEFAULT 'available_local'
                 CHECK (status IN ('available_local', 'uploading', 'cached', 'expired', 'missing')),
  cached_at      timestamptz,
  expires_at     timestamptz,                 -- data_evento + retention
  last_accessed  timestamptz,
  indexed_at     timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_pdf_cache_status ON pdf_cache (status);
CREATE INDEX idx_pdf_cache_expires ON pdf_cache (expires_at);
CREATE INDEX idx_pdf_cache_client ON pdf_cache (client_id);
CREATE INDEX idx_pdf_cache_tipo_numero ON pdf_cache (tipo, numero);
CREATE INDEX idx_pdf_cache_data_evento ON pdf_cache (data_evento);
CREATE INDEX idx_pdf_cache_atendimento ON pdf_cache (atendimento_id) WHERE atendimento_id IS NOT NULL;

-- Uploads from daemons and downloads by users.
CREATE TABLE pdf_transfers (
  id                bigserial PRIMARY KEY,
  pdf_cache_id      bigint REFERENCES pdf_cache(id) ON DELETE CASCADE,
  transfer_type     text NOT NULL CHECK (transfer_type IN ('upload', 'download')),
  request_id        text,
  requested_by      bigint REFERENCES usuarios(id) ON DELETE SET NULL,
  requested_at      timestamptz NOT NULL DEFAULT now(),
  started_at        timestamptz,
  completed_at      timestamptz,
  status            text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'in_progress', 'completed', 'failed', 'cancelled')),
  progress          integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  bytes_transferred bigint,
  error_message     text,
  client_id         text REFERENCES daemon_clients(client_id) ON UPDATE CASCADE ON DELETE SET NULL
);
CREATE INDEX idx_pdf_transfers_status ON pdf_transfers (status);
CREATE INDEX idx_pdf_transfers_pdf ON pdf_transfers (pdf_cache_id);
CREATE INDEX idx_pdf_transfers_request ON pdf_transfers (request_id) WHERE request_id IS NOT NULL;
