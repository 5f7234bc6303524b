-- Generated Warsha users for load tests: tests/load/gen_users.sh feeds this file to
-- the mariadb client after setting
--   @gen_count   how many users (at most 1,000,000: the seq_1_to_1000000 table)
--   @gen_hash    the scrypt hash of a password nobody knows (tests/load/gen_lib.sh)
-- Every generated user has an e-mail at @gen.warsha.test, which is how gen_users.sh
-- --delete finds them again. They all share one scrypt hash of a password nobody
-- knows, so none of them can sign in.
--
-- Two statements do the work: one draws the random numbers (RAND with a constant
-- seed: the same users on every run), one turns them into users with INSERT ...
-- SELECT naming its columns, so later migrations (new columns with defaults, new
-- indexes, triggers on users) do not change it.

SET NAMES utf8mb4;
SET SESSION max_heap_table_size = 268435456;   -- the MEMORY tables below hold a row per user

-- ------------------------------------------------------------------ names
-- Common Egyptian given names (m, f) and family names (l), each in Arabic script and
-- in its usual Latin transliteration; slug is the transliteration as e-mails and
-- usernames write it. weight: how often the name is drawn, out of about 100,000 per
-- list; weights of 1-3 make rare names that a search finds only a few times.
CREATE TEMPORARY TABLE gen_names (
  id     INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind   CHAR(1)      NOT NULL,
  ar     VARCHAR(40)  NOT NULL,
  en     VARCHAR(40)  NOT NULL,
  slug   VARCHAR(40)  NOT NULL DEFAULT '',
  weight INT UNSIGNED NOT NULL
) ENGINE=MEMORY DEFAULT CHARSET=utf8mb4;

