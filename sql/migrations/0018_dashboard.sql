-- The admin dashboard (docs/dashboard.md): its sign-in sessions, and the daily roll-up
-- of bookings that the overview page and the analytics endpoints read instead of
-- scanning bookings.
--
-- admin_sessions: one row per dashboard sign-in. The browser holds 256 random bits in a
-- cookie; the row keeps only their SHA-256 (token_hash), the session's CSRF secret, and
-- two ends: idle_expires_at (moved forward on use) and expires_at (fixed at sign-in).
-- The account is read with the session on every request, so a ban, a deactivation, a
-- deletion or a role other than admin or moderator ends every session at once.

CREATE TABLE IF NOT EXISTS admin_sessions (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  token_hash       CHAR(64)     NOT NULL,                -- sha256 hex of the cookie's value
  user_id          BIGINT UNSIGNED NOT NULL,
  csrf_secret      CHAR(64)     NOT NULL,                -- hex; every form carries it
  ip               VARCHAR(45)  NULL,
  user_agent       VARCHAR(255) NULL,
  created_at       DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_seen_at     DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  idle_expires_at  DATETIME(3)  NOT NULL,
  expires_at       DATETIME(3)  NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_admin_sessions_token (token_hash),
  KEY ix_admin_sessions_user (user_id),
  KEY ix_admin_sessions_expires (expires_at),
  CONSTRAINT fk_admin_sessions_user FOREIGN KEY (user_id) REFERENCES users (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- How long a dashboard session lasts: idle minutes, and hours in all.
INSERT IGNORE INTO settings (`key`, value, is_public, description_ar, description_en) VALUES
  ('admin_session_idle_minutes', '30', 0,
   'مدة خمول جلسة لوحة الإدارة بالدقائق قبل انتهائها',
   'Minutes a dashboard session may stay idle before it ends'),
  ('admin_session_max_hours', '12', 0,
   'أقصى مدة لجلسة لوحة الإدارة بالساعات',
   'Hours a dashboard session lasts at most');

-- Two daily roll-ups of bookings, kept by the triggers below in the transaction of
-- every booking write, so a period's figures are a range read of a few small rows per
-- day, never a scan of bookings (a year: about 3,650 + 365 x services rows):
--   booking_daily_stats     per day of creation (UTC) and current status: how many
--                           bookings, how many emergencies, the sum of their totals;
--   booking_daily_services  per day and service: bookings, completed, cancelled,
--                           emergencies and revenue.
-- Revenue is the total (piastres) of the completed bookings, counted on the bookings'
-- own day of creation, as the seed's analytics pipeline groups them. Every booking
-- write touches one row of each (two when it moves): writes of one day and status (and
-- of one day and service) serialise on that row for the length of their transaction,
-- as user_counts does for users.
CREATE TABLE IF NOT EXISTS booking_daily_stats (
  day         DATE            NOT NULL,
  status      VARCHAR(24)     NOT NULL,
  bookings    BIGINT          NOT NULL DEFAULT 0,
  emergency   BIGINT          NOT NULL DEFAULT 0,
  amount      BIGINT          NOT NULL DEFAULT 0,
  PRIMARY KEY (day, status)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

CREATE TABLE IF NOT EXISTS booking_daily_services (
  day         DATE            NOT NULL,
  service_id  BIGINT UNSIGNED NOT NULL,
  bookings    BIGINT          NOT NULL DEFAULT 0,
  completed   BIGINT          NOT NULL DEFAULT 0,
  cancelled   BIGINT          NOT NULL DEFAULT 0,
  emergency   BIGINT          NOT NULL DEFAULT 0,
  revenue     BIGINT          NOT NULL DEFAULT 0,
  PRIMARY KEY (day, service_id)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

CREATE TRIGGER IF NOT EXISTS tr_bookings_stats_insert AFTER INSERT ON bookings FOR EACH ROW
BEGIN
  INSERT INTO booking_daily_stats (day, status, bookings, emergency, amount)
  VALUES (DATE(NEW.created_at), NEW.status, 1, NEW.is_emergency, NEW.total)
  ON DUPLICATE KEY UPDATE bookings = bookings + 1, emergency = emergency + NEW.is_emergency,
    amount = amount + NEW.total;
  INSERT INTO booking_daily_services (day, service_id, bookings, completed, cancelled,
    emergency, revenue)
  VALUES (DATE(NEW.created_at), NEW.service_id, 1, NEW.status = 'completed',
    NEW.status = 'cancelled', NEW.is_emergency, IF(NEW.status = 'completed', NEW.total, 0))
  ON DUPLICATE KEY UPDATE bookings = bookings + 1,
    completed = completed + (NEW.status = 'completed'),
    cancelled = cancelled + (NEW.status = 'cancelled'),
    emergency = emergency + NEW.is_emergency,
    revenue = revenue + IF(NEW.status = 'completed', NEW.total, 0);
END;

CREATE TRIGGER IF NOT EXISTS tr_bookings_stats_delete AFTER DELETE ON bookings FOR EACH ROW
BEGIN
  UPDATE booking_daily_stats SET bookings = bookings - 1,
    emergency = emergency - OLD.is_emergency, amount = amount - OLD.total
  WHERE day = DATE(OLD.created_at) AND status = OLD.status;
  UPDATE booking_daily_services SET bookings = bookings - 1,
    completed = completed - (OLD.status = 'completed'),
    cancelled = cancelled - (OLD.status = 'cancelled'),
    emergency = emergency - OLD.is_emergency,
    revenue = revenue - IF(OLD.status = 'completed', OLD.total, 0)
  WHERE day = DATE(OLD.created_at) AND service_id = OLD.service_id;
END;

CREATE TRIGGER IF NOT EXISTS tr_bookings_stats_update AFTER UPDATE ON bookings FOR EACH ROW
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
     OR OLD.service_id <> NEW.service_id OR DATE(OLD.created_at) <> DATE(NEW.created_at) THEN
    UPDATE booking_daily_services SET bookings = bookings - 1,
      completed = completed - (OLD.status = 'completed'),
      cancelled = cancelled - (OLD.status = 'cancelled'),
      emergency = emergency - OLD.is_emergency,
      revenue = revenue - IF(OLD.status = 'completed', OLD.total, 0)
    WHERE day = DATE(OLD.created_at) AND service_id = OLD.service_id;
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

-- The roll-ups from the rows, with the triggers already in place (as user_counts in
-- 0002: LOCK TABLES holds writes until they are written; the same statements set them
-- right after a bulk load that bypassed the triggers).
LOCK TABLES bookings READ, booking_daily_stats WRITE, booking_daily_services WRITE;
DELETE FROM booking_daily_stats;
INSERT INTO booking_daily_stats (day, status, bookings, emergency, amount)
  SELECT DATE(created_at), status, COUNT(*), SUM(is_emergency), SUM(total)
  FROM bookings GROUP BY DATE(created_at), status;
DELETE FROM booking_daily_services;
INSERT INTO booking_daily_services (day, service_id, bookings, completed, cancelled, emergency,
    revenue)
  SELECT DATE(created_at), service_id, COUNT(*), SUM(status = 'completed'),
    SUM(status = 'cancelled'), SUM(is_emergency), SUM(IF(status = 'completed', total, 0))
  FROM bookings GROUP BY DATE(created_at), service_id;
UNLOCK TABLES;

-- technician_counts: the technicians' profiles by work status, verification and whether
-- the user can be booked, kept by triggers on technician_profiles (as user_counts is on
-- users): "technicians available now" is one row, whatever the number of technicians.
-- A move touches its two counter rows in one order (the lower key first), so two
-- opposite moves side by side cannot deadlock.
CREATE TABLE IF NOT EXISTS technician_counts (
  work_status  VARCHAR(10) NOT NULL,
  verification VARCHAR(10) NOT NULL,
  bookable     TINYINT(1)  NOT NULL,
  n            BIGINT      NOT NULL DEFAULT 0,
  PRIMARY KEY (work_status, verification, bookable)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

CREATE TRIGGER IF NOT EXISTS tr_technician_counts_insert AFTER INSERT ON technician_profiles
FOR EACH ROW
  INSERT INTO technician_counts (work_status, verification, bookable, n)
  VALUES (NEW.work_status, NEW.verification, NEW.user_bookable, 1)
  ON DUPLICATE KEY UPDATE n = n + 1;

CREATE TRIGGER IF NOT EXISTS tr_technician_counts_delete AFTER DELETE ON technician_profiles
FOR EACH ROW
  UPDATE technician_counts SET n = n - 1 WHERE work_status = OLD.work_status
    AND verification = OLD.verification AND bookable = OLD.user_bookable;

CREATE TRIGGER IF NOT EXISTS tr_technician_counts_update AFTER UPDATE ON technician_profiles
FOR EACH ROW
BEGIN
  IF OLD.work_status <> NEW.work_status OR OLD.verification <> NEW.verification
     OR OLD.user_bookable <> NEW.user_bookable THEN
    IF (OLD.work_status, OLD.verification, OLD.user_bookable) <
       (NEW.work_status, NEW.verification, NEW.user_bookable) THEN
      UPDATE technician_counts SET n = n - 1 WHERE work_status = OLD.work_status
        AND verification = OLD.verification AND bookable = OLD.user_bookable;
      INSERT INTO technician_counts (work_status, verification, bookable, n)
      VALUES (NEW.work_status, NEW.verification, NEW.user_bookable, 1)
      ON DUPLICATE KEY UPDATE n = n + 1;
    ELSE
      INSERT INTO technician_counts (work_status, verification, bookable, n)
      VALUES (NEW.work_status, NEW.verification, NEW.user_bookable, 1)
      ON DUPLICATE KEY UPDATE n = n + 1;
      UPDATE technician_counts SET n = n - 1 WHERE work_status = OLD.work_status
        AND verification = OLD.verification AND bookable = OLD.user_bookable;
    END IF;
  END IF;
END;

LOCK TABLES technician_profiles READ, technician_counts WRITE;
DELETE FROM technician_counts;
INSERT INTO technician_counts (work_status, verification, bookable, n)
  SELECT work_status, verification, user_bookable, COUNT(*) FROM technician_profiles
  GROUP BY work_status, verification, user_bookable;
UNLOCK TABLES;

-- The activity log's filters (GET /api/admin/activity-log): newest first by id, whole,
-- by action or by actor (ix_activity_actor is (actor_id, created_at) already, the
-- primary key appended).
ALTER TABLE activity_log
  ADD KEY IF NOT EXISTS ix_activity_action (action, id),
  ADD KEY IF NOT EXISTS ix_activity_actor_id (actor_id, id),
  ADD KEY IF NOT EXISTS ix_activity_target_id (target_type, target_id, id);

-- technician_booking_stats: per assigned technician and current status, how many
-- bookings and the sum of their totals, kept by the same writes: the technicians'
-- performance (GET /api/analytics/technicians) is the top rows of one index.
CREATE TABLE IF NOT EXISTS technician_booking_stats (
  technician_id BIGINT UNSIGNED NOT NULL,
  status        VARCHAR(24)     NOT NULL,
  bookings      BIGINT          NOT NULL DEFAULT 0,
  amount        BIGINT          NOT NULL DEFAULT 0,
  PRIMARY KEY (technician_id, status),
  KEY ix_technician_booking_stats_top (status, bookings, technician_id)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

CREATE TRIGGER IF NOT EXISTS tr_bookings_tech_stats_insert AFTER INSERT ON bookings FOR EACH ROW
  INSERT INTO technician_booking_stats (technician_id, status, bookings, amount)
  SELECT NEW.technician_id, NEW.status, 1, NEW.total FROM DUAL
  WHERE NEW.technician_id IS NOT NULL
  ON DUPLICATE KEY UPDATE bookings = bookings + 1, amount = amount + NEW.total;

CREATE TRIGGER IF NOT EXISTS tr_bookings_tech_stats_delete AFTER DELETE ON bookings FOR EACH ROW
  UPDATE technician_booking_stats SET bookings = bookings - 1, amount = amount - OLD.total
  WHERE technician_id = OLD.technician_id AND status = OLD.status;

CREATE TRIGGER IF NOT EXISTS tr_bookings_tech_stats_update AFTER UPDATE ON bookings FOR EACH ROW
BEGIN
  IF NOT (OLD.technician_id <=> NEW.technician_id) OR OLD.status <> NEW.status
     OR OLD.total <> NEW.total THEN
    IF OLD.technician_id IS NOT NULL THEN
      UPDATE technician_booking_stats SET bookings = bookings - 1, amount = amount - OLD.total
      WHERE technician_id = OLD.technician_id AND status = OLD.status;
    END IF;
    IF NEW.technician_id IS NOT NULL THEN
      INSERT INTO technician_booking_stats (technician_id, status, bookings, amount)
      VALUES (NEW.technician_id, NEW.status, 1, NEW.total)
      ON DUPLICATE KEY UPDATE bookings = bookings + 1, amount = amount + NEW.total;
    END IF;
  END IF;
END;

LOCK TABLES bookings READ, technician_booking_stats WRITE;
DELETE FROM technician_booking_stats;
INSERT INTO technician_booking_stats (technician_id, status, bookings, amount)
  SELECT technician_id, status, COUNT(*), SUM(total) FROM bookings
  WHERE technician_id IS NOT NULL GROUP BY technician_id, status;
UNLOCK TABLES;
