-- Disputes (docs/bookings.md, "Disputes"): a party of a job contests it, both sides and
-- staff add evidence, an admin decides who gets the money.
--
-- A dispute belongs to one job (a booking of kind 'job'). open_key is 1 while the
-- dispute is open or under review and NULL once resolved: the unique key allows one
-- live dispute per job and any number of resolved ones.
--
-- The decision is recorded, not paid: refund_client, release_to_craftsman or split,
-- with the job's price at the time (amount) and each side's part in piastres
-- (client_amount + craftsman_amount = amount; a split also keeps the client's percent
-- when it was given as one). The money work reads these rows.
--
-- The clock: opened_at, first_response_at (the first evidence or action of staff),
-- resolved_at. GET /api/admin/disputes/stats reads the resolved ones of a period from
-- ix_disputes_resolved for the 72-hour median resolution target.
--
-- The admin list: newest first per status (ix_disputes_status) or over every status
-- (ix_disputes_opened), each read backwards from a keyset (opened_at, id).
CREATE TABLE IF NOT EXISTS disputes (
  id                   BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  booking_id           BIGINT UNSIGNED NOT NULL,
  opened_by            BIGINT UNSIGNED NOT NULL,
  opener_role          VARCHAR(20)   NOT NULL,              -- client | craftsman
  reason               VARCHAR(40)   NOT NULL,
  description          VARCHAR(4000) NULL,
  status               ENUM('open','under_review','resolved') NOT NULL DEFAULT 'open',
  open_key             TINYINT UNSIGNED NULL DEFAULT 1,
  decision             ENUM('refund_client','release_to_craftsman','split') NULL,
  amount               BIGINT UNSIGNED NULL,                -- piastres: the job's price
  client_amount        BIGINT UNSIGNED NULL,                -- piastres back to the client
  craftsman_amount     BIGINT UNSIGNED NULL,                -- piastres to the craftsman
  client_percent       TINYINT UNSIGNED NULL,               -- a split given as a percent
  resolution_notes     VARCHAR(4000) NULL,
  resolved_by          BIGINT UNSIGNED NULL,
  opened_at            DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  first_response_at    DATETIME(3)   NULL,
  resolved_at          DATETIME(3)   NULL,
  updated_at           DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_disputes_open (booking_id, open_key),
  KEY ix_disputes_status (status, opened_at, id),
  KEY ix_disputes_opened (opened_at, id),
  KEY ix_disputes_resolved (resolved_at),
  CONSTRAINT fk_disputes_booking FOREIGN KEY (booking_id) REFERENCES bookings (id),
  CONSTRAINT fk_disputes_opened_by FOREIGN KEY (opened_by) REFERENCES users (id),
  CONSTRAINT fk_disputes_resolved_by FOREIGN KEY (resolved_by) REFERENCES users (id),
  CONSTRAINT ck_disputes_open CHECK ((status = 'resolved' AND open_key IS NULL) OR
    (status <> 'resolved' AND open_key = 1)),
  CONSTRAINT ck_disputes_percent CHECK (client_percent IS NULL OR client_percent <= 100)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Evidence: a message, a private file of its author (uploads.is_private = 1), or both.
CREATE TABLE IF NOT EXISTS dispute_evidence (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  dispute_id   BIGINT UNSIGNED NOT NULL,
  author_id    BIGINT UNSIGNED NOT NULL,
  author_role  VARCHAR(20)   NOT NULL,                      -- client | craftsman | staff
  message      VARCHAR(4000) NULL,
  upload_id    BIGINT UNSIGNED NULL,
  created_at   DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_dispute_evidence_dispute (dispute_id, id),
  CONSTRAINT fk_dispute_evidence_dispute FOREIGN KEY (dispute_id) REFERENCES disputes (id),
  CONSTRAINT fk_dispute_evidence_author FOREIGN KEY (author_id) REFERENCES users (id),
  CONSTRAINT fk_dispute_evidence_upload FOREIGN KEY (upload_id) REFERENCES uploads (id),
  CONSTRAINT ck_dispute_evidence_some CHECK (message IS NOT NULL OR upload_id IS NOT NULL)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