INSERT INTO gen_names (kind, ar, en, weight) VALUES
  ('m', 'محمد', 'Mohamed', 14000), ('m', 'محمد', 'Mohammed', 2500),
  ('m', 'أحمد', 'Ahmed', 9000), ('m', 'أحمد', 'Ahmad', 1000),
  ('m', 'محمود', 'Mahmoud', 6000), ('m', 'مصطفى', 'Mostafa', 5000),
  ('m', 'علي', 'Ali', 4500), ('m', 'عمر', 'Omar', 3500),
  ('m', 'يوسف', 'Youssef', 3500), ('m', 'حسن', 'Hassan', 3000),
  ('m', 'حسين', 'Hussein', 2500), ('m', 'إبراهيم', 'Ibrahim', 3000),
  ('m', 'خالد', 'Khaled', 3000), ('m', 'طارق', 'Tarek', 2200),
  ('m', 'عمرو', 'Amr', 2200), ('m', 'كريم', 'Karim', 2200),
  ('m', 'شريف', 'Sherif', 1800), ('m', 'هاني', 'Hany', 1500),
  ('m', 'وليد', 'Walid', 1800), ('m', 'أيمن', 'Ayman', 1500),
  ('m', 'أسامة', 'Osama', 1800), ('m', 'إسلام', 'Islam', 1500),
  ('m', 'حسام', 'Hossam', 1500), ('m', 'تامر', 'Tamer', 1500),
  ('m', 'وائل', 'Wael', 1300), ('m', 'أشرف', 'Ashraf', 1300),
  ('m', 'عادل', 'Adel', 1200), ('m', 'سمير', 'Samir', 1000),
  ('m', 'سيد', 'Sayed', 1500), ('m', 'جمال', 'Gamal', 1100),
  ('m', 'مجدي', 'Magdy', 1000), ('m', 'عماد', 'Emad', 1000),
  ('m', 'رامي', 'Ramy', 1000), ('m', 'سامح', 'Sameh', 900),
  ('m', 'هشام', 'Hesham', 1200), ('m', 'نادر', 'Nader', 800),
  ('m', 'مينا', 'Mina', 1500), ('m', 'بيشوي', 'Bishoy', 700),
  ('m', 'بيتر', 'Peter', 600), ('m', 'فادي', 'Fady', 800),
  ('m', 'زياد', 'Ziad', 1200), ('m', 'عبدالرحمن', 'Abdelrahman', 2000),
  ('m', 'عبدالله', 'Abdallah', 1500), ('m', 'سعيد', 'Saeed', 900),
  ('m', 'رضا', 'Reda', 800), ('m', 'فتحي', 'Fathy', 700),
  ('m', 'شادي', 'Shady', 800), ('m', 'باسم', 'Bassem', 700),
  ('m', 'إيهاب', 'Ehab', 800), ('m', 'مدحت', 'Medhat', 500),
  ('m', 'نبيل', 'Nabil', 600), ('m', 'ياسر', 'Yasser', 1000),
  ('m', 'عصام', 'Essam', 800), ('m', 'صلاح', 'Salah', 800),
  ('m', 'مراد', 'Mourad', 600), ('m', 'كمال', 'Kamal', 600),
  ('m', 'عاطف', 'Atef', 500), ('m', 'مروان', 'Marwan', 900),
  ('m', 'حمزة', 'Hamza', 900), ('m', 'سيف', 'Seif', 1000),
  ('m', 'أدهم', 'Adham', 600), ('m', 'يحيى', 'Yehia', 700),
  ('m', 'حازم', 'Hazem', 700), ('m', 'معتز', 'Moataz', 600),
  ('m', 'صبحي', 'Sobhy', 300), ('m', 'أنور', 'Anwar', 300),
  ('m', 'زكريا', 'Zakaria', 1), ('m', 'شنودة', 'Shenouda', 2),
  ('m', 'أبانوب', 'Abanoub', 3), ('m', 'متولي', 'Metwally', 2),
  ('m', 'رشدي', 'Roshdy', 1),

  ('f', 'فاطمة', 'Fatma', 9000), ('f', 'مريم', 'Mariam', 6000),
  ('f', 'نور', 'Nour', 5000), ('f', 'آية', 'Aya', 5000),
  ('f', 'سارة', 'Sara', 4500), ('f', 'ياسمين', 'Yasmin', 3500),
  ('f', 'منى', 'Mona', 3500), ('f', 'هبة', 'Heba', 3500),
  ('f', 'دعاء', 'Doaa', 3000), ('f', 'إسراء', 'Esraa', 3000),
  ('f', 'عائشة', 'Aisha', 1500), ('f', 'زينب', 'Zeinab', 2500),
  ('f', 'هدى', 'Hoda', 2000), ('f', 'أمل', 'Amal', 2000),
  ('f', 'رنا', 'Rana', 2000), ('f', 'دينا', 'Dina', 2500),
  ('f', 'ندى', 'Nada', 2500), ('f', 'سلمى', 'Salma', 3000),
  ('f', 'ريم', 'Reem', 2500), ('f', 'شيماء', 'Shimaa', 2500),
  ('f', 'مروة', 'Marwa', 3000), ('f', 'رانيا', 'Rania', 2500),
  ('f', 'سمر', 'Samar', 1500), ('f', 'غادة', 'Ghada', 1500),
  ('f', 'نسمة', 'Nesma', 1500), ('f', 'أسماء', 'Asmaa', 3000),
  ('f', 'إيمان', 'Eman', 3000), ('f', 'حنان', 'Hanan', 1500),
  ('f', 'نهى', 'Noha', 2000), ('f', 'مي', 'Mai', 2000),
  ('f', 'نرمين', 'Nermeen', 1000), ('f', 'شيرين', 'Sherine', 1200),
  ('f', 'أميرة', 'Amira', 2000), ('f', 'حبيبة', 'Habiba', 2000),
  ('f', 'ملك', 'Malak', 1500), ('f', 'جنى', 'Jana', 1500),
  ('f', 'فريدة', 'Farida', 1200), ('f', 'ليلى', 'Laila', 1000),
  ('f', 'سعاد', 'Soad', 600), ('f', 'نادية', 'Nadia', 800),
  ('f', 'ماجدة', 'Magda', 600), ('f', 'سميرة', 'Samira', 600),
  ('f', 'مارينا', 'Marina', 800), ('f', 'كريستين', 'Christine', 500),
  ('f', 'هاجر', 'Hagar', 1000), ('f', 'بسمة', 'Basma', 1200),
  ('f', 'عبير', 'Abeer', 1000), ('f', 'نجلاء', 'Naglaa', 700),
  ('f', 'وفاء', 'Wafaa', 700), ('f', 'صفاء', 'Safaa', 800),
  ('f', 'إيناس', 'Inas', 600), ('f', 'تسنيم', 'Tasneem', 800),
  ('f', 'دميانة', 'Demiana', 2), ('f', 'رضوى', 'Radwa', 3),
  ('f', 'تهاني', 'Tahany', 1),

  ('l', 'محمد', 'Mohamed', 9000), ('l', 'أحمد', 'Ahmed', 7000),
  ('l', 'محمود', 'Mahmoud', 5000), ('l', 'علي', 'Ali', 5000),
  ('l', 'حسن', 'Hassan', 5000), ('l', 'حسين', 'Hussein', 3500),
  ('l', 'إبراهيم', 'Ibrahim', 4500), ('l', 'مصطفى', 'Mostafa', 3500),
  ('l', 'عبدالعزيز', 'Abdelaziz', 2000), ('l', 'عبدالرحمن', 'Abdelrahman', 1500),
  ('l', 'صالح', 'Saleh', 2000), ('l', 'السيد', 'El-Sayed', 3500),
  ('l', 'عبدالله', 'Abdallah', 2500), ('l', 'يوسف', 'Youssef', 2500),
  ('l', 'خليل', 'Khalil', 1500), ('l', 'منصور', 'Mansour', 2000),
  ('l', 'فرج', 'Farag', 1500), ('l', 'شحاتة', 'Shehata', 1200),
  ('l', 'سليمان', 'Soliman', 2000), ('l', 'سالم', 'Salem', 1500),
  ('l', 'فوزي', 'Fawzy', 1200), ('l', 'رمضان', 'Ramadan', 1500),
  ('l', 'حمدي', 'Hamdy', 1200), ('l', 'جابر', 'Gaber', 1200),
  ('l', 'عبدالحميد', 'Abdelhamid', 1200), ('l', 'نجيب', 'Naguib', 800),
  ('l', 'فهمي', 'Fahmy', 1000), ('l', 'شاكر', 'Shaker', 800),
  ('l', 'مرسي', 'Morsi', 1000), ('l', 'زكي', 'Zaki', 1000),
  ('l', 'كامل', 'Kamel', 1000), ('l', 'غنيم', 'Ghoneim', 800),
  ('l', 'عيد', 'Eid', 1000), ('l', 'عطية', 'Attia', 1000),
  ('l', 'حجازي', 'Hegazy', 900), ('l', 'المصري', 'El-Masry', 1200),
  ('l', 'عبدالفتاح', 'Abdelfattah', 1200), ('l', 'توفيق', 'Tawfik', 900),
  ('l', 'عوض', 'Awad', 1000), ('l', 'نصر', 'Nasr', 1200),
  ('l', 'بدوي', 'Badawi', 800), ('l', 'صبري', 'Sabry', 900),
  ('l', 'حافظ', 'Hafez', 900), ('l', 'رزق', 'Rizk', 900),
  ('l', 'جرجس', 'Girgis', 800), ('l', 'حنا', 'Hanna', 800),
  ('l', 'بطرس', 'Boutros', 500), ('l', 'وهبة', 'Wahba', 500),
  ('l', 'عبدالملك', 'Abdelmalak', 500), ('l', 'درويش', 'Darwish', 800),
  ('l', 'شرف', 'Sharaf', 700), ('l', 'لطفي', 'Lotfy', 700),
  ('l', 'حلمي', 'Helmy', 800), ('l', 'عثمان', 'Osman', 1200),
  ('l', 'أمين', 'Amin', 1000), ('l', 'الشافعي', 'El-Shafei', 3),
  ('l', 'عكاشة', 'Okasha', 2), ('l', 'زهران', 'Zahran', 3),
  ('l', 'أبوزيد', 'Abou Zeid', 2), ('l', 'طنطاوي', 'Tantawy', 1);

