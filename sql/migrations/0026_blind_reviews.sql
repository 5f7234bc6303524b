-- Double-blind reviews of jobs (docs/reviews.md, "Double-blind reviews of jobs").
--
-- The reveal clock starts when a job is completed: bookings.completed_at, the first time
-- a booking reached 'completed' (a dispute and its resolution do not restart it). A
-- BEFORE UPDATE trigger writes it, so every path that moves a booking (the state machine,
-- staff) sets it in the move's own statement. Bookings completed before this migration
-- take the time of their 'complete' history row (or their last change when that row is
-- missing). No index: the reveal reads the pending reviews through ix_reviews_reveal
-- (0012) and each one's booking by its primary key.
ALTER TABLE bookings
  ADD COLUMN IF NOT EXISTS completed_at DATETIME(3) NULL AFTER hired_at;

UPDATE bookings b
  SET b.completed_at = COALESCE(
        (SELECT MIN(h.created_at) FROM booking_history h
          WHERE h.booking_id = b.id AND h.to_status = 'completed'),
        b.updated_at),
      b.updated_at = b.updated_at
  WHERE b.completed_at IS NULL
    AND b.status IN ('completed', 'verified', 'payment_pending', 'paid');

DROP TRIGGER IF EXISTS tr_bookings_completed_at;
CREATE TRIGGER tr_bookings_completed_at BEFORE UPDATE ON bookings FOR EACH ROW
BEGIN
  IF NEW.status = 'completed' AND OLD.status <> 'completed' AND OLD.completed_at IS NULL THEN
    SET NEW.completed_at = CURRENT_TIMESTAMP(3);
  END IF;
END;

-- The reveal's deadline returns with the code that reads it (0019 removed the row): the
-- reveal-reviews maintenance task and the review of a job (fcgi/api/reviews.c).
INSERT INTO settings (`key`, value, is_public, description_ar, description_en) VALUES
  ('review_reveal_days', '14', 0,
   'عدد الأيام بعد انتهاء الشغلانة اللي بعدها تقييمات الطرفين بتظهر حتى لو طرف واحد بس هو اللي قيّم، وبعدها ما ينفعش حد يقيّم.',
   'Days after a job is completed when its reviews show even if only one side has reviewed; after them no side may review it.')
ON DUPLICATE KEY UPDATE description_ar = VALUES(description_ar),
  description_en = VALUES(description_en);

UPDATE cache_versions SET version = version + 1 WHERE name = 'settings';
