-- Generated Warsha bookings for load tests: tests/load/gen_bookings.sh feeds this file to
-- the mariadb client after setting
--   @gen_customers  how many customers (at most 1,000,000: seq_1_to_1000000)
--   @gen_bookings   how many bookings (at most 1,000,000)
--   @gen_cdomain    the customers' e-mail domain (how --delete finds them again)
--   @gen_hash       the scrypt hash of a password nobody knows, and
--   gen_govs        the governorates by slot, their capitals and weights (upto: the
--                   running sum of the weights, @gov_total: all of them); both from
--                   the SQL of tests/load/gen_lib.sh
-- The technicians are those tests/load/gen_technicians.sh made (@gen-tech.warsha.test).
-- Every generated booking's number starts with "BKG-" (real ones are BK-<year>-<seq>).
--
-- Draws are RAND with constant seeds (one seed per column): the same bookings on every
-- run against the same catalog. Statements are INSERT ... SELECT naming their columns,
-- so later migrations (new columns with defaults, indexes) do not change them.
--
-- The shape:
--   customers    100,000; the bookings per customer are skewed (a customer's slot is
--                N * r^2: the first customers have thousands, most a few); 3 % of the
--                bookings are guests' (no customer)
--   services     every active service, the first ones of the catalog (car services)
--                drawn more often; an emergency service's bookings are emergencies 70 %
--                of the time, other services' never
--   created_at   over the 2 years up to now, growing (density rising with time)
--   scheduled_at 1 hour to 10 days after creation (an emergency within 2 hours)
--   status       by where scheduled_at falls: in the future pending_approval 10 %,
--                approved 30 %, technician_assigned 30 %, accepted 20 %, cancelled 10 %;
--                within the last day on_way, arrived, in_progress or completed; older
--                completed 55 %, paid 15 %, verified 5 %, disputed 1 %, cancelled 19 %,
--                rejected 5 %
--   technician   one of the 10,000 generated technicians from assignment on (a cancelled
--                booking half the time, a rejected one never)
--   place        the governorate weights of gen_technicians.sh (Cairo, Giza, Alexandria
--                about half), a point within about 25 km of its capital

SET NAMES utf8mb4;
SET SESSION max_heap_table_size = 536870912;   -- gen_rows holds a row per booking
SET SESSION foreign_key_checks = 0;            -- every id below is drawn from its table
SET SESSION unique_checks = 0;

-- ------------------------------------------------------------------ customers
INSERT INTO users (email, phone, password_hash, role, first_name, last_name, address_city,
    address_governorate, email_verified, created_at)
SELECT CONCAT('cust', seq, '@', @gen_cdomain), NULL, @gen_hash, 'customer', 'Customer',
    CONCAT('Number ', seq), 'Cairo', 'C', 1,
    NOW(3) - INTERVAL 2 YEAR - INTERVAL (@gen_customers - seq) MINUTE
  FROM seq_1_to_1000000 WHERE seq <= @gen_customers ORDER BY seq;

CREATE TEMPORARY TABLE gen_cust (slot INT NOT NULL PRIMARY KEY, id BIGINT UNSIGNED NOT NULL,
  n INT NOT NULL) ENGINE=MEMORY;
INSERT INTO gen_cust
  SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id,
         CAST(SUBSTRING(email, 5, LOCATE('@', email) - 5) AS UNSIGNED)
  FROM users WHERE email LIKE CONCAT('cust%@', @gen_cdomain);
SET @ncust = (SELECT COUNT(*) FROM gen_cust);

CREATE TEMPORARY TABLE gen_tech (slot INT NOT NULL PRIMARY KEY, id BIGINT UNSIGNED NOT NULL)
  ENGINE=MEMORY;
INSERT INTO gen_tech
  SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id FROM users
  WHERE email LIKE '%@gen-tech.warsha.test';
SET @ntech = (SELECT COUNT(*) FROM gen_tech);

-- active services, in catalog order
CREATE TEMPORARY TABLE gen_svc (slot INT NOT NULL PRIMARY KEY, id BIGINT UNSIGNED NOT NULL,
  is_emergency TINYINT NOT NULL, base_price BIGINT NOT NULL, currency CHAR(3) NOT NULL)
  ENGINE=MEMORY;
INSERT INTO gen_svc
  SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id, is_emergency, base_price, currency
  FROM services WHERE is_active = 1 AND deleted_at IS NULL;
SET @nsvc = (SELECT COUNT(*) FROM gen_svc);

-- the statuses, by when the booking is scheduled: 'f' future, 'd' the last day, 'p' past
-- (a draw of 0-99 falls in [lo, upto); assigned: 1 a technician, 2 half the time)
CREATE TEMPORARY TABLE gen_status (phase CHAR(1) NOT NULL, lo INT NOT NULL, upto INT NOT NULL,
  status VARCHAR(24) NOT NULL, list_status VARCHAR(24) NOT NULL, assigned TINYINT NOT NULL,
  PRIMARY KEY (phase, lo)) ENGINE=MEMORY;
