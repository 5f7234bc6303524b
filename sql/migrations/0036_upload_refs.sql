-- Which records show which uploaded images (docs/uploads.md, "References"). A service's
-- media.images and a booking's (or a job's: the same bookings row) serviceDetails.images
-- keep the addresses apps show; each entry that is one of our uploads has a row here, at
-- its position in that list, written in the same unit of work as the record. An upload
-- that a record shows cannot be deleted (DELETE /api/upload/:filename answers 409 naming
-- what shows it; the foreign key refuses it too), so no record points at files that are
-- gone. Addresses of other sites have no row. Users' pictures are users.avatar_upload_id;
-- dispute evidence is dispute_evidence.upload_id.
--   subject, subject_id: the record (services.id, or bookings.id for bookings and jobs);
--   position: the entry's index in the record's list, from 0;
--   upload_id: the upload it shows.
-- ix_upload_refs_upload answers "what shows this upload" for its deletion.
CREATE TABLE IF NOT EXISTS upload_refs (
  subject     ENUM('service','booking') NOT NULL,
  subject_id  BIGINT UNSIGNED  NOT NULL,
  position    SMALLINT UNSIGNED NOT NULL,
  upload_id   BIGINT UNSIGNED  NOT NULL,
  created_at  DATETIME(3)      NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (subject, subject_id, position),
  KEY ix_upload_refs_upload (upload_id, subject, subject_id),
  CONSTRAINT fk_upload_refs_upload FOREIGN KEY (upload_id) REFERENCES uploads (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
