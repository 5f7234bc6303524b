-- Technicians (docs/technicians.md): a technician is a user with role technician; the
-- work profile (specializations, experience, working areas, work status, verification,
-- service radius, current location) lives beside the user row, one row per technician.
-- Name, bio, avatar, rating and rating_count stay on users.
--
-- Applies over a table that already holds users: every technician gets a profile
-- (offline, verification pending, the location of the user row if any), and triggers
-- give one to every user who becomes a technician later (registration, a role change),
-- so every technician has exactly one profile. Every statement can run again.

CREATE TABLE IF NOT EXISTS technician_profiles (
  user_id             BIGINT UNSIGNED NOT NULL,
  -- service category keys (service_categories.key), as a JSON array; the same keys are
  -- the rows of technician_specializations, which the lists filter by
  specializations     JSON         NOT NULL DEFAULT '[]',
  experience_years    SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  -- governorate codes (governorates.code), as a JSON array, and a city
  working_governorates JSON        NOT NULL DEFAULT '[]',
  working_city        VARCHAR(100) NULL,
  work_status         VARCHAR(10)  NOT NULL DEFAULT 'offline',
  verification        VARCHAR(10)  NOT NULL DEFAULT 'pending',
  verification_reason VARCHAR(500) NULL,
  verified_at         DATETIME(3)  NULL,
  verified_by         BIGINT UNSIGNED NULL,
  service_radius_km   SMALLINT UNSIGNED NOT NULL DEFAULT 20,
  -- the user row can be booked: a technician, not deleted, active and not banned
  -- (users.list_state 'active'); kept by the triggers below, so the search near a point
  -- reads this index alone and never the users rows it leaves out
  user_bookable       TINYINT(1)   NOT NULL DEFAULT 0,
  -- the current location, as the technician last sent it (PUT /api/technicians/status)
  latitude            DECIMAL(9,6) NULL,
  longitude           DECIMAL(9,6) NULL,
  location_updated_at DATETIME(3)  NULL,
  created_at          DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at          DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (user_id),
  -- the staff list, newest first, whole or by status or by city
  KEY ix_technicians_list (created_at, user_id),
  KEY ix_technicians_list_status (work_status, created_at, user_id),
  KEY ix_technicians_list_city (working_city, created_at, user_id),
  -- who is bookable near a point: available, verified, bookable, then a latitude range
  -- of the bounding box; the longitude, the distance and the radius are checked from the
  -- index alone (docs/technicians.md)
  KEY ix_technicians_nearby (work_status, verification, user_bookable, latitude, longitude,
    service_radius_km),
  CONSTRAINT fk_technician_profiles_user FOREIGN KEY (user_id) REFERENCES users (id)
    ON DELETE CASCADE,
  CONSTRAINT ck_technician_profiles_status CHECK (work_status IN ('available','busy','offline')),
  CONSTRAINT ck_technician_profiles_verification
    CHECK (verification IN ('pending','verified','rejected')),
  CONSTRAINT ck_technician_profiles_specializations CHECK (JSON_VALID(specializations)),
  CONSTRAINT ck_technician_profiles_governorates CHECK (JSON_VALID(working_governorates))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per specialization of a technician: the lists filter by category through it.
-- created_at is the profile's, so a list of one category is newest first from the index.
CREATE TABLE IF NOT EXISTS technician_specializations (
  category    VARCHAR(40)     NOT NULL,
  user_id     BIGINT UNSIGNED NOT NULL,
  created_at  DATETIME(3)     NOT NULL,
  PRIMARY KEY (category, user_id),
  KEY ix_technician_specializations_user (user_id),
  KEY ix_technician_specializations_list (category, created_at, user_id),
  CONSTRAINT fk_technician_specializations_category FOREIGN KEY (category)
    REFERENCES service_categories (`key`),
  CONSTRAINT fk_technician_specializations_user FOREIGN KEY (user_id)
    REFERENCES technician_profiles (user_id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A user who becomes a technician gets a profile (kept when the role changes again: a
-- demoted technician is simply not listed), and the profile follows whether its user
-- can be booked.
CREATE TRIGGER IF NOT EXISTS tr_users_technician_insert AFTER INSERT ON users FOR EACH ROW
  INSERT IGNORE INTO technician_profiles (user_id, user_bookable, latitude, longitude,
    created_at)
  SELECT NEW.id, NEW.list_state = 'active', NEW.latitude, NEW.longitude, NEW.created_at
  FROM DUAL WHERE NEW.role = 'technician';

CREATE TRIGGER IF NOT EXISTS tr_users_technician_update AFTER UPDATE ON users FOR EACH ROW
BEGIN
  IF NEW.role = 'technician' AND OLD.role <> 'technician' THEN
    INSERT IGNORE INTO technician_profiles (user_id, latitude, longitude)
      VALUES (NEW.id, NEW.latitude, NEW.longitude);
  END IF;
  IF OLD.role <> NEW.role OR OLD.list_state <> NEW.list_state THEN
    UPDATE technician_profiles
      SET user_bookable = (NEW.role = 'technician' AND NEW.list_state = 'active')
      WHERE user_id = NEW.id;
  END IF;
END;

-- The technicians of today.
INSERT IGNORE INTO technician_profiles (user_id, user_bookable, latitude, longitude, created_at)
  SELECT id, list_state = 'active', latitude, longitude, created_at FROM users
  WHERE role = 'technician';
