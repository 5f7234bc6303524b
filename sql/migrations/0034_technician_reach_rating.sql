-- The technicians' search by trade (docs/search.md, "The technicians' search"): best
-- rated first among one category's technicians. It read every specialization row of the
-- category (about 1,400 of 10,000 technicians for a common trade), joined each profile and
-- user, checked the other words and sorted them all by rating to keep twenty. With the
-- profile's rating copied beside each specialization, in technician_reach (0025), and an
-- index in the search's order, the search reads the category's technicians best rated
-- first and stops once the page is full: about 75 rows for a trade and a city one
-- technician of the trade in four works in.
--
-- ix_technician_reach_rating (category, rating DESC, user_id): the search's order
-- (rating DESC, user_id) within one category, read forwards. ix_technician_reach_geo
-- (category, latitude, longitude, user_id): one category's technicians in the box around
-- a point, whatever their status (ix_technician_reach_near holds the bookable ones' order
-- for the recommendations; the search lists every technician).
--
-- Kept as the other copies of 0025: a specialization row inserted copies the profile's
-- rating with its search columns, a profile whose rating changes updates its rows (the
-- users triggers of 0022 write the user's rating into the profile).
--
-- Applies over tables that already hold rows; every statement can run again.
ALTER TABLE technician_reach
  ADD COLUMN IF NOT EXISTS rating DECIMAL(3,2) NOT NULL DEFAULT 0,
  ADD INDEX IF NOT EXISTS ix_technician_reach_rating (category, rating DESC, user_id),
  ADD INDEX IF NOT EXISTS ix_technician_reach_geo (category, latitude, longitude, user_id);

DROP TRIGGER IF EXISTS tr_technician_specializations_reach;
CREATE TRIGGER tr_technician_specializations_reach AFTER INSERT ON technician_specializations
FOR EACH ROW
  INSERT IGNORE INTO technician_reach (category, user_id, work_status, verification,
    user_bookable, latitude, longitude, service_radius_km, rating)
  SELECT NEW.category, p.user_id, p.work_status, p.verification, p.user_bookable,
    p.latitude, p.longitude, p.service_radius_km, p.rating
  FROM technician_profiles p WHERE p.user_id = NEW.user_id;

DROP TRIGGER IF EXISTS tr_technician_profiles_reach;
CREATE TRIGGER tr_technician_profiles_reach AFTER UPDATE ON technician_profiles
FOR EACH ROW
BEGIN
  IF OLD.work_status <> NEW.work_status OR OLD.verification <> NEW.verification
     OR OLD.user_bookable <> NEW.user_bookable
     OR NOT (OLD.latitude <=> NEW.latitude) OR NOT (OLD.longitude <=> NEW.longitude)
     OR OLD.service_radius_km <> NEW.service_radius_km OR OLD.rating <> NEW.rating THEN
    UPDATE technician_reach SET work_status = NEW.work_status,
      verification = NEW.verification, user_bookable = NEW.user_bookable,
      latitude = NEW.latitude, longitude = NEW.longitude,
      service_radius_km = NEW.service_radius_km, rating = NEW.rating
    WHERE user_id = NEW.user_id;
  END IF;
END;

-- The ratings of today.
UPDATE technician_reach r JOIN technician_profiles p ON p.user_id = r.user_id
  SET r.rating = p.rating
  WHERE r.rating <> p.rating;