UPDATE gen_names SET slug = LOWER(REPLACE(REPLACE(en, '-', ''), ' ', ''));

-- One row per unit of weight: a uniform draw of a slot is a weighted draw of a name.
CREATE TEMPORARY TABLE gen_slots (
  kind    CHAR(1)      NOT NULL,
  slot    INT UNSIGNED NOT NULL,
  name_id INT UNSIGNED NOT NULL,
  PRIMARY KEY (kind, slot)
) ENGINE=MEMORY;
INSERT INTO gen_slots (kind, slot, name_id)
  SELECT n.kind, ROW_NUMBER() OVER (PARTITION BY n.kind ORDER BY n.id, s.seq) - 1, n.id
  FROM gen_names n JOIN seq_1_to_100000 s ON s.seq <= n.weight;
SELECT COUNT(*) INTO @gen_m FROM gen_slots WHERE kind = 'm';
SELECT COUNT(*) INTO @gen_f FROM gen_slots WHERE kind = 'f';
SELECT COUNT(*) INTO @gen_l FROM gen_slots WHERE kind = 'l';

-- ------------------------------------------------------------------ governorates
-- Every governorate of the governorates table; the first three of sort_order (Cairo,
-- Giza, Alexandria) eight times as often as each of the others.
CREATE TEMPORARY TABLE gen_govs (
  slot    INT UNSIGNED NOT NULL PRIMARY KEY,
  code    VARCHAR(3)   NOT NULL,
  name_ar VARCHAR(64)  NOT NULL,
  name_en VARCHAR(64)  NOT NULL
) ENGINE=MEMORY DEFAULT CHARSET=utf8mb4;
INSERT INTO gen_govs (slot, code, name_ar, name_en)
  SELECT ROW_NUMBER() OVER (ORDER BY g.sort_order, g.code, s.seq) - 1, g.code, g.name_ar, g.name_en
  FROM (SELECT code, name_ar, name_en, sort_order,
               ROW_NUMBER() OVER (ORDER BY sort_order, code) AS rn FROM governorates) g
  JOIN seq_1_to_8 s ON s.seq <= IF(g.rn <= 3, 8, 1);
