-- The catalog's words (docs/search.md, "The catalog's words"): one row per distinct word
-- of each service's folded text, in the search's order, so that a search of one common
-- word reads its first page from one index range instead of ranking the whole FULLTEXT
-- match set, as user_name_words (0016) does for the users' names.
--
-- The words are those of services.search_key (0022: folded by search_fold(), written by
-- its BEFORE triggers), split where the FULLTEXT parser and 0016 split (ASCII other than
-- letters, digits and _), of 3 to 84 characters (innodb_ft_min_token_size and
-- innodb_ft_max_token_size: the words FULLTEXT holds). hits: how many times the word
-- occurs in the text; for one word InnoDB's relevance (term frequency times the square of
-- the word's inverse document frequency) orders the services as hits does. is_popular and
-- sort_order are the order after it, category and live (is_active, not deleted) the
-- search's filters, copied so a page is read from the index alone.
--
-- ix_service_words_search (word, live, hits DESC, is_popular DESC, sort_order,
-- service_id): one word's live services in the search's order, read forwards;
-- ix_service_words_category: the same within a category. PRIMARY KEY (service_id, word):
-- a service's own words, for the other words of a search and for the triggers. Words
-- equal under utf8mb4_unicode_ci (café, cafe) are one row, as FULLTEXT compares them.
--
-- And an index of user_name_words by role, for the technicians' search by name (at the
-- end).
--
-- Applies over tables that already hold rows; every statement can run again.
CREATE TABLE IF NOT EXISTS service_words (
  word        VARCHAR(84)     NOT NULL,
  service_id  BIGINT UNSIGNED NOT NULL,
  hits        SMALLINT UNSIGNED NOT NULL,
  is_popular  TINYINT(1)      NOT NULL,
  sort_order  INT             NOT NULL,
  category    VARCHAR(40)     NOT NULL,
  live        TINYINT(1)      NOT NULL,
  PRIMARY KEY (service_id, word),
  KEY ix_service_words_search (word, live, hits DESC, is_popular DESC, sort_order, service_id),
  KEY ix_service_words_category (word, category, live, hits DESC, is_popular DESC, sort_order,
    service_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The word loop of 0016, once for both triggers: text is search_key, already folded and
-- lower-cased by search_fold().
CREATE PROCEDURE IF NOT EXISTS service_words_write(IN sid BIGINT UNSIGNED,
    IN txt TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci, IN popular TINYINT,
    IN ord INT, IN cat VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci,
    IN lv TINYINT)
BEGIN
  DECLARE s TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT '';
  DECLARE w TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT '';
  SET s = TRIM(REGEXP_REPLACE(txt, '[\\x00-\\x2F\\x3A-\\x40\\x5B-\\x5E\\x60\\x7B-\\x7F]+', ' '));
  WHILE s <> '' DO
    SET w = SUBSTRING_INDEX(s, ' ', 1);
    IF CHAR_LENGTH(w) BETWEEN 3 AND 84 THEN
      INSERT INTO service_words (word, service_id, hits, is_popular, sort_order, category, live)
        VALUES (w, sid, 1, popular, ord, cat, lv)
        ON DUPLICATE KEY UPDATE hits = hits + 1;
    END IF;
    SET s = SUBSTRING(s, CHAR_LENGTH(w) + 2);
  END WHILE;
END;

-- AFTER triggers: the BEFORE triggers of 0022 have written search_key by then, and an
-- AFTER INSERT trigger knows the new id. A change of the text (a category's change
-- included: its key and names are in the text) writes the words again; a change of
-- popularity, order or the live flag rewrites the copies; any other update (a price)
-- leaves them. A deleted service (deleted_at, is_active 0) keeps its words, not live.
CREATE TRIGGER IF NOT EXISTS tr_services_words_insert AFTER INSERT ON services FOR EACH ROW
  CALL service_words_write(NEW.id, NEW.search_key, NEW.is_popular, NEW.sort_order,
    NEW.category, NEW.is_active = 1 AND NEW.deleted_at IS NULL);

CREATE TRIGGER IF NOT EXISTS tr_services_words_update AFTER UPDATE ON services FOR EACH ROW
BEGIN
  IF OLD.search_key <> NEW.search_key COLLATE utf8mb4_bin OR OLD.category <> NEW.category THEN
    DELETE FROM service_words WHERE service_id = OLD.id;
    CALL service_words_write(NEW.id, NEW.search_key, NEW.is_popular, NEW.sort_order,
      NEW.category, NEW.is_active = 1 AND NEW.deleted_at IS NULL);
  ELSEIF OLD.is_popular <> NEW.is_popular OR OLD.sort_order <> NEW.sort_order
     OR (OLD.is_active = 1 AND OLD.deleted_at IS NULL)
        <> (NEW.is_active = 1 AND NEW.deleted_at IS NULL) THEN
    UPDATE service_words SET is_popular = NEW.is_popular, sort_order = NEW.sort_order,
        live = (NEW.is_active = 1 AND NEW.deleted_at IS NULL)
      WHERE service_id = NEW.id;
  END IF;
END;

CREATE TRIGGER IF NOT EXISTS tr_services_words_delete AFTER DELETE ON services FOR EACH ROW
  DELETE FROM service_words WHERE service_id = OLD.id;

-- The services already there, in one statement, as 0016: each text split by a list of
-- word numbers (the sequence engine's seq_1_to_5000: search_key holds at most about
-- 9,000 characters, so at most 4,500 words), each service read first and joined the
-- numbers up to its own count of words, a range (left to itself, the optimizer joined
-- every number to every service). Each occurrence is a row counted into hits as it is
-- inserted: no temporary table holds the words (a GROUP BY of 900,000 words went to an
-- on-disk one). The table is emptied first so a second run counts from nothing; run it,
-- as every migration here, before the servers that write services start (an edit between
-- the two statements would have its words counted twice until its next edit).
DELETE FROM service_words;
INSERT INTO service_words (word, service_id, hits, is_popular, sort_order, category, live)
SELECT CAST(SUBSTRING_INDEX(SUBSTRING_INDEX(TRIM(REGEXP_REPLACE(s.search_key,
         '[\\x00-\\x2F\\x3A-\\x40\\x5B-\\x5E\\x60\\x7B-\\x7F]+', ' ')), ' ', n.seq), ' ', -1)
         AS CHAR(84) CHARACTER SET utf8mb4) COLLATE utf8mb4_unicode_ci,
       s.id, 1, s.is_popular, s.sort_order, s.category, s.is_active = 1 AND s.deleted_at IS NULL
FROM services s
STRAIGHT_JOIN seq_1_to_5000 n
  ON n.seq <= 1 + CHAR_LENGTH(TRIM(REGEXP_REPLACE(s.search_key,
         '[\\x00-\\x2F\\x3A-\\x40\\x5B-\\x5E\\x60\\x7B-\\x7F]+', ' ')))
     - CHAR_LENGTH(REPLACE(TRIM(REGEXP_REPLACE(s.search_key,
         '[\\x00-\\x2F\\x3A-\\x40\\x5B-\\x5E\\x60\\x7B-\\x7F]+', ' ')), ' ', ''))
WHERE CHAR_LENGTH(SUBSTRING_INDEX(SUBSTRING_INDEX(TRIM(REGEXP_REPLACE(s.search_key,
         '[\\x00-\\x2F\\x3A-\\x40\\x5B-\\x5E\\x60\\x7B-\\x7F]+', ' ')), ' ', n.seq), ' ', -1))
      BETWEEN 3 AND 84
ON DUPLICATE KEY UPDATE hits = hits + 1;

-- The technicians' search by name (fcgi/store/technicians.c): the technicians' words
-- only, so a name common among customers is not read through to find the few
-- technicians who bear it. Kept by the triggers of 0016 with the table.
ALTER TABLE user_name_words ADD INDEX IF NOT EXISTS ix_user_name_words_role (role, word, user_id);
