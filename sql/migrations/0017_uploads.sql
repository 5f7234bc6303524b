-- Uploads (seed 000's images and avatars, seed 001's service uploads) and files (seed
-- 002's /api/files): a row per upload; the bytes live on disk under upload_dir, never
-- in the database (docs/uploads.md, docs/decisions.md).
--   Images are stored by the SHA-256 of the bytes sent: the same image uploaded twice
--   (by anyone) is one set of variant files on disk and two rows; the files go when the
--   last row of their hash does. storage is the variants' common path prefix.
--   Files are stored one per row (storage: their path), private ones encrypted
--   (AES-256-GCM, docs/uploads.md): never shared between rows, so deduplication cannot
--   tell one user that another holds a given document.
CREATE TABLE uploads (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  owner_id       BIGINT UNSIGNED NULL,               -- NULL once the owner is gone
  kind           ENUM('image','avatar','service','file') NOT NULL,
  is_private     TINYINT(1)   NOT NULL DEFAULT 0,   -- owner and staff only; encrypted
  mime           VARCHAR(100) NOT NULL,             -- from the bytes (libmagic), never the client
  size           BIGINT UNSIGNED NOT NULL,          -- bytes received
  width          INT UNSIGNED NULL,                 -- images: of the original
  height         INT UNSIGNED NULL,
  sha256         CHAR(64)     NOT NULL,             -- of the bytes received
  storage        VARCHAR(255) NOT NULL,             -- path under upload_dir (images: prefix)
  variants       JSON         NULL,                 -- images: {"150": {url,width,height}, ...}
  filename       VARCHAR(255) NULL,                 -- display name, made safe; never a path
  created_at     DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at     DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_uploads_sha256 (sha256, kind),
  KEY ix_uploads_owner (owner_id, created_at, id),
  CONSTRAINT fk_uploads_owner FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE SET NULL,
  CONSTRAINT ck_uploads_variants CHECK (variants IS NULL OR JSON_VALID(variants))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- users.avatar keeps the address apps show; avatar_upload_id says which upload it is.
-- The ALTER rebuilds users and its FULLTEXT index with it: without stop words, as 0002
-- built it ("Will" is a name).
SET SESSION innodb_ft_enable_stopword = OFF;
ALTER TABLE users
  ADD COLUMN avatar_upload_id BIGINT UNSIGNED NULL AFTER avatar,
  ADD CONSTRAINT fk_users_avatar_upload FOREIGN KEY (avatar_upload_id) REFERENCES uploads (id)
    ON DELETE SET NULL;
SET SESSION innodb_ft_enable_stopword = ON;
