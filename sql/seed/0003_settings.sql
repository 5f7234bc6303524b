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
  ('default_language', '"ar"', 1,
   'اللغة اللي بتتحط للحساب الجديد لما صاحبه ما يختارش لغة (ردود الـ API والإشعارات والرسايل بتبقى بيها).',
   'Language given to a new account whose owner chooses none (its answers, notifications and messages follow it).'),
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
   'أقل إصدار مسموح بيه من تطبيق الموبايل لكل منصة. التطبيق اللي بيبعت X-App-Platform و X-App-Version أقدم بيترد عليه 426 علشان يتحدّث.',
   'Lowest mobile app version still served, per platform. An app that sends X-App-Platform and an older X-App-Version is answered 426 and asked to update.'),
  ('booking_lead_time_minutes', '60', 1,
   'أقل مدة بالدقايق بين وقت الحجز وميعاد الخدمة (الطوارئ مستثناة).',
   'Minimum minutes between making a booking and its scheduled time (emergencies excepted).'),
  ('booking_max_advance_days', '30', 1,
   'أقصى عدد أيام مقدمًا ينفع يتحجز فيها ميعاد.',
   'How many days ahead a booking may be scheduled at most.'),

  -- Private: business rules, admins only
  ('cancellation_fee_piastres', '5000', 0,
   'أقل رسوم إلغاء بالقرش لما العميل يلغي بعد ما الفني اتحرك (5000 = 50 جنيه)، ومش أكتر من سعر الحجز.',
   'Least fee in piastres charged when a customer cancels after the technician set off (5000 = 50 EGP), never more than the price.'),
  ('max_login_attempts', '5', 0,
   'أقصى عدد محاولات دخول غلط لنفس الحساب ونفس العنوان قبل الإيقاف المؤقت.',
   'Failed logins allowed per identifier and address before further attempts are refused.'),
  ('login_window_minutes', '15', 0,
   'المدة بالدقايق اللي بتتحسب فيها محاولات الدخول الغلط.',
   'Window in minutes over which failed logins are counted.'),
  ('cancellation_fee_percent', '0', 0,
   'نسبة مئوية من سعر الحجز بتتحسب رسوم إلغاء بعد ما الفني اتحرك، لو طلعت أكتر من الرسوم الثابتة (0 = الثابتة بس).',
   'Percent of the booking price charged when a customer cancels after the technician set off, when it is more than the fixed fee (0 = the fixed fee only).'),
  ('guest_emergency_per_hour', '5', 0,
   'أقصى عدد طلبات طوارئ من زوار من غير حساب من نفس العنوان في الساعة.',
   'Emergency requests guests without an account may make from one address per hour.'),
  ('average_speed_kmh', '30', 0,
   'متوسط سرعة الفني بالكيلومتر في الساعة، لحساب وقت الوصول المتوقع من المسافة.',
   'Average speed of a technician in km/h, used to estimate the arrival time from the distance.'),
  ('unverified_can_quote', 'true', 0,
   'الحرفي اللي لسه حسابه ما اتوثقش يقدر يقدم عروض أسعار (والعميل بيشوف إنه مش موثق). false = لازم التوثيق الأول.',
   'Craftsmen not yet verified may quote (clients see they are not verified). false: only verified craftsmen quote.'),
  ('platform_fee_bps', '1000', 0,
   'عمولة المنصة على سعر المهمة بالنقطة الأساسية (1000 = 10%)، بتتحسب وتتسجل على المهمة لما العميل يقبل عرض السعر.',
   'The platform fee on a job''s price in basis points (1000 = 10 %), worked out and recorded on the job when the client accepts a quote.'),
  ('review_reveal_days', '14', 0,
   'عدد الأيام بعد انتهاء الشغلانة اللي بعدها تقييمات الطرفين بتظهر حتى لو طرف واحد بس هو اللي قيّم، وبعدها ما ينفعش حد يقيّم.',
   'Days after a job is completed when its reviews show even if only one side has reviewed; after them no side may review it.')
ON DUPLICATE KEY UPDATE
  description_ar = VALUES(description_ar),
  description_en = VALUES(description_en);

-- Running workers cache the settings: tell them they moved (schema: cache_versions).
UPDATE cache_versions SET version = version + 1 WHERE name = 'settings';
