-- Craftsmen's verification (KYC, seed 001 §2.1, §4, §5.2, §5.8; docs/technicians.md,
-- "Verification"): a craftsman sends a national ID number and documents (private,
-- encrypted uploads of POST /api/files); staff approve or reject; the outcome is written
-- to technician_profiles.verification in the same transaction.
--
-- The national ID number is never stored in plaintext: national_id_enc holds the 14
-- digits sealed with AES-256-GCM under files_key (fcgi/core/filecrypt.h, hex text, the
-- user's id in the authenticated data), national_id_hash an HMAC-SHA256 of them under
-- the same key (finds the same number sent by another account without decrypting), and
-- the parts staff need to read a list: the last four digits, the birth date and the
-- governorate of birth.
CREATE TABLE IF NOT EXISTS verifications (
  id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id           BIGINT UNSIGNED NOT NULL,
  status            VARCHAR(10)  NOT NULL DEFAULT 'pending',
  national_id_enc   VARCHAR(128) CHARACTER SET ascii NOT NULL,
  national_id_hash  CHAR(64)     CHARACTER SET ascii NOT NULL,
  national_id_last4 CHAR(4)      CHARACTER SET ascii NOT NULL,
  birth_date        DATE         NOT NULL,
  governorate       CHAR(2)      CHARACTER SET ascii NOT NULL,
  reason            VARCHAR(500) NULL,
  reviewed_by       BIGINT UNSIGNED NULL,
  reviewed_at       DATETIME(3)  NULL,
  created_at        DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at        DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  -- the staff queue: by status, oldest or newest first, keyset on (created_at, id)
  KEY ix_verifications_queue (status, created_at, id),
  -- every request, newest first
  KEY ix_verifications_list (created_at, id),
  -- a craftsman's own requests, the latest first
  KEY ix_verifications_user (user_id, created_at, id),
  KEY ix_verifications_hash (national_id_hash, status),
  CONSTRAINT fk_verifications_user FOREIGN KEY (user_id) REFERENCES users (id)
    ON DELETE CASCADE,
  CONSTRAINT fk_verifications_reviewer FOREIGN KEY (reviewed_by) REFERENCES users (id)
    ON DELETE SET NULL,
  CONSTRAINT ck_verifications_status CHECK (status IN ('pending','approved','rejected'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The documents of a request: each a private upload of the craftsman. sha256 is the
-- file's as it was sent, so staff see when its owner replaced it afterwards (PUT
-- /api/files/:id); a file its owner deleted leaves the row with upload_id NULL.
CREATE TABLE IF NOT EXISTS verification_documents (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  verification_id BIGINT UNSIGNED NOT NULL,
  upload_id       BIGINT UNSIGNED NULL,
  doc_type        VARCHAR(20)  NOT NULL,
  sha256          CHAR(64)     CHARACTER SET ascii NOT NULL,
  created_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_verification_documents_request (verification_id, id),
  KEY ix_verification_documents_upload (upload_id),
  CONSTRAINT fk_verification_documents_request FOREIGN KEY (verification_id)
    REFERENCES verifications (id) ON DELETE CASCADE,
  CONSTRAINT fk_verification_documents_upload FOREIGN KEY (upload_id) REFERENCES uploads (id)
    ON DELETE SET NULL,
  CONSTRAINT ck_verification_documents_type
    CHECK (doc_type IN ('national_id_front','national_id_back','certificate','other'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
