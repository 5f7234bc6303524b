-- Jobs, quotes and invitations (docs/bookings.md, "Jobs"): the craftsmen marketplace.
--
-- A job is a row of bookings of kind 'job', moved by the same state machine as a
-- service booking (fcgi/domain/booking.c), with the same history, numbers and
-- notifications. It has no catalog service: service_id becomes NULL-able (a CHECK keeps
-- it required for kind 'service'), and the job's own columns are added: title,
-- category (a service category key), budget_min/budget_max (piastres, each optional)
-- and hired_at. The description is problem_description, the place address, city,
-- governorate, latitude and longitude, the price of the accepted quote base_price and
-- total, as for a service booking.
--
-- GET /api/jobs, technicians browsing the open jobs (posted or quoted: kind 'job' and
-- list_status 'pending_approval', the /api/bookings word of both), newest first, read
-- backwards from one index per variant: with and without a category. The point, the
-- distance box and the budget are checked from the index entries (latitude, longitude,
-- budget_min, budget_max follow the key), so only the page's rows are read. A customer's
-- own jobs and the staff's whole list have their own indexes.
ALTER TABLE bookings
  MODIFY COLUMN service_id BIGINT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS title VARCHAR(200) NULL AFTER kind,
  ADD COLUMN IF NOT EXISTS category VARCHAR(40) NULL AFTER title,
  ADD COLUMN IF NOT EXISTS budget_min BIGINT UNSIGNED NULL AFTER category,
  ADD COLUMN IF NOT EXISTS budget_max BIGINT UNSIGNED NULL AFTER budget_min,
  ADD COLUMN IF NOT EXISTS hired_at DATETIME(3) NULL AFTER eta_at,
  ADD KEY IF NOT EXISTS ix_bookings_jobs_open
    (kind, list_status, created_at, id, latitude, longitude, budget_min, budget_max),
  ADD KEY IF NOT EXISTS ix_bookings_jobs_open_category
    (kind, list_status, category, created_at, id, latitude, longitude, budget_min, budget_max),
  ADD KEY IF NOT EXISTS ix_bookings_jobs_customer (customer_id, kind, created_at, id),
  ADD KEY IF NOT EXISTS ix_bookings_jobs_all (kind, created_at, id),
  ADD CONSTRAINT fk_bookings_category FOREIGN KEY IF NOT EXISTS (category)
    REFERENCES service_categories (`key`),
  ADD CONSTRAINT ck_bookings_service CHECK (kind = 'job' OR service_id IS NOT NULL);

