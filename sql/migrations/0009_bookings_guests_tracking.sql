-- Bookings, second part (docs/bookings.md "Endpoints"): guests' emergencies and the
-- technician's position.
--
-- A guest's booking keeps only the SHA-256 of its guest token (bookings.guest_token_hash,
-- from 0006). Guest emergencies are limited per address: one counter row per address
-- and hour, taken with INSERT ... ON DUPLICATE KEY UPDATE in the creating transaction
-- (the row lock orders concurrent requests; a refused or rolled-back booking gives its
-- count back).
--
-- The lists' filters on a service and on emergencies: one index per scope (staff,
-- customer, technician) and filter, each read backwards in the lists' order
-- (created_at, id); a list takes one filter at a time (fcgi/store/bookings.c). A range
-- of scheduled days orders the list by (scheduled_at, id) instead, one index per scope.
--
-- tech_lat/tech_lng: the assigned technician's last position (PUT .../location), at
-- tech_location_at; eta_at the arrival time computed from it.
ALTER TABLE bookings
  ADD COLUMN IF NOT EXISTS tech_lat DECIMAL(9,6) NULL AFTER start_code_failures,
  ADD COLUMN IF NOT EXISTS tech_lng DECIMAL(9,6) NULL AFTER tech_lat,
  ADD COLUMN IF NOT EXISTS tech_location_at DATETIME(3) NULL AFTER tech_lng,
  ADD COLUMN IF NOT EXISTS eta_at DATETIME(3) NULL AFTER tech_location_at,
  ADD KEY IF NOT EXISTS ix_bookings_service_list (service_id, created_at, id),
  ADD KEY IF NOT EXISTS ix_bookings_emergency (is_emergency, created_at, id),
  ADD KEY IF NOT EXISTS ix_bookings_customer_service (customer_id, service_id, created_at, id),
  ADD KEY IF NOT EXISTS ix_bookings_customer_emergency (customer_id, is_emergency, created_at, id),
  ADD KEY IF NOT EXISTS ix_bookings_technician_service (technician_id, service_id, created_at, id),
  ADD KEY IF NOT EXISTS ix_bookings_technician_emergency (technician_id, is_emergency, created_at, id),
  ADD KEY IF NOT EXISTS ix_bookings_scheduled (scheduled_at, id),
  ADD KEY IF NOT EXISTS ix_bookings_customer_scheduled (customer_id, scheduled_at, id),
  ADD KEY IF NOT EXISTS ix_bookings_technician_scheduled (technician_id, scheduled_at, id);

CREATE TABLE IF NOT EXISTS booking_guest_limits (
  ip         VARCHAR(45)  NOT NULL,
  hour_start DATETIME     NOT NULL,                 -- UTC, the hour the count is for
  n          INT UNSIGNED NOT NULL,
  PRIMARY KEY (ip, hour_start),
  KEY ix_booking_guest_limits_hour (hour_start)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
