-- 002-consumables.sql (SQLite): consumables stock per site and item (M-05).
-- Keep in step with ../postgresql/002-consumables.sql.

CREATE TABLE stock (
  region_code  TEXT NOT NULL REFERENCES region (code),
  site         TEXT NOT NULL,
  item         TEXT NOT NULL,
  quantity     BIGINT NOT NULL CHECK (quantity >= 0),
  updated_at   BIGINT NOT NULL,
  PRIMARY KEY (region_code, site, item)
);

CREATE TABLE stock_txn (
  id           INTEGER PRIMARY KEY,
  region_code  TEXT NOT NULL,
  site         TEXT NOT NULL,
  item         TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('in', 'out', 'adjust')),
  quantity     BIGINT NOT NULL,
  balance      BIGINT NOT NULL,
  at           BIGINT NOT NULL,
  actor        TEXT NOT NULL,
  note         TEXT
);

CREATE TABLE oauth_client (
  client_id    TEXT PRIMARY KEY,
  secret_hash  TEXT NOT NULL,
  role         TEXT NOT NULL CHECK (role IN ('sysadmin', 'bizadmin', 'auditor')),
  region_code  TEXT NOT NULL REFERENCES region (code),
  created_at   BIGINT NOT NULL
);

CREATE TABLE oauth_token (
  token_hash   TEXT PRIMARY KEY,
  client_id    TEXT NOT NULL REFERENCES oauth_client (client_id),
  expires_at   BIGINT NOT NULL
);
