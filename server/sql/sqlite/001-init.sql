-- 001-init.sql (SQLite): the manager's first schema. Times are Unix seconds.
-- Keep in step with ../postgresql/001-init.sql: the same statements run on both.

CREATE TABLE region (
  code     TEXT PRIMARY KEY,
  parent   TEXT REFERENCES region (code),
  level    TEXT NOT NULL CHECK (level IN ('sar', 'province', 'city', 'district', 'town')),
  path     TEXT NOT NULL,
  name_zh  TEXT NOT NULL,
  name_en  TEXT NOT NULL
);
CREATE INDEX region_path ON region (path);

CREATE TABLE terminal (
  id             INTEGER PRIMARY KEY,
  number         TEXT NOT NULL UNIQUE,
  pubkey         TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('pending', 'active', 'locked', 'disabled')),
  ip             TEXT,
  site           TEXT NOT NULL,
  region_code    TEXT NOT NULL REFERENCES region (code),
  sw_version     TEXT,
  network        TEXT,
  registered_at  BIGINT NOT NULL,
  approved_at    BIGINT,
  last_seen      BIGINT,
  online         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX terminal_region ON terminal (region_code);

CREATE TABLE terminal_challenge (
  id           TEXT PRIMARY KEY,
  terminal_id  BIGINT NOT NULL REFERENCES terminal (id),
  challenge    TEXT NOT NULL,
  expires_at   BIGINT NOT NULL
);

CREATE TABLE terminal_session (
  id           TEXT PRIMARY KEY,
  terminal_id  BIGINT NOT NULL REFERENCES terminal (id),
  key_sealed   TEXT NOT NULL,   -- SM4-GCM under the manager's master key, AAD = id
  expires_at   BIGINT NOT NULL
);

CREATE TABLE request_nonce (
  terminal_id  BIGINT NOT NULL,
  nonce        TEXT NOT NULL,
  seen_at      BIGINT NOT NULL,
  PRIMARY KEY (terminal_id, nonce)
);
CREATE INDEX request_nonce_seen ON request_nonce (seen_at);

CREATE TABLE component_status (
  terminal_id  BIGINT NOT NULL REFERENCES terminal (id),
  name         TEXT NOT NULL,
  status       TEXT NOT NULL,
  updated_at   BIGINT NOT NULL,
  PRIMARY KEY (terminal_id, name)
);

CREATE TABLE consumable_level (
  terminal_id  BIGINT NOT NULL REFERENCES terminal (id),
  item         TEXT NOT NULL,
  level        INTEGER NOT NULL,
  state        TEXT NOT NULL,
  updated_at   BIGINT NOT NULL,
  PRIMARY KEY (terminal_id, item)
);

-- Which device each kiosk module needs: a fault of the device switches the module off.
CREATE TABLE module_device (
  module  TEXT NOT NULL,
  device  TEXT NOT NULL,
  PRIMARY KEY (module, device)
);
INSERT INTO module_device (module, device) VALUES
  ('idcard-auth', 'idcard'), ('iccard-auth', 'iccard'), ('print', 'laser'),
  ('receipt', 'receipt'), ('pin', 'pinpad'), ('video', 'camera'),
  ('fingerprint-auth', 'fingerprint'), ('scan', 'document-camera'), ('barcode', 'barcode');

CREATE TABLE terminal_module (
  terminal_id  BIGINT NOT NULL REFERENCES terminal (id),
  module       TEXT NOT NULL,
  enabled      INTEGER NOT NULL,
  reason       TEXT NOT NULL CHECK (reason IN ('manual', 'fault')),
  PRIMARY KEY (terminal_id, module)
);

CREATE TABLE command (
  id            INTEGER PRIMARY KEY,
  terminal_id   BIGINT NOT NULL REFERENCES terminal (id),
  kind          TEXT NOT NULL,
  arg           TEXT,
  state         TEXT NOT NULL CHECK (state IN ('pending', 'delivered')),
  created_at    BIGINT NOT NULL,
  delivered_at  BIGINT
);
CREATE INDEX command_pending ON command (terminal_id, state);

CREATE TABLE alarm_rule (
  kind       TEXT PRIMARY KEY CHECK (kind IN ('component-fault', 'consumable-low', 'terminal-silent')),
  threshold  INTEGER NOT NULL,
  severity   TEXT NOT NULL CHECK (severity IN ('info', 'minor', 'major', 'critical')),
  enabled    INTEGER NOT NULL DEFAULT 1
);
INSERT INTO alarm_rule (kind, threshold, severity) VALUES
  ('component-fault', 0, 'major'), ('consumable-low', 20, 'minor'), ('terminal-silent', 3, 'critical');

CREATE TABLE alarm (
  id           INTEGER PRIMARY KEY,
  terminal_id  BIGINT NOT NULL REFERENCES terminal (id),
  kind         TEXT NOT NULL,
  subject      TEXT NOT NULL,
  severity     TEXT NOT NULL,
  detail       TEXT,
  raised_at    BIGINT NOT NULL,
  acked_at     BIGINT,
  acked_by     TEXT,
  cleared_at   BIGINT,
  escalated    INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX alarm_open ON alarm (terminal_id, kind, subject) WHERE cleared_at IS NULL;

CREATE TABLE maintainer (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  email        TEXT,
  phone        TEXT,
  region_code  TEXT NOT NULL REFERENCES region (code)
);

CREATE TABLE notification (
  id          INTEGER PRIMARY KEY,
  alarm_id    BIGINT NOT NULL REFERENCES alarm (id),
  channel     TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
  target      TEXT NOT NULL,
  subject     TEXT NOT NULL,
  body        TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  attempts    INTEGER NOT NULL DEFAULT 0,
  created_at  BIGINT NOT NULL,
  sent_at     BIGINT,
  error       TEXT
);
CREATE INDEX notification_pending ON notification (state);

CREATE TABLE usage_event (
  id           INTEGER PRIMARY KEY,
  terminal_id  BIGINT NOT NULL REFERENCES terminal (id),
  event_id     TEXT NOT NULL,
  kind         TEXT NOT NULL,
  category     TEXT,
  service      TEXT,
  auth_method  TEXT,
  outcome      TEXT,
  duration_ms  BIGINT,
  occurred_at  BIGINT NOT NULL,
  region_path  TEXT NOT NULL,
  UNIQUE (terminal_id, event_id)
);
CREATE INDEX usage_event_time ON usage_event (occurred_at);
CREATE INDEX usage_event_region ON usage_event (region_path);

-- One role column: system admin, business admin and auditor can never be combined.
CREATE TABLE account (
  id             INTEGER PRIMARY KEY,
  username       TEXT NOT NULL UNIQUE,
  role           TEXT NOT NULL CHECK (role IN ('sysadmin', 'bizadmin', 'auditor')),
  region_code    TEXT NOT NULL REFERENCES region (code),
  password_hash  TEXT NOT NULL,
  failed_count   INTEGER NOT NULL DEFAULT 0,
  locked_until   BIGINT NOT NULL DEFAULT 0,
  created_at     BIGINT NOT NULL
);

CREATE TABLE account_session (
  token_hash   TEXT PRIMARY KEY,
  account_id   BIGINT NOT NULL REFERENCES account (id),
  expires_at   BIGINT NOT NULL
);

CREATE TABLE audit_log (
  seq        BIGINT PRIMARY KEY,
  at         BIGINT NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  object     TEXT NOT NULL,
  detail     TEXT NOT NULL,
  prev_hash  TEXT NOT NULL,
  hash       TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE (ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE (ABORT, 'audit log is append-only'); END;
