-- Reviews of bookings (docs/reviews.md): one per booking and reviewer, with an overall
-- rating and five optional category ratings, the technician's response, helpful votes
-- and reports, and a moderation status.
--
-- status: published (shown, and counted in the ratings), hidden (taken down by staff:
-- shown to its author and staff only, not counted), pending (written but not yet
-- revealed: the double-blind reviews of jobs, revealed when both sides have reviewed or
-- at visible_at; not counted until then). Only published reviews count, so a reveal or
-- a hide is one more change of the same tallies.
--
-- The tallies are exact and cost no scan: users.rating_sum / rating_count (and rating,
-- their quotient rounded to two places) for the reviewee, the same three columns on
-- services, and review_counts per star. Every write of a review changes them by its own
-- delta in its transaction, under the reviewee's row lock (fcgi/store/reviews.c).
--
-- Lists are newest first (created_at, id) within a reviewee, a service, or all of them,
-- each with and without a star filter, read backwards from their own index.

CREATE TABLE IF NOT EXISTS reviews (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  booking_id       BIGINT UNSIGNED NOT NULL,
  reviewer_id      BIGINT UNSIGNED NOT NULL,
  reviewer_role    ENUM('customer','technician') NOT NULL DEFAULT 'customer',
  reviewee_id      BIGINT UNSIGNED NOT NULL,                -- the technician (or, for a
                                                            -- technician's review, the customer)
  service_id       BIGINT UNSIGNED NULL,                    -- counted for the service when set
  rating           TINYINT UNSIGNED NOT NULL,               -- 1..5, overall
  quality          TINYINT UNSIGNED NULL,                   -- seed 004's categories, 1..5 each
  professionalism  TINYINT UNSIGNED NULL,
  communication    TINYINT UNSIGNED NULL,
  punctuality      TINYINT UNSIGNED NULL,
  value_for_money  TINYINT UNSIGNED NULL,
  comment          VARCHAR(2000) NULL,
  is_recommended   TINYINT(1)   NULL,
  response         VARCHAR(2000) NULL,                      -- the reviewee's answer
  response_at      DATETIME(3)  NULL,
  helpful_count    INT UNSIGNED NOT NULL DEFAULT 0,
  report_count     INT UNSIGNED NOT NULL DEFAULT 0,
  status           ENUM('pending','published','hidden') NOT NULL DEFAULT 'published',
  visible_at       DATETIME(3)  NULL,                       -- pending: revealed at the latest then
  hidden_by        BIGINT UNSIGNED NULL,
  hidden_at        DATETIME(3)  NULL,
  created_at       DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at       DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uq_reviews_booking_reviewer (booking_id, reviewer_id),
  -- GET /api/reviews/technician/:id, /api/user/:id/reviews, /api/review?professionalId=
  KEY ix_reviews_reviewee (reviewee_id, status, created_at, id),
  KEY ix_reviews_reviewee_rating (reviewee_id, status, rating, created_at, id),
  -- GET /api/reviews/service/:id
  KEY ix_reviews_service (service_id, status, created_at, id),
  KEY ix_reviews_service_rating (service_id, status, rating, created_at, id),
  -- GET /api/review: every published review
  KEY ix_reviews_list (status, created_at, id),
  KEY ix_reviews_list_rating (status, rating, created_at, id),
  -- the reviews a user wrote (GET /api/user/:id/reviews?written=true)
  KEY ix_reviews_reviewer (reviewer_id, created_at, id),
  -- the double-blind reveal: pending reviews by their time
  KEY ix_reviews_reveal (status, visible_at),
  CONSTRAINT fk_reviews_booking FOREIGN KEY (booking_id) REFERENCES bookings (id),
  CONSTRAINT fk_reviews_reviewer FOREIGN KEY (reviewer_id) REFERENCES users (id),
  CONSTRAINT fk_reviews_reviewee FOREIGN KEY (reviewee_id) REFERENCES users (id),
  CONSTRAINT fk_reviews_service FOREIGN KEY (service_id) REFERENCES services (id),
  CONSTRAINT ck_reviews_rating CHECK (rating BETWEEN 1 AND 5),
  CONSTRAINT ck_reviews_categories CHECK (
    (quality IS NULL OR quality BETWEEN 1 AND 5) AND
    (professionalism IS NULL OR professionalism BETWEEN 1 AND 5) AND
    (communication IS NULL OR communication BETWEEN 1 AND 5) AND
    (punctuality IS NULL OR punctuality BETWEEN 1 AND 5) AND
    (value_for_money IS NULL OR value_for_money BETWEEN 1 AND 5))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One helpful vote per user and review. No foreign key to users: the vote's statement
-- runs under the review's row lock, and a shared lock on the voter's row taken by a
-- foreign key check could close a cycle with a rating update of that user (users are
-- never deleted, only marked).
CREATE TABLE IF NOT EXISTS review_helpful_votes (
  review_id   BIGINT UNSIGNED NOT NULL,
  user_id     BIGINT UNSIGNED NOT NULL,
  created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (review_id, user_id),
  KEY ix_review_helpful_votes_user (user_id),
  CONSTRAINT fk_review_helpful_votes_review FOREIGN KEY (review_id) REFERENCES reviews (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- One report per user and review, with its reason (the same lock note as the votes).
CREATE TABLE IF NOT EXISTS review_reports (
  review_id   BIGINT UNSIGNED NOT NULL,
  user_id     BIGINT UNSIGNED NOT NULL,
  reason      VARCHAR(500) NOT NULL,
  created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (review_id, user_id),
  KEY ix_review_reports_user (user_id),
  CONSTRAINT fk_review_reports_review FOREIGN KEY (review_id) REFERENCES reviews (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Published reviews per star of a reviewee (target 'user') or a service: the
-- distribution of a list and the total of a list filtered by a star, one primary-key
-- read each.
CREATE TABLE IF NOT EXISTS review_counts (
  target     ENUM('user','service') NOT NULL,
  target_id  BIGINT UNSIGNED  NOT NULL,
  stars      TINYINT UNSIGNED NOT NULL,
  n          INT UNSIGNED     NOT NULL,
  PRIMARY KEY (target, target_id, stars)
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

-- The exact sums beside the rounded averages: users had rating and rating_count; the
-- sum is taken from them for rows that already carry a rating. Services get all three.
-- ix_users_technician_rating serves the staff's technicians list by rating (best first).
--
-- InnoDB cannot add a column instantly to a table with a FULLTEXT index: users is
-- rebuilt, ft_users_name_key with it, so it is rebuilt as 0002 built it, without stop
-- words ("Will" is a name).
SET SESSION innodb_ft_enable_stopword = OFF;
ALTER TABLE users
  ADD COLUMN IF NOT EXISTS rating_sum BIGINT UNSIGNED NOT NULL DEFAULT 0 AFTER rating_count,
  ADD INDEX IF NOT EXISTS ix_users_technician_rating (role, deleted_at, rating, id);
SET SESSION innodb_ft_enable_stopword = ON;
UPDATE users SET rating_sum = ROUND(rating * rating_count), updated_at = updated_at
  WHERE rating_count > 0 AND rating_sum = 0;

ALTER TABLE services
  ADD COLUMN IF NOT EXISTS rating DECIMAL(3,2) NOT NULL DEFAULT 0 AFTER sort_order,
  ADD COLUMN IF NOT EXISTS rating_count INT UNSIGNED NOT NULL DEFAULT 0 AFTER rating,
  ADD COLUMN IF NOT EXISTS rating_sum BIGINT UNSIGNED NOT NULL DEFAULT 0 AFTER rating_count;
