-- Service progress of a booking (docs/bookings.md, "Progress"): the work stages the
-- technician reports, milestones, blockers, quality checks with their criteria, the
-- interactions with the customer, and one row per progress write (its history).
--
-- Every table hangs off bookings(id); every per-booking list reads one range of an
-- index that starts with booking_id, in the order it is shown (fcgi/store/progress.c,
-- held to it by the EXPLAIN test). Every write runs with the booking's row locked
-- (SELECT ... FOR UPDATE on bookings), which orders all progress writes of a booking.

-- The four work stages (diagnosis, parts_needed, work_in_progress, quality_check),
-- written on the booking's first progress write. position is the stage's place in the
-- order; version goes up by one with every change (a client may send the version it
-- saw: a stale one is 409).
CREATE TABLE IF NOT EXISTS booking_progress_stages (
  booking_id         BIGINT UNSIGNED  NOT NULL,
  stage              VARCHAR(24)      NOT NULL,
  position           TINYINT UNSIGNED NOT NULL,
  status             VARCHAR(16)      NOT NULL DEFAULT 'pending',
  percent            TINYINT UNSIGNED NOT NULL DEFAULT 0,
  notes              VARCHAR(2000)    NULL,
  estimated_minutes  INT UNSIGNED     NULL,
  started_at         DATETIME(3)      NULL,
  completed_at       DATETIME(3)      NULL,
  updated_by         BIGINT UNSIGNED  NULL,
  updated_at         DATETIME(3)      NULL,
  version            INT UNSIGNED     NOT NULL DEFAULT 0,
  PRIMARY KEY (booking_id, position),
  UNIQUE KEY uq_booking_progress_stages_stage (booking_id, stage),
  CONSTRAINT fk_booking_progress_stages_booking FOREIGN KEY (booking_id) REFERENCES bookings (id),
  CONSTRAINT ck_booking_progress_stages_status CHECK (status IN ('pending', 'in_progress',
    'completed', 'skipped', 'failed')),
  CONSTRAINT ck_booking_progress_stages_percent CHECK (percent <= 100)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS booking_milestones (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  booking_id     BIGINT UNSIGNED NOT NULL,
  name           VARCHAR(200)    NOT NULL,
  description    VARCHAR(2000)   NULL,
  priority       VARCHAR(10)     NOT NULL DEFAULT 'medium',
  target_at      DATETIME(3)     NULL,
  completed_at   DATETIME(3)     NULL,          -- NULL: not reached yet
  created_by     BIGINT UNSIGNED NULL,
  created_at     DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_booking_milestones_booking (booking_id, id),
  CONSTRAINT fk_booking_milestones_booking FOREIGN KEY (booking_id) REFERENCES bookings (id),
  CONSTRAINT ck_booking_milestones_priority CHECK (priority IN ('low', 'medium', 'high',
    'critical'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS booking_blockers (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  booking_id     BIGINT UNSIGNED NOT NULL,
  type           VARCHAR(24)     NOT NULL,      -- parts_unavailable, weather, ...
  description    VARCHAR(2000)   NOT NULL,
  impact         VARCHAR(10)     NOT NULL DEFAULT 'medium',
  reported_by    BIGINT UNSIGNED NULL,
  reported_at    DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  resolved_by    BIGINT UNSIGNED NULL,
  resolved_at    DATETIME(3)     NULL,          -- NULL: open
  resolution     VARCHAR(2000)   NULL,
  PRIMARY KEY (id),
  KEY ix_booking_blockers_booking (booking_id, id),
  CONSTRAINT fk_booking_blockers_booking FOREIGN KEY (booking_id) REFERENCES bookings (id),
  CONSTRAINT ck_booking_blockers_type CHECK (type IN ('parts_unavailable', 'weather',
    'customer_unavailable', 'technical_issue', 'approval_pending', 'other')),
  CONSTRAINT ck_booking_blockers_impact CHECK (impact IN ('low', 'medium', 'high', 'critical'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS booking_quality_checks (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  booking_id     BIGINT UNSIGNED NOT NULL,
  check_type     VARCHAR(24)     NOT NULL,      -- initial_diagnosis ... customer_approval
  status         VARCHAR(16)     NOT NULL,      -- passed, failed, needs_attention
  notes          VARCHAR(2000)   NULL,
  checked_by     BIGINT UNSIGNED NULL,
  checked_at     DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_booking_quality_checks_booking (booking_id, id),
  CONSTRAINT fk_booking_quality_checks_booking FOREIGN KEY (booking_id) REFERENCES bookings (id),
  CONSTRAINT ck_booking_quality_checks_type CHECK (check_type IN ('initial_diagnosis',
    'pre_work', 'during_work', 'final_inspection', 'customer_approval')),
  CONSTRAINT ck_booking_quality_checks_status CHECK (status IN ('passed', 'failed',
    'needs_attention'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A check's criteria, in the order given. booking_id is repeated from the check so that
-- the criteria of all of a booking's checks are one index range.
CREATE TABLE IF NOT EXISTS booking_quality_criteria (
  check_id       BIGINT UNSIGNED  NOT NULL,
  position       TINYINT UNSIGNED NOT NULL,
  booking_id     BIGINT UNSIGNED  NOT NULL,
  item           VARCHAR(200)     NOT NULL,
  status         VARCHAR(10)      NOT NULL,     -- ok, issue, critical
  notes          VARCHAR(1000)    NULL,
  PRIMARY KEY (check_id, position),
  KEY ix_booking_quality_criteria_booking (booking_id, check_id, position),
  CONSTRAINT fk_booking_quality_criteria_check FOREIGN KEY (check_id)
    REFERENCES booking_quality_checks (id),
  CONSTRAINT ck_booking_quality_criteria_status CHECK (status IN ('ok', 'issue', 'critical'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What passed between the technician (or staff) and the customer. An approval request,
-- a message or an app notification waits for the customer's answer in the app
-- (responded_at NULL until then); a call, an SMS or a visit is logged with the answer
-- it got.
CREATE TABLE IF NOT EXISTS booking_interactions (
  id             BIGINT UNSIGNED  NOT NULL AUTO_INCREMENT,
  booking_id     BIGINT UNSIGNED  NOT NULL,
  type           VARCHAR(20)      NOT NULL,
  content        VARCHAR(2000)    NOT NULL,
  initiated_by   BIGINT UNSIGNED  NULL,
  created_at     DATETIME(3)      NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  response       VARCHAR(2000)    NULL,
  approved       TINYINT(1)       NULL,         -- an approval request's answer
  satisfaction   TINYINT UNSIGNED NULL,         -- 1..5
  responded_by   BIGINT UNSIGNED  NULL,         -- NULL with a response: a guest's token
  responded_at   DATETIME(3)      NULL,
  PRIMARY KEY (id),
  KEY ix_booking_interactions_booking (booking_id, id),
  CONSTRAINT fk_booking_interactions_booking FOREIGN KEY (booking_id) REFERENCES bookings (id),
  CONSTRAINT ck_booking_interactions_type CHECK (type IN ('call', 'sms', 'in_person',
    'app_notification', 'message', 'approval_request')),
  CONSTRAINT ck_booking_interactions_satisfaction CHECK (satisfaction IS NULL OR
    satisfaction BETWEEN 1 AND 5)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every progress write, in order: what it touched (a stage by name, or the id of a
-- blocker, check, interaction or milestone), the stage's status before and after, the
-- actor and a note. The progress's history; booking_history keeps the status moves.
CREATE TABLE IF NOT EXISTS booking_progress_updates (
  id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  booking_id     BIGINT UNSIGNED NOT NULL,
  kind           VARCHAR(16)     NOT NULL,      -- stage, blocker, quality_check, ...
  action         VARCHAR(16)     NOT NULL,      -- update, report, resolve, record, ...
  stage          VARCHAR(24)     NULL,
  item_id        BIGINT UNSIGNED NULL,
  from_status    VARCHAR(16)     NULL,
  to_status      VARCHAR(16)     NULL,
  percent        TINYINT UNSIGNED NULL,
  actor_id       BIGINT UNSIGNED NULL,
  actor_role     VARCHAR(20)     NULL,
  note           VARCHAR(2000)   NULL,
  created_at     DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_booking_progress_updates_booking (booking_id, id),
  CONSTRAINT fk_booking_progress_updates_booking FOREIGN KEY (booking_id) REFERENCES bookings (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
