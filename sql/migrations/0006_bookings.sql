-- Bookings: the work orders of docs/bookings.md. One row per booking, one history row
-- per move of the state machine (fcgi/domain/booking.c), and one counter row per year
-- for the booking numbers.
--
-- status holds the internal name (pending_approval ... cancelled); list_status the word
-- /api/bookings shows for it (bk_status_name(.., BK_NAMES_V0): pending_approval,
-- approved, on_way, in_progress, completed, cancelled, rejected), written by the
-- application with every status change (fcgi/store/bookings.c), so a list filtered by
-- that word reads one index range in created_at order. Plain columns, no trigger and no
-- stored function (an ENUM-returning stored function crashed MariaDB 10.11 inside a
-- trigger).
--
-- Lists are newest first, created_at then id, each variant read backwards from its own
-- index (docs/data-layer.md, "Lists").

CREATE TABLE IF NOT EXISTS bookings (
  id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  number              VARCHAR(24)  NOT NULL,                 -- BK-2026-000123
  kind                ENUM('service','job') NOT NULL DEFAULT 'service',
  customer_id         BIGINT UNSIGNED NULL,                  -- NULL: a guest's booking
  service_id          BIGINT UNSIGNED NOT NULL,
  technician_id       BIGINT UNSIGNED NULL,
  status              VARCHAR(24)  NOT NULL,
  list_status         VARCHAR(24)  NOT NULL,
  scheduled_at        DATETIME(3)  NOT NULL,                 -- UTC
  is_emergency        TINYINT(1)   NOT NULL DEFAULT 0,
  address             VARCHAR(500) NOT NULL,
  city                VARCHAR(100) NOT NULL,
  governorate         VARCHAR(100) NOT NULL,
  location_notes      VARCHAR(1000) NULL,
  latitude            DECIMAL(9,6) NULL,
  longitude           DECIMAL(9,6) NULL,
  customer_name       VARCHAR(200) NOT NULL,
  customer_phone      VARCHAR(20)  NOT NULL,                 -- +201XXXXXXXXX
  car_brand           VARCHAR(100) NULL,
  car_model           VARCHAR(100) NULL,
  car_year            SMALLINT UNSIGNED NULL,
  problem_description VARCHAR(4000) NOT NULL,
  images              JSON         NULL,
  base_price          BIGINT UNSIGNED NOT NULL DEFAULT 0,    -- piastres
  discount            BIGINT UNSIGNED NOT NULL DEFAULT 0,
  total               BIGINT UNSIGNED NOT NULL DEFAULT 0,
  currency            CHAR(3)      NOT NULL DEFAULT 'EGP',
  payment_status      VARCHAR(20)  NOT NULL DEFAULT 'unpaid',
  cancellation_reason VARCHAR(1000) NULL,
  cancellation_fee    BIGINT UNSIGNED NULL,                  -- piastres, set on cancel
  admin_notes         VARCHAR(2000) NULL,
  guest_token_hash    CHAR(64)     NULL,
  start_code_hash     CHAR(64)     NULL,                     -- sha256 hex; NULL: none (or void)
  start_code_failures TINYINT UNSIGNED NOT NULL DEFAULT 0,   -- wrong tries of this code
  created_at          DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at          DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_bookings_number (number),
  -- GET /api/bookings/my, without and with a status word
  KEY ix_bookings_customer (customer_id, created_at, id),
  KEY ix_bookings_customer_status (customer_id, list_status, created_at, id),
  -- GET /api/bookings for staff
  KEY ix_bookings_list (created_at, id),
  KEY ix_bookings_status (list_status, created_at, id),
  -- GET /api/bookings for a technician: the bookings assigned to them
  KEY ix_bookings_technician (technician_id, created_at, id),
  KEY ix_bookings_technician_status (technician_id, list_status, created_at, id),
  KEY ix_bookings_service (service_id, scheduled_at),
  CONSTRAINT fk_bookings_customer FOREIGN KEY (customer_id) REFERENCES users (id),
  CONSTRAINT fk_bookings_service FOREIGN KEY (service_id) REFERENCES services (id),
  CONSTRAINT fk_bookings_technician FOREIGN KEY (technician_id) REFERENCES users (id),
  CONSTRAINT ck_bookings_images CHECK (images IS NULL OR JSON_VALID(images))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every move of a booking, in order: who caused it, and why.
CREATE TABLE IF NOT EXISTS booking_history (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  booking_id   BIGINT UNSIGNED NOT NULL,
  from_status  VARCHAR(24)  NULL,                         -- NULL: the booking was created
  to_status    VARCHAR(24)  NOT NULL,
  event        VARCHAR(24)  NOT NULL,                     -- create, approve, assign, ...
  actor_id     BIGINT UNSIGNED NULL,
  actor_role   VARCHAR(20)  NULL,
  note         VARCHAR(2000) NULL,
  created_at   DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_booking_history_booking (booking_id, id),
  CONSTRAINT fk_booking_history_booking FOREIGN KEY (booking_id) REFERENCES bookings (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The last sequence number given out per year (BK-<year>-<seq>). Taken with
-- INSERT ... ON DUPLICATE KEY UPDATE in the transaction that inserts the booking: the
-- row lock makes concurrent bookings take consecutive numbers, and a rolled-back
-- booking gives its number back.
CREATE TABLE IF NOT EXISTS booking_numbers (
  year      SMALLINT UNSIGNED NOT NULL,
  last_seq  BIGINT UNSIGNED   NOT NULL,
  PRIMARY KEY (year)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