-- A technician's price for a job. live is 1 while the quote is Pending or Accepted and
-- NULL once Declined or Withdrawn: the unique key then allows one live quote per
-- technician and job, and any number of dead ones (a withdrawn quote may be followed by
-- a new one). revisions counts the technician's changes.
CREATE TABLE IF NOT EXISTS quotes (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  job_id        BIGINT UNSIGNED NOT NULL,
  technician_id BIGINT UNSIGNED NOT NULL,
  price         BIGINT UNSIGNED NOT NULL,                 -- piastres
  currency      CHAR(3)       NOT NULL DEFAULT 'EGP',
  notes         VARCHAR(2000) NULL,
  valid_until   DATETIME(3)   NULL,                       -- UTC; NULL: until the job closes
  status        ENUM('Pending','Accepted','Declined','Withdrawn') NOT NULL DEFAULT 'Pending',
  live          TINYINT UNSIGNED NULL DEFAULT 1,
  revisions     INT UNSIGNED  NOT NULL DEFAULT 0,
  created_at    DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at    DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_quotes_live (job_id, technician_id, live),
  KEY ix_quotes_job (job_id, id),
  KEY ix_quotes_technician (technician_id, created_at, id),
  CONSTRAINT fk_quotes_job FOREIGN KEY (job_id) REFERENCES bookings (id),
  CONSTRAINT fk_quotes_technician FOREIGN KEY (technician_id) REFERENCES users (id),
  CONSTRAINT ck_quotes_live CHECK ((status IN ('Pending','Accepted') AND live = 1) OR
    (status IN ('Declined','Withdrawn') AND live IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A client's invitation of one technician to a job: at most one per job and technician,
-- whatever its answer (a technician who rejected cannot be invited again).
CREATE TABLE IF NOT EXISTS job_invitations (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  job_id        BIGINT UNSIGNED NOT NULL,
  technician_id BIGINT UNSIGNED NOT NULL,
  invited_by    BIGINT UNSIGNED NULL,
  status        ENUM('Pending','Accepted','Rejected') NOT NULL DEFAULT 'Pending',
  responded_at  DATETIME(3)   NULL,
  created_at    DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_job_invitations (job_id, technician_id),
  KEY ix_job_invitations_technician (technician_id, created_at, id),
  CONSTRAINT fk_job_invitations_job FOREIGN KEY (job_id) REFERENCES bookings (id),
  CONSTRAINT fk_job_invitations_technician FOREIGN KEY (technician_id) REFERENCES users (id),
  CONSTRAINT fk_job_invitations_by FOREIGN KEY (invited_by) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The dashboard's roll-ups (0018) per service: a job has no service, so its rows count
-- in booking_daily_stats only. The triggers are the same as 0018's with the
-- per-service part skipped for a booking without a service.
DROP TRIGGER IF EXISTS tr_bookings_stats_insert;
CREATE TRIGGER tr_bookings_stats_insert AFTER INSERT ON bookings FOR EACH ROW
BEGIN
  INSERT INTO booking_daily_stats (day, status, bookings, emergency, amount)
  VALUES (DATE(NEW.created_at), NEW.status, 1, NEW.is_emergency, NEW.total)
  ON DUPLICATE KEY UPDATE bookings = bookings + 1, emergency = emergency + NEW.is_emergency,
    amount = amount + NEW.total;
  IF NEW.service_id IS NOT NULL THEN
    INSERT INTO booking_daily_services (day, service_id, bookings, completed, cancelled,
      emergency, revenue)
    VALUES (DATE(NEW.created_at), NEW.service_id, 1, NEW.status = 'completed',
      NEW.status = 'cancelled', NEW.is_emergency, IF(NEW.status = 'completed', NEW.total, 0))
    ON DUPLICATE KEY UPDATE bookings = bookings + 1,
      completed = completed + (NEW.status = 'completed'),
      cancelled = cancelled + (NEW.status = 'cancelled'),
      emergency = emergency + NEW.is_emergency,
      revenue = revenue + IF(NEW.status = 'completed', NEW.total, 0);
  END IF;
END;

DROP TRIGGER IF EXISTS tr_bookings_stats_delete;
CREATE TRIGGER tr_bookings_stats_delete AFTER DELETE ON bookings FOR EACH ROW
BEGIN
  UPDATE booking_daily_stats SET bookings = bookings - 1,
    emergency = emergency - OLD.is_emergency, amount = amount - OLD.total
  WHERE day = DATE(OLD.created_at) AND status = OLD.status;
  IF OLD.service_id IS NOT NULL THEN
    UPDATE booking_daily_services SET bookings = bookings - 1,
      completed = completed - (OLD.status = 'completed'),
      cancelled = cancelled - (OLD.status = 'cancelled'),
      emergency = emergency - OLD.is_emergency,
      revenue = revenue - IF(OLD.status = 'completed', OLD.total, 0)
    WHERE day = DATE(OLD.created_at) AND service_id = OLD.service_id;
  END IF;
END;

DROP TRIGGER IF EXISTS tr_bookings_stats_update;
CREATE TRIGGER tr_bookings_stats_update AFTER UPDATE ON bookings FOR EACH ROW
BEGIN
  IF OLD.status <> NEW.status OR OLD.total <> NEW.total OR OLD.is_emergency <> NEW.is_emergency
     OR DATE(OLD.created_at) <> DATE(NEW.created_at) THEN
    UPDATE booking_daily_stats SET bookings = bookings - 1,
      emergency = emergency - OLD.is_emergency, amount = amount - OLD.total
    WHERE day = DATE(OLD.created_at) AND status = OLD.status;
    INSERT INTO booking_daily_stats (day, status, bookings, emergency, amount)
    VALUES (DATE(NEW.created_at), NEW.status, 1, NEW.is_emergency, NEW.total)
    ON DUPLICATE KEY UPDATE bookings = bookings + 1, emergency = emergency + NEW.is_emergency,
      amount = amount + NEW.total;
  END IF;
  IF OLD.status <> NEW.status OR OLD.total <> NEW.total OR OLD.is_emergency <> NEW.is_emergency
     OR NOT (OLD.service_id <=> NEW.service_id)
     OR DATE(OLD.created_at) <> DATE(NEW.created_at) THEN
    IF OLD.service_id IS NOT NULL THEN
      UPDATE booking_daily_services SET bookings = bookings - 1,
        completed = completed - (OLD.status = 'completed'),
        cancelled = cancelled - (OLD.status = 'cancelled'),
        emergency = emergency - OLD.is_emergency,
        revenue = revenue - IF(OLD.status = 'completed', OLD.total, 0)
      WHERE day = DATE(OLD.created_at) AND service_id = OLD.service_id;
    END IF;
    IF NEW.service_id IS NOT NULL THEN
      INSERT INTO booking_daily_services (day, service_id, bookings, completed, cancelled,
        emergency, revenue)
      VALUES (DATE(NEW.created_at), NEW.service_id, 1, NEW.status = 'completed',
        NEW.status = 'cancelled', NEW.is_emergency, IF(NEW.status = 'completed', NEW.total, 0))
      ON DUPLICATE KEY UPDATE bookings = bookings + 1,
        completed = completed + (NEW.status = 'completed'),
        cancelled = cancelled + (NEW.status = 'cancelled'),
        emergency = emergency + NEW.is_emergency,
        revenue = revenue + IF(NEW.status = 'completed', NEW.total, 0);
    END IF;
  END IF;
END;
