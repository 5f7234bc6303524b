-- The staff's queue of reported reviews (docs/reviews.md, "Moderation"): GET
-- /api/admin/reviews/reported lists the reviews with open reports, newest report
-- first; PATCH /api/admin/reviews/:id hides, restores, or dismisses the reports.
--
-- reviews.open_reports  the reports no moderator has acted on yet (report_count keeps
--                       every report ever made)
-- reviews.reported_at   the time of the newest open report; NULL when none is open, so
--                       the queue is ix_reviews_reported (reported_at, id) read
--                       backwards from its top, and a review leaves it when a moderator
--                       acts
-- review_reports.resolution, resolved_by, resolved_at
--                       what closed a report: the review was hidden, or the report was
--                       dismissed
--
-- A report opens by the trigger below, in the reporter's transaction (which holds the
-- review's row lock); a moderator's action closes every open report of the review.
ALTER TABLE reviews
  ADD COLUMN IF NOT EXISTS open_reports INT UNSIGNED NOT NULL DEFAULT 0 AFTER report_count,
  ADD COLUMN IF NOT EXISTS reported_at DATETIME(3) NULL AFTER open_reports,
  ADD INDEX IF NOT EXISTS ix_reviews_reported (reported_at, id);

ALTER TABLE review_reports
  ADD COLUMN IF NOT EXISTS resolution ENUM('hidden','dismissed') NULL AFTER reason,
  ADD COLUMN IF NOT EXISTS resolved_by BIGINT UNSIGNED NULL AFTER resolution,
  ADD COLUMN IF NOT EXISTS resolved_at DATETIME(3) NULL AFTER resolved_by;

DROP TRIGGER IF EXISTS tr_review_reports_open;
CREATE TRIGGER tr_review_reports_open AFTER INSERT ON review_reports
FOR EACH ROW
  UPDATE reviews SET open_reports = open_reports + 1,
    reported_at = GREATEST(COALESCE(reported_at, NEW.created_at), NEW.created_at),
    updated_at = updated_at
  WHERE id = NEW.review_id;

-- The reports of today are open (running this again counts them again, not adds).
UPDATE reviews r
  JOIN (SELECT review_id, COUNT(*) AS n, MAX(created_at) AS at FROM review_reports
        WHERE resolved_at IS NULL GROUP BY review_id) x ON x.review_id = r.id
  SET r.open_reports = x.n, r.reported_at = x.at, r.updated_at = r.updated_at;