INSERT INTO gen_status VALUES
  ('f', 0, 10, 'pending_approval', 'pending_approval', 0),
  ('f', 10, 40, 'approved', 'approved', 0),
  ('f', 40, 70, 'technician_assigned', 'approved', 1),
  ('f', 70, 90, 'accepted', 'approved', 1),
  ('f', 90, 100, 'cancelled', 'cancelled', 2),
  ('d', 0, 25, 'on_way', 'on_way', 1), ('d', 25, 40, 'arrived', 'on_way', 1),
  ('d', 40, 70, 'in_progress', 'in_progress', 1), ('d', 70, 100, 'completed', 'completed', 1),
  ('p', 0, 55, 'completed', 'completed', 1), ('p', 55, 70, 'paid', 'completed', 1),
  ('p', 70, 75, 'verified', 'completed', 1), ('p', 75, 76, 'disputed', 'completed', 1),
  ('p', 76, 95, 'cancelled', 'cancelled', 2), ('p', 95, 100, 'rejected', 'rejected', 0);

-- ------------------------------------------------------------------ the draws
-- One row per booking, in creation order (n grows with created_at, so the insert below
-- appends to the lists' (created_at, id) indexes).
CREATE TEMPORARY TABLE gen_rows (
  n INT NOT NULL PRIMARY KEY, age_s INT NOT NULL, cust INT NOT NULL, svc INT NOT NULL,
  tech INT NOT NULL, r_emerg DOUBLE NOT NULL, r_status INT NOT NULL, r_lead DOUBLE NOT NULL,
  gov INT NOT NULL, dlat DOUBLE NOT NULL, dlng DOUBLE NOT NULL, guest TINYINT NOT NULL
) ENGINE=MEMORY;
INSERT INTO gen_rows
  SELECT seq,
         -- density rising with time: the age is 2 years times (1 - sqrt(n / N)), so n
         -- grows with created_at without a sort
         FLOOR(63072000 * (1 - SQRT(seq / @gen_bookings))),
         FLOOR(@ncust * POW(RAND(102), 2)),
         FLOOR(@nsvc * POW(RAND(103), 1.5)),
         FLOOR(@ntech * RAND(104)),
         RAND(105), FLOOR(100 * RAND(106)), RAND(107),
         FLOOR(@gov_total * RAND(108)),
         RAND(109) - 0.5, RAND(110) - 0.5,
         RAND(111) < 0.03
  FROM seq_1_to_1000000 WHERE seq <= @gen_bookings;
-- the governorate's draw to its slot: the first whose cumulative weight passes it
UPDATE gen_rows g SET g.gov = (SELECT MIN(slot) FROM gen_govs WHERE upto > g.gov);

-- ------------------------------------------------------------------ bookings
INSERT INTO bookings (number, kind, customer_id, service_id, technician_id, status,
    list_status, scheduled_at, is_emergency, address, city, governorate, latitude, longitude,
    customer_name, customer_phone, problem_description, base_price, discount, total,
    currency, payment_status, cancellation_reason, created_at, updated_at)
SELECT CONCAT('BKG-', LPAD(b.n, 7, '0')), 'service', b.customer_id, b.service_id,
    IF(st.assigned = 1 OR (st.assigned = 2 AND b.tech % 2 = 0), b.tech_id, NULL),
    st.status, st.list_status, b.scheduled_at, b.emergency,
    CONCAT(1 + b.n % 200, ' Street ', 1 + b.n % 97), v.city, v.code,
    ROUND(v.lat + b.dlat * 0.45, 6), ROUND(v.lng + b.dlng * 0.5, 6),
    IF(b.customer_id IS NULL, CONCAT('Guest ', b.n), CONCAT('Customer Number ', b.cust_n)),
    CONCAT('+2011', LPAD(IF(b.customer_id IS NULL, 90000000 + b.n % 10000000, b.cust_n), 8, '0')),
    IF(b.emergency, 'The car does not start', 'Regular service requested'),
    b.base_price, 0, b.base_price, b.currency,
    IF(st.status IN ('paid', 'verified'), 'paid', 'unpaid'),
    IF(st.status = 'cancelled', 'Plans changed', NULL),
    b.created_at, b.created_at
FROM (SELECT g.*, c.id AS customer_id, c.n AS cust_n, s.id AS service_id, t.id AS tech_id,
        s.base_price, s.currency,
        (s.is_emergency = 1 AND g.r_emerg < 0.7) AS emergency,
        NOW(3) - INTERVAL g.age_s SECOND AS created_at,
        NOW(3) - INTERVAL g.age_s SECOND + INTERVAL
          IF(s.is_emergency = 1 AND g.r_emerg < 0.7, 5 + FLOOR(g.r_lead * 115),
             60 + FLOOR(g.r_lead * 14340)) MINUTE AS scheduled_at
      FROM gen_rows g
      JOIN gen_svc s ON s.slot = g.svc
      JOIN gen_tech t ON t.slot = g.tech
      LEFT JOIN gen_cust c ON c.slot = g.cust AND g.guest = 0) b
JOIN gen_govs v ON v.slot = b.gov
JOIN gen_status st ON st.phase = IF(b.scheduled_at > NOW(3), 'f',
    IF(b.scheduled_at > NOW(3) - INTERVAL 1 DAY, 'd', 'p'))
  AND b.r_status >= st.lo AND b.r_status < st.upto
ORDER BY b.n;

SET SESSION foreign_key_checks = 1;
SET SESSION unique_checks = 1;
ANALYZE TABLE bookings;
