-- How many live services hold each word of the catalog (docs/search.md, "The catalog's
-- words"). A search of several words lets the rarest drive; it learnt which by counting
-- each word's live rows in ix_service_words_search up to 2,001 index entries, which cost
-- a common word about 0.7 ms, the better part of a two-word search. Here each distinct
-- word has its count, so a prefix's span is the sum over the few words it starts: one
-- short range of this table.
--
-- service_word_counts (word, live): live, how many live rows service_words holds for the
-- word. Same collation as service_words, so a prefix spans the same words in both. Kept
-- by triggers on service_words (themselves written by the triggers of 0028): a live row
-- inserted adds one, a live row deleted takes one away, a row whose live flag changes
-- moves one. A hits + 1 on a word met again is an update that leaves live alone. A word
-- no live service holds any more keeps its row at zero (the words are a vocabulary, not a
-- log: a few thousand rows).
--
-- Applies over tables that already hold rows; every statement can run again.
CREATE TABLE IF NOT EXISTS service_word_counts (
  word VARCHAR(84)  NOT NULL,
  live INT UNSIGNED NOT NULL,
  PRIMARY KEY (word)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

DROP TRIGGER IF EXISTS tr_service_words_count_insert;
CREATE TRIGGER tr_service_words_count_insert AFTER INSERT ON service_words FOR EACH ROW
  INSERT INTO service_word_counts (word, live) VALUES (NEW.word, NEW.live <> 0)
    ON DUPLICATE KEY UPDATE live = live + (NEW.live <> 0);

DROP TRIGGER IF EXISTS tr_service_words_count_delete;
CREATE TRIGGER tr_service_words_count_delete AFTER DELETE ON service_words FOR EACH ROW
  UPDATE service_word_counts SET live = live - 1 WHERE word = OLD.word AND OLD.live <> 0
    AND live > 0;

DROP TRIGGER IF EXISTS tr_service_words_count_update;
CREATE TRIGGER tr_service_words_count_update AFTER UPDATE ON service_words FOR EACH ROW
BEGIN
  IF (OLD.live <> 0) <> (NEW.live <> 0) THEN
    IF NEW.live <> 0 THEN
      INSERT INTO service_word_counts (word, live) VALUES (NEW.word, 1)
        ON DUPLICATE KEY UPDATE live = live + 1;
    ELSE
      UPDATE service_word_counts SET live = live - 1 WHERE word = NEW.word AND live > 0;
    END IF;
  END IF;
END;

-- The counts of today (running this again counts from nothing).
DELETE FROM service_word_counts;
INSERT INTO service_word_counts (word, live)
  SELECT word, SUM(live <> 0) FROM service_words GROUP BY word;
