-- 004-backends.sql (sqlite): the government back-end systems the gateway calls.
-- Keep in step with ../postgresql/004-backends.sql.

-- credential and peer_key are SM4-GCM sealed under the master key (base64 of nonce,
-- ciphertext and tag, bound to the system id); they never leave the manager.
CREATE TABLE backend_system (
  id                 TEXT PRIMARY KEY,
  transport          TEXT NOT NULL CHECK (transport IN ('rest', 'soap11', 'soap12')),
  base_url           TEXT NOT NULL,
  timeout_ms         INTEGER NOT NULL CHECK (timeout_ms BETWEEN 100 AND 120000),
  credential_sealed  TEXT,
  peer_key_sealed    TEXT,
  updated_at         BIGINT NOT NULL
);
