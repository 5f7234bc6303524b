-- Seed: platform settings. `value` is JSON. is_public = 1 rows are served to anyone by
-- GET /api/settings, the rest only to admins (GET /api/settings/all).
--
-- Idempotent, and safe on a live system: a second run only refreshes the descriptions.
-- It never overwrites `value` (an admin may have changed it through PUT /api/settings/:key)
-- and leaves is_public and updated_by alone.
-- Money is in piastres (1 EGP = 100 piastres). Percentages are basis points
-- (1 bp = 0.01 %, so 1000 bp = 10 %), which keeps fee arithmetic in integers.
-- Contact details are placeholders (the example domain and zero-filled numbers) until the
-- real ones are set by an admin.

SET NAMES utf8mb4;

INSERT INTO settings (`key`, value, is_public, description_ar, description_en) VALUES
  -- Public: read by the apps and the website
  ('app_name', '{"ar":"ورشة","en":"Warsha"}', 1,
   'اسم التطبيق بالعربي والإنجليزي.',
   'Application name in Arabic and English.'),
  ('currency', '"EGP"', 1,
   'عملة كل الأسعار (ISO 4217). المبالغ بتتخزن وتتبعت بالقرش: 1 جنيه = 100 قرش.',
   'Currency of all prices (ISO 4217). Amounts are stored and sent in piastres: 1 EGP = 100 piastres.'),
  ('timezone', '"Africa/Cairo"', 1,
   'المنطقة الزمنية لمواعيد الحجز وساعات العمل (IANA). الأوقات في الـ API بتوقيت UTC.',
   'Time zone of booking slots and working hours (IANA). Times in the API are UTC.'),
  ('default_language', '"ar"', 1,
   'اللغة الافتراضية لما المستخدم ما يحددش لغة.',
   'Language used when the user has not chosen one.'),
  ('supported_languages', '["ar","en"]', 1,
   'اللغات المتاحة في التطبيق.',
   'Languages the application supports.'),
  ('support_phone', '"+20200000000"', 1,
   'رقم خدمة العملاء (رقم مؤقت لحد ما الإدارة تحط الرقم الحقيقي).',
   'Customer support phone number (a placeholder until an admin sets the real one).'),
  ('support_email', '"support@warsha.example"', 1,
   'إيميل خدمة العملاء (عنوان مؤقت لحد ما الإدارة تحط العنوان الحقيقي).',
   'Customer support email address (a placeholder until an admin sets the real one).'),
  ('emergency_hotline', '"+201000000000"', 1,
   'خط الطوارئ لأعطال الطريق والبيت على مدار 24 ساعة (رقم مؤقت).',
   'Hotline for road and home emergencies, 24 hours a day (a placeholder number).'),
  ('min_app_version', '{"android":"1.0.0","ios":"1.0.0"}', 1,
   'أقل إصدار مسموح بيه من تطبيق الموبايل. الإصدارات الأقدم بيطلب منها التحديث.',
   'Lowest mobile app version still allowed. Older versions are asked to update.'),
  ('booking_lead_time_minutes', '60', 1,
   'أقل مدة بالدقايق بين وقت الحجز وميعاد الخدمة (الطوارئ مستثناة).',
   'Minimum minutes between making a booking and its scheduled time (emergencies excepted).'),
  ('booking_max_advance_days', '30', 1,
   'أقصى عدد أيام مقدمًا ينفع يتحجز فيها ميعاد.',
   'How many days ahead a booking may be scheduled at most.'),

  -- Private: business rules, admins only
  ('platform_fee_bps', '1000', 0,
   'عمولة المنصة من قيمة الشغل بالـ basis points (1000 = 10%)، بتتخصم من مستحقات الفني.',
   'Platform fee on the job amount in basis points (1000 = 10 %), deducted from the technician payout.'),
  ('cancellation_fee_piastres', '5000', 0,
   'رسوم الإلغاء بالقرش لما العميل يلغي بعد ما فني اتعيّن على الحجز (5000 = 50 جنيه).',
   'Fee in piastres charged when a customer cancels after a technician has been assigned (5000 = 50 EGP).'),
  ('max_login_attempts', '5', 0,
   'أقصى عدد محاولات دخول غلط لنفس الحساب ونفس العنوان قبل الإيقاف المؤقت.',
   'Failed logins allowed per identifier and address before further attempts are refused.'),
  ('login_window_minutes', '15', 0,
   'المدة بالدقايق اللي بتتحسب فيها محاولات الدخول الغلط.',
   'Window in minutes over which failed logins are counted.'),
  ('review_reveal_days', '14', 0,
   'بعد كام يوم من انتهاء الشغل التقييمات بتظهر حتى لو طرف واحد بس اللي قيّم.',
   'Days after a job ends when reviews are revealed even if only one side has rated.'),
  ('escrow_release_days', '3', 0,
   'بعد كام يوم من انتهاء الشغل من غير نزاع الفلوس المحجوزة بتتحوّل لمحفظة الفني.',
   'Days after completion, with no dispute opened, before escrowed money is released to the technician wallet.'),
  ('cash_fee_remittance_days', '7', 0,
   'المهلة بالأيام اللي الفني لازم يسدد فيها عمولة المنصة عن الشغل اللي اتدفع كاش.',
   'Days a technician has to remit the platform fee on a job paid in cash.')
ON DUPLICATE KEY UPDATE
  description_ar = VALUES(description_ar),
  description_en = VALUES(description_en);

-- Running workers cache the settings: tell them they moved (schema: cache_versions).
UPDATE cache_versions SET version = version + 1 WHERE name = 'settings';
