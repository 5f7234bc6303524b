-- Search and geocoding (docs/search.md).
--
-- Search: services and technicians get a column of their searchable text folded the way
-- users.name_key is (0002: hamza and madda forms of alef to alef, teh marbuta to heh, alef
-- maksura to yeh, harakat and tatweel dropped), and further Arabic-Indic digits to ASCII;
-- a FULLTEXT index over it. Case and Latin accents are left to the columns' collation
-- (utf8mb4_unicode_ci compares "Café" and "cafe" as one word). Triggers write the column
-- on every write, so no path into the tables can leave it stale. fcgi/store/search.c folds
-- a query with the same rules (user_lists_fold(), the function of the users' name search).
--
-- Geocoding: the answers of the Nominatim-compatible provider, cached; a one-row clock
-- that spaces the calls to it a second apart across workers; and the governorates'
-- centroids for the answer without a provider.
--
-- Applies over tables that already hold rows; every statement can run again.

-- The one SQL form of the folding (a function, so the triggers below do not each carry
-- the chain of replacements; it returns text, unlike the ENUM that 0002 found crashing a
-- trigger). Lower-cased, so the words split the same way whatever the case.
CREATE FUNCTION IF NOT EXISTS search_fold(s TEXT CHARACTER SET utf8mb4)
  RETURNS TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DETERMINISTIC
  RETURN REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
    REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
    REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
    REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
      LOWER(COALESCE(s, '')),
      'أ', 'ا'), 'إ', 'ا'), 'آ', 'ا'), 'ٱ', 'ا'), 'ة', 'ه'), 'ى', 'ي'), 'ـ', ''),
      'ً', ''), 'ٌ', ''), 'ٍ', ''), 'َ', ''), 'ُ', ''), 'ِ', ''), 'ّ', ''), 'ْ', ''),
      '٠', '0'), '١', '1'), '٢', '2'), '٣', '3'), '٤', '4'),
      '٥', '5'), '٦', '6'), '٧', '7'), '٨', '8'), '٩', '9'),
      '۰', '0'), '۱', '1'), '۲', '2'), '۳', '3'), '۴', '4'),
      '۵', '5'), '۶', '6'), '۷', '7'), '۸', '8'), '۹', '9');

-- ---------------------------------------------------------------- services

-- names, descriptions, sub-category, tags, and the category's key and names
ALTER TABLE services ADD COLUMN IF NOT EXISTS search_key TEXT NOT NULL DEFAULT '';

CREATE TRIGGER IF NOT EXISTS tr_services_search_insert BEFORE INSERT ON services FOR EACH ROW
  SET NEW.search_key = search_fold(CONCAT_WS(' ', NEW.name_ar, NEW.name_en,
    NEW.description_ar, NEW.description_en, NEW.sub_category,
    REPLACE(NEW.category, '_', ' '),
    (SELECT CONCAT_WS(' ', c.name_ar, c.name_en) FROM service_categories c
      WHERE c.`key` = NEW.category),
    REGEXP_REPLACE(COALESCE(NEW.tags, ''), '[][",]+', ' ')));

CREATE TRIGGER IF NOT EXISTS tr_services_search_update BEFORE UPDATE ON services FOR EACH ROW
  SET NEW.search_key = search_fold(CONCAT_WS(' ', NEW.name_ar, NEW.name_en,
    NEW.description_ar, NEW.description_en, NEW.sub_category,
    REPLACE(NEW.category, '_', ' '),
    (SELECT CONCAT_WS(' ', c.name_ar, c.name_en) FROM service_categories c
      WHERE c.`key` = NEW.category),
    REGEXP_REPLACE(COALESCE(NEW.tags, ''), '[][",]+', ' ')));

UPDATE services SET search_key = '', updated_at = updated_at;

-- Without stop words, as the users' name index (0002): "on", "the" and "in" are not
-- worth much, but "La" and "De" are names, and Arabic has no list.
SET SESSION innodb_ft_enable_stopword = OFF;
ALTER TABLE services ADD FULLTEXT INDEX IF NOT EXISTS ft_services_search (search_key);
SET SESSION innodb_ft_enable_stopword = ON;

-- ---------------------------------------------------------------- technicians

