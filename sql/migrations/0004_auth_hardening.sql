-- Sessions and limits (docs/decisions.md, "Identity").
--
-- users.tokens_valid_after: access tokens issued before it no longer work. A password
-- change or reset sets it, so every other session ends at once, access tokens included.
-- Microseconds: the fresh token a password change hands back is issued after it, in
-- the same second.
--
-- rate_limits: one counter row per limit and key (an account, an address, both), read
-- and written under its row lock inside the unit of work that acts on it, so parallel
-- requests are counted one at a time. A window starts with its first count and lasts
-- the limit's window; the first count after it starts a new one.

-- InnoDB cannot add a column instantly to a table with a FULLTEXT index: users is
-- rebuilt, ft_users_name_key with it, so it is rebuilt as 0002 built it, without stop
-- words ("Will" is a name).
SET SESSION innodb_ft_enable_stopword = OFF;
ALTER TABLE users
  ADD COLUMN tokens_valid_after DATETIME(6) NULL AFTER last_login;
SET SESSION innodb_ft_enable_stopword = ON;

CREATE TABLE rate_limits (
  scope         ENUM('login','login_account','login_ip','code_guess','signup_conflict') NOT NULL,
  subject       VARCHAR(300) NOT NULL DEFAULT '',   -- user:<id> or id:<identifier>; '' when by address only
  ip            VARCHAR(45)  NOT NULL DEFAULT '',   -- '' when by subject only
  n             INT UNSIGNED NOT NULL DEFAULT 0,
  window_start  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_at       DATETIME(3)  NULL,                  -- the latest count
  PRIMARY KEY (scope, subject, ip),
  KEY ix_rate_limits_window (window_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
