-- User sessions (POST /api/auth/login) and the audit log of admin actions and
-- authentication failures (GET /api/admin/audit).

-- An opaque bearer token "<16 hex public id>.<64 hex secret>", like the API
-- and daemon tokens: the row keeps the public id and the SHA-256 of the whole
-- token, never the token.
CREATE TABLE sessions (
  id           bigserial PRIMARY KEY,
  usuario_id   bigint NOT NULL REFERENCES usuarios(id) ON DELETE CASCADE,
  public_id    text NOT NULL UNIQUE CHECK (octet_length(public_id) = 16 AND public_id ~ '^[0-9a-f]*$'),
  token_hash   char(64) NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz,
  last_used_at timestamptz NOT NULL DEFAULT now(),
  remote_addr  text,
  user_agent   text
);
CREATE INDEX idx_sessions_usuario ON sessions (usuario_id) WHERE revoked_at IS NULL;

-- Logins are compared case-insensitively (the index also refuses "Ana" next
-- to "ana").
CREATE UNIQUE INDEX idx_usuarios_login_lower ON usuarios (lower(login));

CREATE TABLE audit_log (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor      text,                 -- login or token name; NULL when unknown
  actor_role text,
  action     text NOT NULL,        -- e.g. auth.login_failed, user.create
  target     text,                 -- what it acted on, e.g. "user 3"
  outcome    text NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
  ip         text,
  details    jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX idx_audit_log_at ON audit_log (at DESC);

ALTER TABLE atendimentos ADD COLUMN updated_by bigint REFERENCES usuarios(id) ON DELETE SET NULL;
