-- Name search at a million users (docs/data-layer.md, "Names"): a table of the words of
-- every listed user's name, in the list's order, so that a search for a common first
-- name reads its first page from one index range instead of the whole FULLTEXT match set.
--
-- user_name_words holds one row per word of users.name_key (already folded: hamza and
-- madda forms of alef, teh marbuta, alef maksura, harakat and tatweel; 0002), split where
-- the FULLTEXT parser splits (ASCII other than letters, digits and _), lower-cased. Users
-- of list_state 'deleted' have no rows: no search lists them. role and list_state are
-- copied so a search's filters are read from the same index record.
--
-- PRIMARY KEY (word, created_at, user_id): one word's users newest first when scanned
-- backwards (ORDER BY created_at DESC, user_id DESC, as every list). (user_id, word):
-- a user's own words, for the other words of a search and for the triggers.
--
-- Applies over a table that already holds users; every statement can run again.
CREATE TABLE IF NOT EXISTS user_name_words (
  word        VARCHAR(201) NOT NULL,
  created_at  DATETIME(3)  NOT NULL,
  user_id     BIGINT UNSIGNED NOT NULL,
  role        ENUM('customer','technician','admin','moderator','corporate') NOT NULL,
  list_state  ENUM('active','inactive','banned','deleted') NOT NULL,
  PRIMARY KEY (word, created_at, user_id),
  KEY ix_user_name_words_user (user_id, word)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Kept by AFTER triggers (the BEFORE triggers of 0002 have written name_key and
-- list_state by then; an AFTER INSERT trigger knows the new id). The word loop is the
-- same in both; fcgi/store/user_lists.c splits a search the same way. The separators
-- are named as a class of ASCII characters: a negated class reaching to U+10FFFF is
-- compiled again on every call inside a trigger (3.7 ms a row; this one, 8 us).
CREATE TRIGGER IF NOT EXISTS tr_users_words_insert AFTER INSERT ON users FOR EACH ROW
BEGIN
  DECLARE s VARCHAR(201) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT '';
  DECLARE w VARCHAR(201) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT '';
  IF NEW.list_state <> 'deleted' THEN
    SET s = TRIM(REGEXP_REPLACE(LOWER(NEW.name_key), '[\\x00-\\x2F\\x3A-\\x40\\x5B-\\x5E\\x60\\x7B-\\x7F]+', ' '));
    WHILE s <> '' DO
      SET w = SUBSTRING_INDEX(s, ' ', 1);
      INSERT INTO user_name_words (word, created_at, user_id, role, list_state)
        VALUES (w, NEW.created_at, NEW.id, NEW.role, NEW.list_state)
        ON DUPLICATE KEY UPDATE list_state = VALUES(list_state);
      SET s = SUBSTRING(s, CHAR_LENGTH(w) + 2);
    END WHILE;
  END IF;
END;

-- A rename (or a deletion, or its undoing) writes the user's words again; a role or
-- state change rewrites the copies; any other update (a login, a setting) does nothing.
CREATE TRIGGER IF NOT EXISTS tr_users_words_update AFTER UPDATE ON users FOR EACH ROW
BEGIN
  DECLARE s VARCHAR(201) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT '';
  DECLARE w VARCHAR(201) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT '';
  IF OLD.name_key <> NEW.name_key COLLATE utf8mb4_bin OR OLD.created_at <> NEW.created_at
     OR (OLD.list_state = 'deleted') <> (NEW.list_state = 'deleted') THEN
    DELETE FROM user_name_words WHERE user_id = OLD.id;
    IF NEW.list_state <> 'deleted' THEN
      SET s = TRIM(REGEXP_REPLACE(LOWER(NEW.name_key), '[\\x00-\\x2F\\x3A-\\x40\\x5B-\\x5E\\x60\\x7B-\\x7F]+', ' '));
      WHILE s <> '' DO
        SET w = SUBSTRING_INDEX(s, ' ', 1);
        INSERT INTO user_name_words (word, created_at, user_id, role, list_state)
          VALUES (w, NEW.created_at, NEW.id, NEW.role, NEW.list_state)
          ON DUPLICATE KEY UPDATE list_state = VALUES(list_state);
        SET s = SUBSTRING(s, CHAR_LENGTH(w) + 2);
      END WHILE;
    END IF;
  ELSEIF OLD.role <> NEW.role OR OLD.list_state <> NEW.list_state THEN
    UPDATE user_name_words SET role = NEW.role, list_state = NEW.list_state
      WHERE user_id = NEW.id;
  END IF;
END;

CREATE TRIGGER IF NOT EXISTS tr_users_words_delete AFTER DELETE ON users FOR EACH ROW
  DELETE FROM user_name_words WHERE user_id = OLD.id;

-- The users already there, in one statement: each name's folded text split by a list of
-- word numbers (name_key holds at most 201 characters: at most 101 words). The triggers
-- are in place first; INSERT ... SELECT holds shared locks on the users it reads until it
-- commits, so a rename running beside it waits and then rewrites that user's words.
INSERT IGNORE INTO user_name_words (word, created_at, user_id, role, list_state)
SELECT SUBSTRING_INDEX(SUBSTRING_INDEX(u.s, ' ', n.i), ' ', -1), u.created_at, u.id, u.role,
       u.list_state
FROM (SELECT id, created_at, role, list_state,
             TRIM(REGEXP_REPLACE(LOWER(name_key), '[\\x00-\\x2F\\x3A-\\x40\\x5B-\\x5E\\x60\\x7B-\\x7F]+', ' ')) AS s
      FROM users WHERE list_state <> 'deleted') u
JOIN (SELECT t.d * 10 + o.d + 1 AS i
      FROM (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3
            UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7
            UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10) t
      CROSS JOIN (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3
            UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7
            UNION ALL SELECT 8 UNION ALL SELECT 9) o) n
  ON n.i <= 1 + CHAR_LENGTH(u.s) - CHAR_LENGTH(REPLACE(u.s, ' ', ''))
WHERE u.s <> '';