SELECT COUNT(*) INTO @gen_g FROM gen_govs;

-- ------------------------------------------------------------------ cars
CREATE TEMPORARY TABLE gen_cars (
  slot  INT UNSIGNED NOT NULL PRIMARY KEY,
  brand VARCHAR(32)  NOT NULL,
  model VARCHAR(32)  NOT NULL
) ENGINE=MEMORY;
INSERT INTO gen_cars (slot, brand, model) VALUES
  (0, 'Hyundai', 'Elantra'), (1, 'Hyundai', 'Accent'), (2, 'Hyundai', 'Tucson'),
  (3, 'Kia', 'Cerato'), (4, 'Kia', 'Sportage'), (5, 'Kia', 'Picanto'),
  (6, 'Toyota', 'Corolla'), (7, 'Toyota', 'Yaris'), (8, 'Nissan', 'Sunny'),
  (9, 'Nissan', 'Qashqai'), (10, 'Chevrolet', 'Aveo'), (11, 'Chevrolet', 'Optra'),
  (12, 'Fiat', 'Tipo'), (13, 'Fiat', '128'), (14, 'Lada', '2107'),
  (15, 'Renault', 'Logan'), (16, 'Skoda', 'Octavia'), (17, 'Mitsubishi', 'Lancer'),
  (18, 'MG', '5'), (19, 'Chery', 'Tiggo'), (20, 'Peugeot', '301'),
  (21, 'BYD', 'F3'), (22, 'Suzuki', 'Swift'), (23, 'Daewoo', 'Lanos');
SELECT COUNT(*) INTO @gen_c FROM gen_cars;

-- ------------------------------------------------------------------ random numbers
-- Sign-ups cover the 3 years up to now and grow over time (user n signs up at
-- 3 years * sqrt(n / count)), so ids follow created_at. Some sign-ups come in batches
-- (2 of every 7 blocks of 16 consecutive users), all 16 in the same second with .000
-- milliseconds: created_at has ties, as imports and campaigns make them. "later" is a
-- moment between sign-up and now (last login, ban, deletion).
SET @gen_now = CAST(NOW() AS DATETIME);
SET @gen_t0  = @gen_now - INTERVAL 1095 DAY;
SET @gen_span = 1095 * 86400;

