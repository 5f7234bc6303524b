-- Warsha foundation schema: identity, catalog, settings, audit, delivery queues.
-- All times are UTC (every connection sets time_zone = '+00:00'); DATETIME(3) keeps
-- the milliseconds the API prints. Money is BIGINT piastres. Text is utf8mb4.

CREATE TABLE governorates (
  code            VARCHAR(3)   NOT NULL,          -- ISO 3166-2:EG suffix (C, GZ, ALX...)
  name_ar         VARCHAR(64)  NOT NULL,
  name_en         VARCHAR(64)  NOT NULL,
  national_id_code CHAR(2)     NOT NULL,          -- digits 8-9 of the national ID
  sort_order      INT          NOT NULL DEFAULT 0,
  PRIMARY KEY (code),
  UNIQUE KEY uq_governorates_name_ar (name_ar),
  UNIQUE KEY uq_governorates_name_en (name_en)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE users (
  id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  email             VARCHAR(254) NOT NULL,
  phone             VARCHAR(16)  NULL,             -- +201XXXXXXXXX; NULL once anonymized
  username          VARCHAR(64)  NULL,
  password_hash     VARCHAR(255) NOT NULL,         -- scrypt MCF; never selected into responses
  role              ENUM('customer','technician','admin','moderator','corporate') NOT NULL DEFAULT 'customer',
  first_name        VARCHAR(100) NOT NULL,
  last_name         VARCHAR(100) NOT NULL,
  avatar            VARCHAR(512) NULL,
  bio               VARCHAR(2000) NULL,
  date_of_birth     DATE         NULL,
  gender            ENUM('male','female') NULL,
  address_street    VARCHAR(255) NULL,
  address_city      VARCHAR(100) NULL,
  address_governorate VARCHAR(3) NULL,
  preferred_language ENUM('ar','en') NOT NULL DEFAULT 'ar',
  car_brand         VARCHAR(64)  NULL,
  car_model         VARCHAR(64)  NULL,
  car_year          SMALLINT     NULL,
  notifications_enabled TINYINT(1) NOT NULL DEFAULT 1,
  sms_notifications     TINYINT(1) NOT NULL DEFAULT 1,
  email_notifications   TINYINT(1) NOT NULL DEFAULT 1,
  push_notifications    TINYINT(1) NOT NULL DEFAULT 1,
  settings          JSON         NULL,             -- seed 002's user settings object
  latitude          DECIMAL(9,6) NULL,
  longitude         DECIMAL(9,6) NULL,
  is_active         TINYINT(1)   NOT NULL DEFAULT 1,
  email_verified    TINYINT(1)   NOT NULL DEFAULT 0,
  phone_verified    TINYINT(1)   NOT NULL DEFAULT 0,
  is_banned         TINYINT(1)   NOT NULL DEFAULT 0,
  ban_reason        VARCHAR(500) NULL,
  banned_at         DATETIME(3)  NULL,
  banned_by         BIGINT UNSIGNED NULL,
  rating            DECIMAL(3,2) NOT NULL DEFAULT 0,
  rating_count      INT UNSIGNED NOT NULL DEFAULT 0,
  last_login        DATETIME(3)  NULL,
  deleted_at        DATETIME(3)  NULL,
  created_at        DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at        DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_users_email (email),
  UNIQUE KEY uq_users_phone (phone),
  UNIQUE KEY uq_users_username (username),
  KEY ix_users_role_active (role, is_active),
  KEY ix_users_created (created_at DESC),
  CONSTRAINT fk_users_governorate FOREIGN KEY (address_governorate) REFERENCES governorates (code),
  CONSTRAINT ck_users_settings CHECK (settings IS NULL OR JSON_VALID(settings))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Refresh tokens: 256 random bits given to the client once, stored as SHA-256 hex.
-- Every use rotates the token inside its family; presenting a rotated token again
-- revokes the whole family (DESIGN.md §4).
CREATE TABLE refresh_tokens (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id       BIGINT UNSIGNED NOT NULL,
  family_id     CHAR(32)     NOT NULL,
  token_hash    CHAR(64)     NOT NULL,
  expires_at    DATETIME(3)  NOT NULL,
  revoked_at    DATETIME(3)  NULL,
  revoke_reason ENUM('rotated','logout','reuse','banned','password','deleted') NULL,
  user_agent    VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
  ip            VARCHAR(45)  NULL,
  created_at    DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_refresh_tokens_hash (token_hash),
  KEY ix_refresh_tokens_family (family_id),
  KEY ix_refresh_tokens_user (user_id),
  KEY ix_refresh_tokens_expires (expires_at),
  CONSTRAINT fk_refresh_tokens_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- Access tokens revoked before their expiry (logout); rows die with the token.
CREATE TABLE revoked_access_tokens (
  jti         CHAR(32)    NOT NULL,
  expires_at  DATETIME(3) NOT NULL,
  PRIMARY KEY (jti),
  KEY ix_revoked_access_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- Single-use codes: email verification and password reset (long random tokens) and
-- phone OTPs (6 digits). Stored hashed; failed attempts are counted.
CREATE TABLE one_time_codes (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  user_id     BIGINT UNSIGNED NOT NULL,
  purpose     ENUM('email_verify','phone_verify','password_reset') NOT NULL,
  code_hash   CHAR(64)    NOT NULL,
  target      VARCHAR(254) NULL,                -- the email or phone the code was sent to
  attempts    INT UNSIGNED NOT NULL DEFAULT 0,
  expires_at  DATETIME(3) NOT NULL,
  used_at     DATETIME(3) NULL,
  created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_one_time_codes_hash (purpose, code_hash),
  KEY ix_one_time_codes_user (user_id, purpose, used_at),
  KEY ix_one_time_codes_expires (expires_at),
  CONSTRAINT fk_one_time_codes_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Failed logins, for the 5-per-15-minutes limit per identifier and address.
CREATE TABLE login_failures (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  identifier  VARCHAR(254) NOT NULL,
  ip          VARCHAR(45)  NOT NULL,
  created_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_login_failures_lookup (identifier, ip, created_at),
  KEY ix_login_failures_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE service_categories (
  `key`       VARCHAR(40)  NOT NULL,
  kind        ENUM('car','home') NOT NULL,
  name_ar     VARCHAR(100) NOT NULL,
  name_en     VARCHAR(100) NOT NULL,
  icon        VARCHAR(255) NULL,
  sort_order  INT          NOT NULL DEFAULT 0,
  PRIMARY KEY (`key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE services (
  id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  name_ar             VARCHAR(200) NOT NULL,
  name_en             VARCHAR(200) NOT NULL,
  description_ar      VARCHAR(4000) NOT NULL,
  description_en      VARCHAR(4000) NOT NULL,
  category            VARCHAR(40)  NOT NULL,
  sub_category        VARCHAR(100) NULL,
  duration_minutes    INT UNSIGNED NULL,
  base_price          BIGINT UNSIGNED NOT NULL DEFAULT 0,   -- piastres
  currency            CHAR(3)      NOT NULL DEFAULT 'EGP',
  is_active           TINYINT(1)   NOT NULL DEFAULT 1,
  working_hours_start CHAR(5)      NULL,                    -- HH:mm, Africa/Cairo
  working_hours_end   CHAR(5)      NULL,
  working_days        JSON         NULL,                    -- ["sunday", ...]
  emergency_available TINYINT(1)   NOT NULL DEFAULT 0,
  requires_approval   TINYINT(1)   NOT NULL DEFAULT 0,
  admin_approval_only TINYINT(1)   NOT NULL DEFAULT 0,
  images              JSON         NULL,
  icon                VARCHAR(512) NULL,
  tags                JSON         NULL,
  is_popular          TINYINT(1)   NOT NULL DEFAULT 0,
  sort_order          INT          NOT NULL DEFAULT 0,
  deleted_at          DATETIME(3)  NULL,
  created_at          DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at          DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_services_name_en (name_en, category),
  KEY ix_services_category_active (category, is_active),
  -- the list's own order: popular first, then sortOrder (descending part, MariaDB 10.8+)
  KEY ix_services_popular_sort (is_active, is_popular DESC, sort_order, id),
  KEY ix_services_price (base_price),
  CONSTRAINT fk_services_category FOREIGN KEY (category) REFERENCES service_categories (`key`),
  CONSTRAINT ck_services_days CHECK (working_days IS NULL OR JSON_VALID(working_days)),
  CONSTRAINT ck_services_images CHECK (images IS NULL OR JSON_VALID(images)),
  CONSTRAINT ck_services_tags CHECK (tags IS NULL OR JSON_VALID(tags))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE settings (
  `key`           VARCHAR(100) NOT NULL,
  value           JSON         NOT NULL,
  is_public       TINYINT(1)   NOT NULL DEFAULT 0,
  description_ar  VARCHAR(500) NULL,
  description_en  VARCHAR(500) NULL,
  updated_by      BIGINT UNSIGNED NULL,
  created_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`key`),
  CONSTRAINT ck_settings_value CHECK (JSON_VALID(value))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Version numbers of cached answers. A change bumps its row in the same transaction;
-- workers compare at most once a second and drop their cached copies when it moved.
CREATE TABLE cache_versions (
  name     VARCHAR(40)     NOT NULL,
  version  BIGINT UNSIGNED NOT NULL DEFAULT 1,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;
INSERT INTO cache_versions (name, version) VALUES ('catalog', 1), ('settings', 1);

CREATE TABLE activity_log (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  actor_id     BIGINT UNSIGNED NULL,
  actor_role   VARCHAR(20)  NULL,
  action       VARCHAR(64)  NOT NULL,            -- user.register, service.delete, ...
  target_type  VARCHAR(32)  NULL,
  target_id    VARCHAR(64)  NULL,
  details      JSON         NULL,
  ip           VARCHAR(45)  NULL,
  created_at   DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_activity_actor (actor_id, created_at),
  KEY ix_activity_target (target_type, target_id),
  KEY ix_activity_created (created_at),
  CONSTRAINT ck_activity_details CHECK (details IS NULL OR JSON_VALID(details))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Messages to deliver (email, SMS, push), written in the same transaction as the change
-- that caused them; claimed by notifiers with SELECT ... FOR UPDATE SKIP LOCKED.
CREATE TABLE outbox (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  channel          ENUM('email','sms','push') NOT NULL,
  user_id          BIGINT UNSIGNED NULL,
  recipient        VARCHAR(512) NOT NULL,        -- address, E.164 phone or device token
  template         VARCHAR(64)  NOT NULL,        -- verify_email, reset_password, phone_otp ...
  lang             ENUM('ar','en') NOT NULL DEFAULT 'ar',
  subject          VARCHAR(255) NULL,
  payload          JSON         NOT NULL,        -- template data, including any code to send
  status           ENUM('pending','sending','sent','failed','dead') NOT NULL DEFAULT 'pending',
  attempts         INT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  locked_by        VARCHAR(64)  NULL,
  locked_at        DATETIME(3)  NULL,
  last_error       VARCHAR(1000) NULL,
  sent_at          DATETIME(3)  NULL,
  created_at       DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_outbox_due (status, next_attempt_at),
  KEY ix_outbox_user (user_id, created_at),
  CONSTRAINT ck_outbox_payload CHECK (JSON_VALID(payload))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Events for WebSocket rooms (user:<id>, booking:<id>, admins), tailed by the notifier.
CREATE TABLE realtime_events (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  room        VARCHAR(64)  NOT NULL,
  event       VARCHAR(64)  NOT NULL,
  payload     JSON         NOT NULL,
  created_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY ix_realtime_events_created (created_at),
  CONSTRAINT ck_realtime_payload CHECK (JSON_VALID(payload))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
