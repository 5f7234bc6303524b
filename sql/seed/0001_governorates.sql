-- Seed: the 27 governorates of Egypt.
--   code             ISO 3166-2:EG subdivision code without the "EG-" prefix
--   national_id_code digits 8-9 of the 14-digit national ID (88 = born abroad, not a
--                    governorate, so it has no row here)
--   sort_order       Cairo, Giza, Alexandria first, then alphabetical by English name
-- Idempotent: a second run rewrites the same values and adds no rows.

SET NAMES utf8mb4;

INSERT INTO governorates (code, name_ar, name_en, national_id_code, sort_order) VALUES
  ('C',   'القاهرة',         'Cairo',          '01',  1),
  ('GZ',  'الجيزة',          'Giza',           '21',  2),
  ('ALX', 'الإسكندرية',      'Alexandria',     '02',  3),
  ('ASN', 'أسوان',           'Aswan',          '28',  4),
  ('AST', 'أسيوط',           'Asyut',          '25',  5),
  ('BH',  'البحيرة',         'Beheira',        '18',  6),
  ('BNS', 'بني سويف',        'Beni Suef',      '22',  7),
  ('DK',  'الدقهلية',        'Dakahlia',       '12',  8),
  ('DT',  'دمياط',           'Damietta',       '11',  9),
  ('FYM', 'الفيوم',          'Faiyum',         '23', 10),
  ('GH',  'الغربية',         'Gharbia',        '16', 11),
  ('IS',  'الإسماعيلية',     'Ismailia',       '19', 12),
  ('KFS', 'كفر الشيخ',       'Kafr El Sheikh', '15', 13),
  ('LX',  'الأقصر',          'Luxor',          '29', 14),
  ('MT',  'مطروح',           'Matrouh',        '33', 15),
  ('MN',  'المنيا',          'Minya',          '24', 16),
  ('MNF', 'المنوفية',        'Monufia',        '17', 17),
  ('WAD', 'الوادي الجديد',   'New Valley',     '32', 18),
  ('SIN', 'شمال سيناء',      'North Sinai',    '34', 19),
  ('PTS', 'بورسعيد',         'Port Said',      '03', 20),
  ('KB',  'القليوبية',       'Qalyubia',       '14', 21),
  ('KN',  'قنا',             'Qena',           '27', 22),
  ('BA',  'البحر الأحمر',    'Red Sea',        '31', 23),
  ('SHR', 'الشرقية',         'Sharqia',        '13', 24),
  ('SHG', 'سوهاج',           'Sohag',          '26', 25),
  ('JS',  'جنوب سيناء',      'South Sinai',    '35', 26),
  ('SUZ', 'السويس',          'Suez',           '04', 27)
ON DUPLICATE KEY UPDATE
  name_ar          = VALUES(name_ar),
  name_en          = VALUES(name_en),
  national_id_code = VALUES(national_id_code),
  sort_order       = VALUES(sort_order);