-- name_key and rating are copies of the user's (kept by the users triggers below), so
-- the search reads one table: its text (name, city, the specializations' keys and names,
-- the working governorates' names) and its order (rating) sit in the profile row.
ALTER TABLE technician_profiles
  ADD COLUMN IF NOT EXISTS name_key VARCHAR(201) NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS rating DECIMAL(3,2) NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS search_key TEXT NOT NULL DEFAULT '';

CREATE TRIGGER IF NOT EXISTS tr_technician_search_insert BEFORE INSERT ON technician_profiles
  FOR EACH ROW
  SET NEW.search_key = search_fold(CONCAT_WS(' ', NEW.name_key, NEW.working_city,
    (SELECT GROUP_CONCAT(CONCAT_WS(' ', REPLACE(c.`key`, '_', ' '), c.name_ar, c.name_en)
       SEPARATOR ' ') FROM service_categories c
      WHERE JSON_CONTAINS(NEW.specializations, JSON_QUOTE(c.`key`))),
    (SELECT GROUP_CONCAT(CONCAT_WS(' ', g.name_ar, g.name_en) SEPARATOR ' ')
      FROM governorates g WHERE JSON_CONTAINS(NEW.working_governorates, JSON_QUOTE(g.code)))));

CREATE TRIGGER IF NOT EXISTS tr_technician_search_update BEFORE UPDATE ON technician_profiles
  FOR EACH ROW
  SET NEW.search_key = search_fold(CONCAT_WS(' ', NEW.name_key, NEW.working_city,
    (SELECT GROUP_CONCAT(CONCAT_WS(' ', REPLACE(c.`key`, '_', ' '), c.name_ar, c.name_en)
       SEPARATOR ' ') FROM service_categories c
      WHERE JSON_CONTAINS(NEW.specializations, JSON_QUOTE(c.`key`))),
    (SELECT GROUP_CONCAT(CONCAT_WS(' ', g.name_ar, g.name_en) SEPARATOR ' ')
      FROM governorates g WHERE JSON_CONTAINS(NEW.working_governorates, JSON_QUOTE(g.code)))));

-- The user's name and rating follow into the profile. FOLLOWS: the insert trigger of
-- 0008 has created the profile by then.
CREATE TRIGGER IF NOT EXISTS tr_users_technician_search_insert AFTER INSERT ON users
  FOR EACH ROW FOLLOWS tr_users_technician_insert
  UPDATE technician_profiles SET name_key = NEW.name_key, rating = NEW.rating
    WHERE user_id = NEW.id AND NEW.role = 'technician';

CREATE TRIGGER IF NOT EXISTS tr_users_technician_search_update AFTER UPDATE ON users
  FOR EACH ROW FOLLOWS tr_users_technician_update
  UPDATE technician_profiles SET name_key = NEW.name_key, rating = NEW.rating
    WHERE user_id = NEW.id AND NEW.role = 'technician'
      AND (OLD.name_key <> NEW.name_key COLLATE utf8mb4_bin OR OLD.rating <> NEW.rating
           OR OLD.role <> NEW.role);

UPDATE technician_profiles p JOIN users u ON u.id = p.user_id
  SET p.name_key = u.name_key, p.rating = u.rating, p.updated_at = p.updated_at;

ALTER TABLE technician_profiles
  -- no text: best rated first (scanned backwards)
  ADD INDEX IF NOT EXISTS ix_technicians_rating (rating, user_id),
  -- near a point without text: the bounding box's latitude range, every status
  ADD INDEX IF NOT EXISTS ix_technicians_geo (latitude, longitude, user_id);

SET SESSION innodb_ft_enable_stopword = OFF;
ALTER TABLE technician_profiles ADD FULLTEXT INDEX IF NOT EXISTS ft_technicians_search (search_key);
SET SESSION innodb_ft_enable_stopword = ON;

-- ---------------------------------------------------------------- geocoding

-- Each governorate's centroid (its capital), for reverse geocoding without a provider:
-- the nearest centroid names the governorate.
ALTER TABLE governorates
  ADD COLUMN IF NOT EXISTS centroid_lat DECIMAL(9,6) NULL,
  ADD COLUMN IF NOT EXISTS centroid_lng DECIMAL(9,6) NULL;

INSERT INTO governorates (code, name_ar, name_en, national_id_code, sort_order,
    centroid_lat, centroid_lng) VALUES
  ('C',   'القاهرة',         'Cairo',          '01',  1, 30.044400, 31.235700),
  ('GZ',  'الجيزة',          'Giza',           '21',  2, 30.013100, 31.208900),
  ('ALX', 'الإسكندرية',      'Alexandria',     '02',  3, 31.200100, 29.918700),
  ('ASN', 'أسوان',           'Aswan',          '28',  4, 24.088900, 32.899800),
  ('AST', 'أسيوط',           'Asyut',          '25',  5, 27.178300, 31.185900),
  ('BH',  'البحيرة',         'Beheira',        '18',  6, 31.034100, 30.468200),
  ('BNS', 'بني سويف',        'Beni Suef',      '22',  7, 29.066100, 31.099400),
  ('DK',  'الدقهلية',        'Dakahlia',       '12',  8, 31.040900, 31.378500),
  ('DT',  'دمياط',           'Damietta',       '11',  9, 31.416500, 31.813300),
  ('FYM', 'الفيوم',          'Faiyum',         '23', 10, 29.308400, 30.842800),
  ('GH',  'الغربية',         'Gharbia',        '16', 11, 30.786500, 31.000400),
  ('IS',  'الإسماعيلية',     'Ismailia',       '19', 12, 30.596500, 32.271500),
  ('KFS', 'كفر الشيخ',       'Kafr El Sheikh', '15', 13, 31.110700, 30.938800),
  ('LX',  'الأقصر',          'Luxor',          '29', 14, 25.687200, 32.639600),
  ('MT',  'مطروح',           'Matrouh',        '33', 15, 31.354300, 27.237300),
  ('MN',  'المنيا',          'Minya',          '24', 16, 28.109900, 30.750300),
  ('MNF', 'المنوفية',        'Monufia',        '17', 17, 30.552600, 31.009000),
  ('WAD', 'الوادي الجديد',   'New Valley',     '32', 18, 25.439000, 30.558600),
  ('SIN', 'شمال سيناء',      'North Sinai',    '34', 19, 31.131600, 33.798400),
  ('PTS', 'بورسعيد',         'Port Said',      '03', 20, 31.265300, 32.301900),
  ('KB',  'القليوبية',       'Qalyubia',       '14', 21, 30.466000, 31.184800),
  ('KN',  'قنا',             'Qena',           '27', 22, 26.155100, 32.716000),
  ('BA',  'البحر الأحمر',    'Red Sea',        '31', 23, 27.257900, 33.811600),
  ('SHR', 'الشرقية',         'Sharqia',        '13', 24, 30.587700, 31.502000),
  ('SHG', 'سوهاج',           'Sohag',          '26', 25, 26.559100, 31.695700),
  ('JS',  'جنوب سيناء',      'South Sinai',    '35', 26, 28.236400, 33.625400),
  ('SUZ', 'السويس',          'Suez',           '04', 27, 29.966800, 32.549800)
ON DUPLICATE KEY UPDATE centroid_lat = VALUES(centroid_lat), centroid_lng = VALUES(centroid_lng);

-- The provider's answers: kind and the query as asked (coordinates rounded to 5 decimals,
-- about a metre; an address folded and trimmed), the answer as the API shows it.
CREATE TABLE IF NOT EXISTS geocode_cache (
  kind        ENUM('reverse','forward') NOT NULL,
  query_key   VARCHAR(255) NOT NULL,
  answer      JSON         NOT NULL,
  created_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (kind, query_key),
  CONSTRAINT ck_geocode_cache_answer CHECK (JSON_VALID(answer))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- When the provider was last called: a worker locks the row, waits out the rest of the
-- second since then, writes the time and commits before it calls (at most one request a
-- second from every worker of every machine sharing the database).
CREATE TABLE IF NOT EXISTS geocode_clock (
  id         TINYINT UNSIGNED NOT NULL,
  last_call  DATETIME(3)      NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT IGNORE INTO geocode_clock (id, last_call) VALUES (1, '2000-01-01 00:00:00');
