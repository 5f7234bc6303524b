-- Totals of the booking lists (GET /api/bookings, /api/bookings/my, a technician's
-- bookings) from counters kept by triggers, so a list's total is one row or a range of
-- day rows, never a count of up to 10,000 index entries (docs/bookings.md, "Lists").
--
-- booking_list_days: every booking, per filter and value, per UTC day of its creation
--   (scheduled: per UTC day of its scheduled time). The staff's lists sum the days of
--   their range (the whole list: every day so far, one row a day); the `from`/`to`
--   and `scheduledFrom`/`scheduledTo` filters are whole UTC days, so the sum is exact.
--     filter 'none'       value ''
--            'status'     value the list word (list_status)
--            'service'    value the service id (bookings without one have no row)
--            'emergency'  value '0' or '1'
--            'scheduled'  value ''   (day: the scheduled day)
-- booking_list_counts: per customer and per assigned technician, per filter and value
--   (the same words), undated: the lists of one customer or technician without a date
--   range read one row. With a range they count their own index (a customer's or a
--   technician's bookings: thousands at most).
--
-- Every booking write touches the rows of its keys (an insert: up to 13 rows; a status
-- change: two of each scope it is in; an assignment: the technician's four). Writes of
-- one day and value serialise on that row for the length of their transaction, as
-- booking_daily_stats (0018) makes them already.
CREATE TABLE IF NOT EXISTS booking_list_days (
  filter  ENUM('none','status','service','emergency','scheduled') NOT NULL,
  value   VARCHAR(24) NOT NULL,
  day     DATE        NOT NULL,
  n       BIGINT      NOT NULL DEFAULT 0,
  PRIMARY KEY (filter, value, day)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

CREATE TABLE IF NOT EXISTS booking_list_counts (
  scope    ENUM('customer','technician') NOT NULL,
  owner_id BIGINT UNSIGNED NOT NULL,
  filter   ENUM('none','status','service','emergency') NOT NULL,
  value    VARCHAR(24) NOT NULL,
  n        BIGINT      NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, owner_id, filter, value)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- Plain VALUES lists under IF (a derived table of UNIONs would be materialised for every
-- row written).
CREATE TRIGGER IF NOT EXISTS tr_bookings_lists_insert AFTER INSERT ON bookings FOR EACH ROW
BEGIN
  INSERT INTO booking_list_days (filter, value, day, n) VALUES
    ('none', '', DATE(NEW.created_at), 1),
    ('status', NEW.list_status, DATE(NEW.created_at), 1),
    ('emergency', NEW.is_emergency, DATE(NEW.created_at), 1),
    ('scheduled', '', DATE(NEW.scheduled_at), 1)
  ON DUPLICATE KEY UPDATE n = n + 1;
  IF NEW.service_id IS NOT NULL THEN
    INSERT INTO booking_list_days (filter, value, day, n)
      VALUES ('service', NEW.service_id, DATE(NEW.created_at), 1)
    ON DUPLICATE KEY UPDATE n = n + 1;
  END IF;
  IF NEW.customer_id IS NOT NULL THEN
    INSERT INTO booking_list_counts (scope, owner_id, filter, value, n) VALUES
      ('customer', NEW.customer_id, 'none', '', 1),
      ('customer', NEW.customer_id, 'status', NEW.list_status, 1),
      ('customer', NEW.customer_id, 'emergency', NEW.is_emergency, 1)
    ON DUPLICATE KEY UPDATE n = n + 1;
    IF NEW.service_id IS NOT NULL THEN
      INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
        VALUES ('customer', NEW.customer_id, 'service', NEW.service_id, 1)
      ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
  END IF;
  IF NEW.technician_id IS NOT NULL THEN
    INSERT INTO booking_list_counts (scope, owner_id, filter, value, n) VALUES
      ('technician', NEW.technician_id, 'none', '', 1),
      ('technician', NEW.technician_id, 'status', NEW.list_status, 1),
      ('technician', NEW.technician_id, 'emergency', NEW.is_emergency, 1)
    ON DUPLICATE KEY UPDATE n = n + 1;
    IF NEW.service_id IS NOT NULL THEN
      INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
        VALUES ('technician', NEW.technician_id, 'service', NEW.service_id, 1)
      ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
  END IF;
END;

CREATE TRIGGER IF NOT EXISTS tr_bookings_lists_delete AFTER DELETE ON bookings FOR EACH ROW
BEGIN
  UPDATE booking_list_days SET n = n - 1
    WHERE filter = 'none' AND value = '' AND day = DATE(OLD.created_at);
  UPDATE booking_list_days SET n = n - 1
    WHERE filter = 'status' AND value = CONVERT(OLD.list_status USING ascii) AND day = DATE(OLD.created_at);
  UPDATE booking_list_days SET n = n - 1
    WHERE filter = 'service' AND value = CONVERT(OLD.service_id USING ascii) AND day = DATE(OLD.created_at);
  UPDATE booking_list_days SET n = n - 1
    WHERE filter = 'emergency' AND value = CONVERT(OLD.is_emergency USING ascii) AND day = DATE(OLD.created_at);
  UPDATE booking_list_days SET n = n - 1
    WHERE filter = 'scheduled' AND value = '' AND day = DATE(OLD.scheduled_at);
  IF OLD.customer_id IS NOT NULL THEN
    UPDATE booking_list_counts SET n = n - 1
      WHERE scope = 'customer' AND owner_id = OLD.customer_id AND filter = 'none' AND value = '';
    UPDATE booking_list_counts SET n = n - 1
      WHERE scope = 'customer' AND owner_id = OLD.customer_id AND filter = 'status' AND value = CONVERT(OLD.list_status USING ascii);
    UPDATE booking_list_counts SET n = n - 1
      WHERE scope = 'customer' AND owner_id = OLD.customer_id AND filter = 'service' AND value = CONVERT(OLD.service_id USING ascii);
    UPDATE booking_list_counts SET n = n - 1
      WHERE scope = 'customer' AND owner_id = OLD.customer_id AND filter = 'emergency' AND value = CONVERT(OLD.is_emergency USING ascii);
  END IF;
  IF OLD.technician_id IS NOT NULL THEN
    UPDATE booking_list_counts SET n = n - 1
      WHERE scope = 'technician' AND owner_id = OLD.technician_id AND filter = 'none' AND value = '';
    UPDATE booking_list_counts SET n = n - 1
      WHERE scope = 'technician' AND owner_id = OLD.technician_id AND filter = 'status' AND value = CONVERT(OLD.list_status USING ascii);
    UPDATE booking_list_counts SET n = n - 1
      WHERE scope = 'technician' AND owner_id = OLD.technician_id AND filter = 'service' AND value = CONVERT(OLD.service_id USING ascii);
    UPDATE booking_list_counts SET n = n - 1
      WHERE scope = 'technician' AND owner_id = OLD.technician_id AND filter = 'emergency' AND value = CONVERT(OLD.is_emergency USING ascii);
  END IF;
END;

-- An update moves the booking between the rows whose key changed: the old one down, the
-- new one up (a status change: its status rows; an assignment: the technician's rows).
-- Values are compared in the counters' character set (CONVERT ... USING ascii), so each
-- statement reads one row of the primary key.
CREATE TRIGGER IF NOT EXISTS tr_bookings_lists_update AFTER UPDATE ON bookings FOR EACH ROW
BEGIN
  DECLARE od, nd DATE;
  DECLARE m_day, m_status, m_service, m_emergency BOOLEAN;
  SET od = DATE(OLD.created_at), nd = DATE(NEW.created_at);
  SET m_day = NOT (od <=> nd);
  SET m_status = m_day OR OLD.list_status <> NEW.list_status;
  SET m_service = m_day OR NOT (OLD.service_id <=> NEW.service_id);
  SET m_emergency = m_day OR OLD.is_emergency <> NEW.is_emergency;
  IF m_day THEN
    UPDATE booking_list_days SET n = n - 1
      WHERE filter = 'none' AND value = '' AND day = od;
    INSERT INTO booking_list_days (filter, value, day, n) VALUES ('none', '', nd, 1)
      ON DUPLICATE KEY UPDATE n = n + 1;
  END IF;
  IF m_status THEN
    UPDATE booking_list_days SET n = n - 1
      WHERE filter = 'status' AND value = CONVERT(OLD.list_status USING ascii) AND day = od;
    INSERT INTO booking_list_days (filter, value, day, n) VALUES ('status', NEW.list_status, nd, 1)
      ON DUPLICATE KEY UPDATE n = n + 1;
  END IF;
  IF m_service AND OLD.service_id IS NOT NULL THEN
    UPDATE booking_list_days SET n = n - 1
      WHERE filter = 'service' AND value = CONVERT(OLD.service_id USING ascii) AND day = od;
  END IF;
  IF m_service AND NEW.service_id IS NOT NULL THEN
    INSERT INTO booking_list_days (filter, value, day, n) VALUES ('service', NEW.service_id, nd, 1)
      ON DUPLICATE KEY UPDATE n = n + 1;
  END IF;
  IF m_emergency THEN
    UPDATE booking_list_days SET n = n - 1
      WHERE filter = 'emergency' AND value = CONVERT(OLD.is_emergency USING ascii) AND day = od;
    INSERT INTO booking_list_days (filter, value, day, n) VALUES ('emergency', NEW.is_emergency, nd, 1)
      ON DUPLICATE KEY UPDATE n = n + 1;
  END IF;
  IF NOT (DATE(OLD.scheduled_at) <=> DATE(NEW.scheduled_at)) THEN
    IF OLD.scheduled_at IS NOT NULL THEN
      UPDATE booking_list_days SET n = n - 1
        WHERE filter = 'scheduled' AND value = '' AND day = DATE(OLD.scheduled_at);
    END IF;
    IF NEW.scheduled_at IS NOT NULL THEN
      INSERT INTO booking_list_days (filter, value, day, n) VALUES ('scheduled', '', DATE(NEW.scheduled_at), 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
  END IF;
  -- the customer's rows: all four when the booking changed customers, else those whose value did
  IF NOT (OLD.customer_id <=> NEW.customer_id) THEN
    IF OLD.customer_id IS NOT NULL THEN
      UPDATE booking_list_counts SET n = n - 1
        WHERE scope = 'customer' AND owner_id = OLD.customer_id AND filter = 'none' AND value = '';
      UPDATE booking_list_counts SET n = n - 1
        WHERE scope = 'customer' AND owner_id = OLD.customer_id AND filter = 'status' AND value = CONVERT(OLD.list_status USING ascii);
      UPDATE booking_list_counts SET n = n - 1
        WHERE scope = 'customer' AND owner_id = OLD.customer_id AND filter = 'service' AND value = CONVERT(OLD.service_id USING ascii);
      UPDATE booking_list_counts SET n = n - 1
        WHERE scope = 'customer' AND owner_id = OLD.customer_id AND filter = 'emergency' AND value = CONVERT(OLD.is_emergency USING ascii);
    END IF;
    IF NEW.customer_id IS NOT NULL THEN
      INSERT INTO booking_list_counts (scope, owner_id, filter, value, n) VALUES
        ('customer', NEW.customer_id, 'none', '', 1),
        ('customer', NEW.customer_id, 'status', NEW.list_status, 1),
        ('customer', NEW.customer_id, 'emergency', NEW.is_emergency, 1)
      ON DUPLICATE KEY UPDATE n = n + 1;
      IF NEW.service_id IS NOT NULL THEN
        INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
          VALUES ('customer', NEW.customer_id, 'service', NEW.service_id, 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
      END IF;
    END IF;
  ELSEIF NEW.customer_id IS NOT NULL THEN
    IF OLD.list_status <> NEW.list_status THEN
      UPDATE booking_list_counts SET n = n - 1
        WHERE scope = 'customer' AND owner_id = OLD.customer_id AND filter = 'status' AND value = CONVERT(OLD.list_status USING ascii);
      INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
        VALUES ('customer', NEW.customer_id, 'status', NEW.list_status, 1) ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
    IF NOT (OLD.service_id <=> NEW.service_id) THEN
      IF OLD.service_id IS NOT NULL THEN
        UPDATE booking_list_counts SET n = n - 1
          WHERE scope = 'customer' AND owner_id = OLD.customer_id AND filter = 'service' AND value = CONVERT(OLD.service_id USING ascii);
      END IF;
      IF NEW.service_id IS NOT NULL THEN
        INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
          VALUES ('customer', NEW.customer_id, 'service', NEW.service_id, 1) ON DUPLICATE KEY UPDATE n = n + 1;
      END IF;
    END IF;
    IF OLD.is_emergency <> NEW.is_emergency THEN
      UPDATE booking_list_counts SET n = n - 1
        WHERE scope = 'customer' AND owner_id = OLD.customer_id AND filter = 'emergency' AND value = CONVERT(OLD.is_emergency USING ascii);
      INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
        VALUES ('customer', NEW.customer_id, 'emergency', NEW.is_emergency, 1) ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
  END IF;
  -- the technician's rows: all four when the booking changed technicians, else those whose value did
  IF NOT (OLD.technician_id <=> NEW.technician_id) THEN
    IF OLD.technician_id IS NOT NULL THEN
      UPDATE booking_list_counts SET n = n - 1
        WHERE scope = 'technician' AND owner_id = OLD.technician_id AND filter = 'none' AND value = '';
      UPDATE booking_list_counts SET n = n - 1
        WHERE scope = 'technician' AND owner_id = OLD.technician_id AND filter = 'status' AND value = CONVERT(OLD.list_status USING ascii);
      UPDATE booking_list_counts SET n = n - 1
        WHERE scope = 'technician' AND owner_id = OLD.technician_id AND filter = 'service' AND value = CONVERT(OLD.service_id USING ascii);
      UPDATE booking_list_counts SET n = n - 1
        WHERE scope = 'technician' AND owner_id = OLD.technician_id AND filter = 'emergency' AND value = CONVERT(OLD.is_emergency USING ascii);
    END IF;
    IF NEW.technician_id IS NOT NULL THEN
      INSERT INTO booking_list_counts (scope, owner_id, filter, value, n) VALUES
        ('technician', NEW.technician_id, 'none', '', 1),
        ('technician', NEW.technician_id, 'status', NEW.list_status, 1),
        ('technician', NEW.technician_id, 'emergency', NEW.is_emergency, 1)
      ON DUPLICATE KEY UPDATE n = n + 1;
      IF NEW.service_id IS NOT NULL THEN
        INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
          VALUES ('technician', NEW.technician_id, 'service', NEW.service_id, 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
      END IF;
    END IF;
  ELSEIF NEW.technician_id IS NOT NULL THEN
    IF OLD.list_status <> NEW.list_status THEN
      UPDATE booking_list_counts SET n = n - 1
        WHERE scope = 'technician' AND owner_id = OLD.technician_id AND filter = 'status' AND value = CONVERT(OLD.list_status USING ascii);
      INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
        VALUES ('technician', NEW.technician_id, 'status', NEW.list_status, 1) ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
    IF NOT (OLD.service_id <=> NEW.service_id) THEN
      IF OLD.service_id IS NOT NULL THEN
        UPDATE booking_list_counts SET n = n - 1
          WHERE scope = 'technician' AND owner_id = OLD.technician_id AND filter = 'service' AND value = CONVERT(OLD.service_id USING ascii);
      END IF;
      IF NEW.service_id IS NOT NULL THEN
        INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
          VALUES ('technician', NEW.technician_id, 'service', NEW.service_id, 1) ON DUPLICATE KEY UPDATE n = n + 1;
      END IF;
    END IF;
    IF OLD.is_emergency <> NEW.is_emergency THEN
      UPDATE booking_list_counts SET n = n - 1
        WHERE scope = 'technician' AND owner_id = OLD.technician_id AND filter = 'emergency' AND value = CONVERT(OLD.is_emergency USING ascii);
      INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
        VALUES ('technician', NEW.technician_id, 'emergency', NEW.is_emergency, 1) ON DUPLICATE KEY UPDATE n = n + 1;
    END IF;
  END IF;
END;

-- The counters from the rows, with the triggers already in place (as user_counts in
-- 0002: LOCK TABLES holds writes until they are written; the same statements set them
-- right after a bulk load that bypassed the triggers).
LOCK TABLES bookings READ, booking_list_days WRITE, booking_list_counts WRITE;
DELETE FROM booking_list_days;
INSERT INTO booking_list_days (filter, value, day, n)
  SELECT 'none', '', DATE(created_at), COUNT(*) FROM bookings GROUP BY DATE(created_at);
INSERT INTO booking_list_days (filter, value, day, n)
  SELECT 'status', list_status, DATE(created_at), COUNT(*) FROM bookings
  GROUP BY list_status, DATE(created_at);
INSERT INTO booking_list_days (filter, value, day, n)
  SELECT 'service', service_id, DATE(created_at), COUNT(*) FROM bookings
  WHERE service_id IS NOT NULL GROUP BY service_id, DATE(created_at);
INSERT INTO booking_list_days (filter, value, day, n)
  SELECT 'emergency', is_emergency, DATE(created_at), COUNT(*) FROM bookings
  GROUP BY is_emergency, DATE(created_at);
INSERT INTO booking_list_days (filter, value, day, n)
  SELECT 'scheduled', '', DATE(scheduled_at), COUNT(*) FROM bookings
  WHERE scheduled_at IS NOT NULL GROUP BY DATE(scheduled_at);
DELETE FROM booking_list_counts;
INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
  SELECT 'customer', customer_id, 'none', '', COUNT(*) FROM bookings
  WHERE customer_id IS NOT NULL GROUP BY customer_id;
INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
  SELECT 'customer', customer_id, 'status', list_status, COUNT(*) FROM bookings
  WHERE customer_id IS NOT NULL GROUP BY customer_id, list_status;
INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
  SELECT 'customer', customer_id, 'service', service_id, COUNT(*) FROM bookings
  WHERE customer_id IS NOT NULL AND service_id IS NOT NULL GROUP BY customer_id, service_id;
INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
  SELECT 'customer', customer_id, 'emergency', is_emergency, COUNT(*) FROM bookings
  WHERE customer_id IS NOT NULL GROUP BY customer_id, is_emergency;
INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
  SELECT 'technician', technician_id, 'none', '', COUNT(*) FROM bookings
  WHERE technician_id IS NOT NULL GROUP BY technician_id;
INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
  SELECT 'technician', technician_id, 'status', list_status, COUNT(*) FROM bookings
  WHERE technician_id IS NOT NULL GROUP BY technician_id, list_status;
INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
  SELECT 'technician', technician_id, 'service', service_id, COUNT(*) FROM bookings
  WHERE technician_id IS NOT NULL AND service_id IS NOT NULL
  GROUP BY technician_id, service_id;
INSERT INTO booking_list_counts (scope, owner_id, filter, value, n)
  SELECT 'technician', technician_id, 'emergency', is_emergency, COUNT(*) FROM bookings
  WHERE technician_id IS NOT NULL GROUP BY technician_id, is_emergency;
UNLOCK TABLES;