-- Independent streams (a RAND with a constant seed keeps its own state, and gives the
-- same users on every run), drawn once per user and stored, so that each can be read
-- as often as needed below.
CREATE TEMPORARY TABLE gen_rows (
  n          INT UNSIGNED NOT NULL,
  r_role     INT UNSIGNED NOT NULL, r_state INT UNSIGNED NOT NULL,
  r_kind     INT UNSIGNED NOT NULL, r_first INT UNSIGNED NOT NULL,
  r_last     INT UNSIGNED NOT NULL, r_place INT UNSIGNED NOT NULL,
  r_acct     INT UNSIGNED NOT NULL, r_extra INT UNSIGNED NOT NULL,
  created_at DATETIME(3)  NOT NULL,
  later      DATETIME     NOT NULL,
  PRIMARY KEY (n)
) ENGINE=MEMORY;
INSERT INTO gen_rows
  SELECT t.seq, FLOOR(RAND(101) * 1000000000), FLOOR(RAND(102) * 1000000000),
         FLOOR(RAND(103) * 1000000000), FLOOR(RAND(104) * 1000000000),
         FLOOR(RAND(105) * 1000000000), FLOOR(RAND(106) * 1000000000),
         FLOOR(RAND(107) * 1000000000), FLOOR(RAND(108) * 1000000000),
         @gen_t0 + INTERVAL t.sec SECOND
           + INTERVAL IF(t.batch, 0, FLOOR(RAND(109) * 1000)) * 1000 MICROSECOND,
         @gen_t0 + INTERVAL t.sec + FLOOR((@gen_span - t.sec) * RAND(110)) SECOND
  FROM (SELECT seq, ((seq - 1) DIV 16) * 40503 % 7 < 2 AS batch,
               FLOOR(@gen_span * SQRT(IF(((seq - 1) DIV 16) * 40503 % 7 < 2,
                                         ((seq - 1) DIV 16) * 16 + 1, seq) / @gen_count)) AS sec
        FROM seq_1_to_1000000 WHERE seq <= @gen_count) t;

-- ------------------------------------------------------------------ the users
SET @gen_admin = (SELECT MIN(id) FROM users WHERE role = 'admin');

INSERT INTO users (email, phone, username, password_hash, role, first_name, last_name,
    date_of_birth, gender, address_city, address_governorate, preferred_language,
    car_brand, car_model, car_year, is_active, email_verified, phone_verified,
    is_banned, ban_reason, banned_at, banned_by, rating, rating_count, last_login,
    deleted_at, created_at, updated_at)
