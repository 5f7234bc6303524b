-- Per-technician aggregates for the recommendations (docs/technicians.md,
-- "Recommendations"): kept on write by the triggers below, so GET
-- /api/users/recommendations reads one row per candidate and computes nothing over the
-- bookings.
--
-- completed  bookings and jobs the technician completed
-- dropped    taken and not finished by the technician: an assignment they declined, or
--            a booking staff cancelled after they set off (a customer's cancellation
--            is the customer's, and technicians cannot cancel)
-- responses, response_seconds
--            answers to an assignment (the first move of the technician out of
--            technician_assigned: accept, decline or depart; timed from the assignment
--            in booking_history) and to a job invitation (Accepted or Rejected, timed
--            from the invitation); the mean is response_seconds / responses (a median
--            would need every sample kept; the mean is what can be kept on write)
--
-- The triggers read the booking's technician when the history row is written: the
-- handlers write the history of a move before the booking row (the assignment aside,
-- which the stats do not count), so it is the technician the move concerned.
CREATE TABLE IF NOT EXISTS technician_stats (
  user_id          BIGINT UNSIGNED NOT NULL,
  completed        INT UNSIGNED    NOT NULL DEFAULT 0,
  dropped          INT UNSIGNED    NOT NULL DEFAULT 0,
  responses        INT UNSIGNED    NOT NULL DEFAULT 0,
  response_seconds BIGINT UNSIGNED NOT NULL DEFAULT 0,
  completion_rate  DOUBLE AS (IF(completed + dropped = 0, NULL,
    completed / (completed + dropped))) VIRTUAL,
  mean_response_seconds DOUBLE AS (IF(responses = 0, NULL, response_seconds / responses))
    VIRTUAL,
  updated_at       DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
    ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (user_id),
  CONSTRAINT fk_technician_stats_user FOREIGN KEY (user_id) REFERENCES users (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

DROP TRIGGER IF EXISTS tr_booking_history_technician_stats;
CREATE TRIGGER tr_booking_history_technician_stats AFTER INSERT ON booking_history
FOR EACH ROW
BEGIN
  DECLARE tech BIGINT UNSIGNED DEFAULT NULL;
  DECLARE done INT DEFAULT 0;
  DECLARE drop_ INT DEFAULT 0;
  DECLARE resp INT DEFAULT 0;
  DECLARE secs BIGINT DEFAULT 0;
  IF NEW.to_status = 'completed'
     OR NEW.event = 'decline'
     OR (NEW.to_status = 'cancelled' AND NEW.from_status IN ('on_way', 'arrived',
       'in_progress'))
     OR (NEW.from_status = 'technician_assigned' AND NEW.event IN ('accept', 'decline',
       'depart')) THEN
    SET tech = (SELECT technician_id FROM bookings WHERE id = NEW.booking_id);
  END IF;
  IF tech IS NOT NULL THEN
    SET done = NEW.to_status = 'completed';
    SET drop_ = NEW.event = 'decline' OR (NEW.to_status = 'cancelled'
      AND NEW.from_status IN ('on_way', 'arrived', 'in_progress'));
    IF NEW.from_status = 'technician_assigned' AND NEW.event IN ('accept', 'decline',
       'depart') THEN
      SET secs = (SELECT GREATEST(0, TIMESTAMPDIFF(SECOND, h.created_at, NEW.created_at))
        FROM booking_history h
        WHERE h.booking_id = NEW.booking_id AND h.id < NEW.id
          AND h.to_status = 'technician_assigned'
        ORDER BY h.id DESC LIMIT 1);
      IF secs IS NOT NULL THEN
        SET resp = 1;
      ELSE
        SET secs = 0;
      END IF;
    END IF;
    IF done + drop_ + resp > 0 THEN
      INSERT INTO technician_stats (user_id, completed, dropped, responses, response_seconds)
      VALUES (tech, done, drop_, resp, secs)
      ON DUPLICATE KEY UPDATE completed = completed + done, dropped = dropped + drop_,
        responses = responses + resp, response_seconds = response_seconds + secs;
    END IF;
  END IF;
END;

DROP TRIGGER IF EXISTS tr_job_invitations_technician_stats;
CREATE TRIGGER tr_job_invitations_technician_stats AFTER UPDATE ON job_invitations
FOR EACH ROW
BEGIN
  IF OLD.status = 'Pending' AND NEW.status <> 'Pending' THEN
    INSERT INTO technician_stats (user_id, responses, response_seconds)
    VALUES (NEW.technician_id, 1, GREATEST(0, TIMESTAMPDIFF(SECOND, NEW.created_at,
      COALESCE(NEW.responded_at, CURRENT_TIMESTAMP(3)))))
    ON DUPLICATE KEY UPDATE responses = responses + 1,
      response_seconds = response_seconds + GREATEST(0, TIMESTAMPDIFF(SECOND,
        NEW.created_at, COALESCE(NEW.responded_at, CURRENT_TIMESTAMP(3))));
  END IF;
END;

-- The history of today, counted once (running this again recounts it, not adds to it):
-- completions by the booking's technician now, answers to invitations. Declines and
-- answers to assignments before this migration are not recoverable from the rows (the
-- booking has moved on) and start from zero.
INSERT INTO technician_stats (user_id, completed)
  SELECT b.technician_id, COUNT(*) FROM booking_history h
  JOIN bookings b ON b.id = h.booking_id
  WHERE h.to_status = 'completed' AND b.technician_id IS NOT NULL
  GROUP BY b.technician_id
  ON DUPLICATE KEY UPDATE completed = VALUES(completed);
INSERT INTO technician_stats (user_id, responses, response_seconds)
  SELECT technician_id, COUNT(*),
    SUM(GREATEST(0, TIMESTAMPDIFF(SECOND, created_at, responded_at)))
  FROM job_invitations WHERE status <> 'Pending' AND responded_at IS NOT NULL
  GROUP BY technician_id
  ON DUPLICATE KEY UPDATE responses = VALUES(responses),
    response_seconds = VALUES(response_seconds);

-- The craftsmen of one category near a point. ix_technicians_nearby (0008) holds every
-- technician, so a search for one trade reads every bookable technician in the box and
-- probes each one's specializations; around Cairo that is thousands of index entries a
-- request. technician_reach is one row per specialization with the profile's search
-- columns copied beside it, so the recommendations read the box of one category only.
-- Kept by triggers: a specialization row inserted copies its profile; a profile changed
-- in a search column updates its rows; a specialization or a profile deleted takes its
-- rows along (the foreign keys cascade: cascaded deletes fire no trigger).
CREATE TABLE IF NOT EXISTS technician_reach (
  category          VARCHAR(40)     NOT NULL,
  user_id           BIGINT UNSIGNED NOT NULL,
  work_status       VARCHAR(10)     NOT NULL,
  verification      VARCHAR(10)     NOT NULL,
  user_bookable     TINYINT(1)      NOT NULL,
  latitude          DECIMAL(9,6)    NULL,
  longitude         DECIMAL(9,6)    NULL,
  service_radius_km SMALLINT UNSIGNED NOT NULL,
  PRIMARY KEY (category, user_id),
  KEY ix_technician_reach_user (user_id),
  KEY ix_technician_reach_near (category, verification, user_bookable, work_status,
    latitude, longitude, service_radius_km),
  CONSTRAINT fk_technician_reach_specialization FOREIGN KEY (category, user_id)
    REFERENCES technician_specializations (category, user_id) ON DELETE CASCADE,
  CONSTRAINT fk_technician_reach_profile FOREIGN KEY (user_id)
    REFERENCES technician_profiles (user_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

DROP TRIGGER IF EXISTS tr_technician_specializations_reach;
CREATE TRIGGER tr_technician_specializations_reach AFTER INSERT ON technician_specializations
FOR EACH ROW
  INSERT IGNORE INTO technician_reach (category, user_id, work_status, verification,
    user_bookable, latitude, longitude, service_radius_km)
  SELECT NEW.category, p.user_id, p.work_status, p.verification, p.user_bookable,
    p.latitude, p.longitude, p.service_radius_km
  FROM technician_profiles p WHERE p.user_id = NEW.user_id;

DROP TRIGGER IF EXISTS tr_technician_profiles_reach;
CREATE TRIGGER tr_technician_profiles_reach AFTER UPDATE ON technician_profiles
FOR EACH ROW
BEGIN
  IF OLD.work_status <> NEW.work_status OR OLD.verification <> NEW.verification
     OR OLD.user_bookable <> NEW.user_bookable
     OR NOT (OLD.latitude <=> NEW.latitude) OR NOT (OLD.longitude <=> NEW.longitude)
     OR OLD.service_radius_km <> NEW.service_radius_km THEN
    UPDATE technician_reach SET work_status = NEW.work_status,
      verification = NEW.verification, user_bookable = NEW.user_bookable,
      latitude = NEW.latitude, longitude = NEW.longitude,
      service_radius_km = NEW.service_radius_km
    WHERE user_id = NEW.user_id;
  END IF;
END;

-- The specializations of today (running this again refreshes the copies).
INSERT INTO technician_reach (category, user_id, work_status, verification,
    user_bookable, latitude, longitude, service_radius_km)
  SELECT k.category, p.user_id, p.work_status, p.verification, p.user_bookable,
    p.latitude, p.longitude, p.service_radius_km
  FROM technician_specializations k JOIN technician_profiles p ON p.user_id = k.user_id
  ON DUPLICATE KEY UPDATE work_status = VALUES(work_status),
    verification = VALUES(verification), user_bookable = VALUES(user_bookable),
    latitude = VALUES(latitude), longitude = VALUES(longitude),
    service_radius_km = VALUES(service_radius_km);
