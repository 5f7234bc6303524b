-- User lists and search at a million rows (docs/data-layer.md, "Lists"): every variant of
-- GET /api/users and GET /api/admin/users reads an index in its ORDER BY's order, names
-- are searched through FULLTEXT, and totals come from counters kept by triggers.
--
-- Applies over a table that already holds users. Every statement can run again (IF NOT
-- EXISTS, values and counters recomputed), so a run cut short is finished by the next
-- one. On a large table the backfill writes every row once and the FULLTEXT index
-- rebuilds the table once (writes to users wait for it); the recount at the end holds
-- writes to users for the length of one index scan.

-- Two columns the lists read, written from the row by the triggers below:
-- list_state, what a list filters on: deleted, banned, active (the admin list's
-- status=active: not banned, not deactivated) or inactive;
-- name_key, "first last" as a name search reads it: the Arabic letters people write
-- either way folded to one (hamza and madda forms of alef to alef, teh marbuta to heh,
-- alef maksura to yeh), harakat and tatweel removed. fcgi/store/user_lists.c folds a
-- search the same way.
-- (Not generated columns: MariaDB 10.11 reads an index holding a generated column
-- through the table rows, not the index alone, when a prepared statement runs again
-- after another one read that table's rows; the keyset lists need index-only reads.)
ALTER TABLE users
  ADD COLUMN IF NOT EXISTS list_state ENUM('active','inactive','banned','deleted') NOT NULL
    DEFAULT 'active',
  ADD COLUMN IF NOT EXISTS name_key VARCHAR(201) NOT NULL DEFAULT '';

-- The same two expressions in both triggers (MariaDB has no trigger for two events;
-- a stored function returning the ENUM crashed 10.11.19 inside a trigger).
CREATE TRIGGER IF NOT EXISTS tr_users_list_insert BEFORE INSERT ON users FOR EACH ROW
BEGIN
  SET NEW.list_state = CASE WHEN NEW.deleted_at IS NOT NULL THEN 'deleted'
    WHEN NEW.is_banned <> 0 THEN 'banned'
    WHEN NEW.is_active <> 0 THEN 'active'
    ELSE 'inactive' END;
  SET NEW.name_key = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
    REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
      CONCAT(NEW.first_name, ' ', NEW.last_name),
      'أ', 'ا'), 'إ', 'ا'), 'آ', 'ا'), 'ٱ', 'ا'), 'ة', 'ه'), 'ى', 'ي'), 'ـ', ''),
      'ً', ''), 'ٌ', ''), 'ٍ', ''), 'َ', ''), 'ُ', ''), 'ِ', ''), 'ّ', ''), 'ْ', '');
END;

CREATE TRIGGER IF NOT EXISTS tr_users_list_update BEFORE UPDATE ON users FOR EACH ROW
BEGIN
  SET NEW.list_state = CASE WHEN NEW.deleted_at IS NOT NULL THEN 'deleted'
    WHEN NEW.is_banned <> 0 THEN 'banned'
    WHEN NEW.is_active <> 0 THEN 'active'
    ELSE 'inactive' END;
  SET NEW.name_key = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
    REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
      CONCAT(NEW.first_name, ' ', NEW.last_name),
      'أ', 'ا'), 'إ', 'ا'), 'آ', 'ا'), 'ٱ', 'ا'), 'ة', 'ه'), 'ى', 'ي'), 'ـ', ''),
      'ً', ''), 'ٌ', ''), 'ٍ', ''), 'َ', ''), 'ُ', ''), 'ِ', ''), 'ّ', ''), 'ْ', '');
END;

-- The rows already there: an update of every row, which tr_users_list_update turns
-- into both columns written from the row.
UPDATE users SET name_key = '', updated_at = updated_at;