SELECT STRAIGHT_JOIN
  -- e-mail: four usual shapes of the Latin name, then n (the only digits, so unique)
  IF(g.deleted, CONCAT('deleted-', g.n, '@gen.warsha.test'),
     CONCAT(CASE g.r_acct % 4
              WHEN 0 THEN CONCAT(fn.slug, '.', ln.slug)
              WHEN 1 THEN CONCAT(fn.slug, ln.slug)
              WHEN 2 THEN CONCAT(fn.slug, '_', ln.slug)
              ELSE CONCAT(LEFT(fn.slug, 1), '.', ln.slug) END,
            g.n, '@gen.warsha.test')),
  -- phone: +201[0125] and 8 digits, a bijection of n (73939133 is prime to 10^8)
  IF(g.deleted, NULL, CONCAT('+201', ELT(1 + g.r_extra % 4, '0', '1', '2', '5'),
     LPAD((g.n * 73939133 + 12345678) % 100000000, 8, '0'))),
  -- username for about half
  IF(g.deleted OR (g.r_acct DIV 4) % 2 = 1, NULL,
     CONCAT(fn.slug, IF((g.r_acct DIV 8) % 2 = 0, '_', '.'), LEFT(ln.slug, 1), g.n)),
  -- deleted users look as DELETE /api/users/:id leaves them (anonymized, no password)
  IF(g.deleted, '!', @gen_hash),
  g.role,
  IF(g.deleted, 'Deleted', IF(g.arabic, fn.ar, fn.en)),
  IF(g.deleted, 'User', IF(g.arabic, ln.ar, ln.en)),
  IF(g.deleted OR (g.r_extra DIV 4) % 10 >= 7, NULL,
     DATE('1965-01-01') + INTERVAL (g.r_extra DIV 40) % 14600 DAY),
  IF(g.deleted, NULL, IF(g.male, 'male', 'female')),
  IF(g.deleted OR NOT g.located, NULL, IF(g.arabic, gv.name_ar, gv.name_en)),
  IF(g.deleted OR NOT g.located, NULL, gv.code),
  IF((g.r_acct DIV 16) % 10 < IF(g.arabic, 9, 4), 'ar', 'en'),
  IF(g.has_car, car.brand, NULL),
  IF(g.has_car, car.model, NULL),
  IF(g.has_car, 2003 + (g.r_extra DIV 400) % 22, NULL),
  g.state NOT IN ('deleted', 'inactive'),
  NOT g.deleted AND (g.r_acct DIV 160) % 100 < 75,
  NOT g.deleted AND (g.r_acct DIV 16000) % 100 < 65,
  g.state = 'banned',
  IF(g.state = 'banned', ELT(1 + (g.r_state DIV 1000) % 4,
     'Repeated no-shows for booked visits', 'إساءة متكررة للفنيين',
     'Attempted payment fraud', 'بلاغات متكررة من العملاء'), NULL),
  IF(g.state = 'banned', g.later, NULL),
  IF(g.state = 'banned', @gen_admin, NULL),
  IF(g.role = 'technician', 3 + ((g.r_extra DIV 4000) % 201) / 100, 0),
  IF(g.role = 'technician', (g.r_extra DIV 900000) % 400, 0),
  IF(g.deleted OR (g.r_acct DIV 1600000) % 10 >= 6, NULL, g.later),
  IF(g.deleted, g.later, NULL),
  g.created_at,
  g.created_at
FROM seq_1_to_1000000 s
JOIN (
  SELECT r.*,
    CASE
      WHEN r.r_role % 1000000 < 200 THEN 'moderator'          -- about 200
      WHEN r.r_role % 1000000 < 500 THEN 'corporate'          -- about 300
      WHEN r.r_role % 1000000 < 250500 THEN 'technician'      -- a quarter
      ELSE 'customer' END AS role,
    CASE                                                      -- disjoint, about:
      WHEN r.r_state % 1000 < 10 THEN 'deleted'               -- 1 %
      WHEN r.r_state % 1000 < 20 THEN 'banned'                -- 1 %
      WHEN r.r_state % 1000 < 40 THEN 'inactive'              -- 2 %
      ELSE 'normal' END AS state,
    r.r_state % 1000 < 10 AS deleted,
    -- technicians are nearly all men; other users a little over half
    r.r_kind % 100 < IF(r.r_role % 1000000 BETWEEN 500 AND 250499, 95, 55) AS male,
    (r.r_kind DIV 100) % 100 < 55 AS arabic,                  -- name in Arabic script
    (r.r_place DIV 1000) % 100 < 85 AS located,
    r.r_role % 1000000 >= 250500 AND (r.r_place DIV 100000) % 10 < 4 AS has_car
  FROM gen_rows r
) g ON g.n = s.seq
JOIN gen_slots fs ON fs.kind = IF(g.male, 'm', 'f')
                 AND fs.slot = g.r_first % IF(g.male, @gen_m, @gen_f)
JOIN gen_names fn ON fn.id = fs.name_id
JOIN gen_slots ls ON ls.kind = 'l' AND ls.slot = g.r_last % @gen_l
JOIN gen_names ln ON ln.id = ls.name_id
JOIN gen_govs gv ON gv.slot = g.r_place % @gen_g
JOIN gen_cars car ON car.slot = (g.r_place DIV 10) % @gen_c
WHERE s.seq <= @gen_count
ORDER BY s.seq;

DROP TEMPORARY TABLE gen_rows, gen_cars, gen_govs, gen_slots, gen_names;