ALTER TABLE users
  -- newest first, scanned backwards (InnoDB appends the primary key, ascending; id is
  -- named so the order is written down): every status, without and with a role
  ADD INDEX IF NOT EXISTS ix_users_list (deleted_at, created_at, id),
  ADD INDEX IF NOT EXISTS ix_users_list_role (role, deleted_at, created_at, id),
  -- status=active and status=banned, without and with a role
  ADD INDEX IF NOT EXISTS ix_users_list_state (list_state, created_at, id),
  ADD INDEX IF NOT EXISTS ix_users_list_role_state (role, list_state, created_at, id),
  -- a search of one or two letters: a prefix of the (folded) first name
  ADD INDEX IF NOT EXISTS ix_users_name_key (name_key, id);

-- Name search: words of three characters or more (innodb_ft_min_token_size), Arabic and
-- Latin alike. Without stop words: "Will", "La" and "De" are names too.
SET SESSION innodb_ft_enable_stopword = OFF;
ALTER TABLE users ADD FULLTEXT INDEX IF NOT EXISTS ft_users_name_key (name_key);
SET SESSION innodb_ft_enable_stopword = ON;

-- Totals: the users of each role in each state, kept by the triggers below, so the
-- total of any role and status filter is one read of at most twenty rows.
CREATE TABLE IF NOT EXISTS user_counts (
  role   ENUM('customer','technician','admin','moderator','corporate') NOT NULL,
  state  ENUM('active','inactive','banned','deleted') NOT NULL,
  n      BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (role, state)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- A write moves a user between counters. Counter rows are touched in one order (the
-- lower key first), so a ban and an unban running side by side cannot deadlock.
CREATE TRIGGER IF NOT EXISTS tr_users_count_insert AFTER INSERT ON users FOR EACH ROW
  INSERT INTO user_counts (role, state, n) VALUES (NEW.role, NEW.list_state, 1)
  ON DUPLICATE KEY UPDATE n = n + 1;

CREATE TRIGGER IF NOT EXISTS tr_users_count_delete AFTER DELETE ON users FOR EACH ROW
  UPDATE user_counts SET n = n - 1 WHERE role = OLD.role AND state = OLD.list_state;

CREATE TRIGGER IF NOT EXISTS tr_users_count_update AFTER UPDATE ON users FOR EACH ROW
BEGIN
  IF OLD.role <> NEW.role OR OLD.list_state <> NEW.list_state THEN
    IF OLD.role + 0 < NEW.role + 0 OR
       (OLD.role = NEW.role AND OLD.list_state + 0 < NEW.list_state + 0) THEN
      UPDATE user_counts SET n = n - 1 WHERE role = OLD.role AND state = OLD.list_state;
      INSERT INTO user_counts (role, state, n) VALUES (NEW.role, NEW.list_state, 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
    ELSE
      INSERT INTO user_counts (role, state, n) VALUES (NEW.role, NEW.list_state, 1)
        ON DUPLICATE KEY UPDATE n = n + 1;
      UPDATE user_counts SET n = n - 1 WHERE role = OLD.role AND state = OLD.list_state;
    END IF;
  END IF;
END;

-- The counters from the rows, with the triggers already in place. LOCK TABLES waits for
-- every write in flight to commit and holds new ones until the count is written; the
-- triggers count every write after it. (Also the way to set them right after a bulk
-- load that bypassed the triggers.)
INSERT IGNORE INTO user_counts (role, state, n)
  SELECT r.role, s.state, 0
  FROM (SELECT 'customer' AS role UNION ALL SELECT 'technician' UNION ALL SELECT 'admin'
        UNION ALL SELECT 'moderator' UNION ALL SELECT 'corporate') r
  CROSS JOIN (SELECT 'active' AS state UNION ALL SELECT 'inactive' UNION ALL SELECT 'banned'
        UNION ALL SELECT 'deleted') s;
LOCK TABLES users READ, user_counts WRITE;
UPDATE user_counts SET n = 0;
INSERT INTO user_counts (role, state, n)
  SELECT role, list_state, COUNT(*) FROM users GROUP BY role, list_state
  ON DUPLICATE KEY UPDATE n = VALUES(n);
UNLOCK TABLES;
