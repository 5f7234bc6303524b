-- Seed: service categories and the starting service catalog.
--
-- Prices are base prices in PIASTRES (1 EGP = 100 piastres), Cairo 2026 levels. Unless a
-- description says otherwise a base price is labour or the visit, and parts and materials
-- are quoted to the customer before they are used.
-- Working hours are HH:mm in Africa/Cairo. The Egyptian weekend is Friday, so most trades
-- work Saturday to Thursday. Emergency services run 00:00-23:59 every day.
-- JSON columns hold literal JSON text: working_days is an array of lower-case English day
-- names, tags mix lower-case English words with Arabic ones for search.
--
-- Idempotent: categories are keyed by `key`, services by (name_en, category). A second run
-- refreshes the content this file owns and adds no rows. It leaves is_active, deleted_at,
-- images and icon of a service alone, so a service an admin switched off or deleted stays
-- that way.
-- Neither text literals nor comments contain an ASCII semicolon or a stray quote, so a
-- runner may split this file on semicolons at line ends.

SET NAMES utf8mb4;

-- ---------------------------------------------------------------------------------------
-- Categories
-- ---------------------------------------------------------------------------------------
INSERT INTO service_categories (`key`, kind, name_ar, name_en, icon, sort_order) VALUES
  ('mobile_workshop',      'car',  'ورشة متنقلة',                  'Mobile Workshop',             'truck',           1),
  ('emergency',            'car',  'طوارئ الطريق',                 'Roadside Emergency',          'siren',           2),
  ('regular_maintenance',  'car',  'صيانة دورية خفيفة',            'Regular Maintenance',         'oil-can',         3),
  ('periodic_maintenance', 'car',  'صيانة دورية حسب الكيلومترات', 'Periodic Maintenance',        'gauge',           4),
  ('plumbing',             'home', 'سباكة',                        'Plumbing',                    'faucet',         10),
  ('electrical',           'home', 'كهرباء',                       'Electrical',                  'bolt',           11),
  ('carpentry',            'home', 'نجارة',                        'Carpentry',                   'hammer',         12),
  ('painting',             'home', 'نقاشة ودهانات',                'Painting',                    'paint-roller',   13),
  ('cleaning',             'home', 'تنظيف',                        'Cleaning',                    'broom',          14),
  ('ac_repair',            'home', 'تكييف',                        'Air Conditioning',            'snowflake',      15),
  ('appliance_repair',     'home', 'صيانة أجهزة منزلية',           'Appliance Repair',            'washing-machine',16),
  ('tiling',               'home', 'سيراميك وبلاط',                'Tiling',                      'tiles',          17),
  ('aluminum',             'home', 'ألوميتال',                     'Aluminum Windows',            'window',         18),
  ('pest_control',         'home', 'مكافحة حشرات',                 'Pest Control',                'bug',            19)
ON DUPLICATE KEY UPDATE
  kind       = VALUES(kind),
  name_ar    = VALUES(name_ar),
  name_en    = VALUES(name_en),
  icon       = VALUES(icon),
  sort_order = VALUES(sort_order);

-- ---------------------------------------------------------------------------------------
-- Services, one INSERT per category. Every INSERT lists the same columns and ends with the
-- same ON DUPLICATE KEY UPDATE clause.
-- ---------------------------------------------------------------------------------------

-- Car: mobile workshop (a mechanic in a van comes to the car)
INSERT INTO services
  (name_ar, name_en, description_ar, description_en, category, sub_category,
   duration_minutes, base_price, working_hours_start, working_hours_end, working_days,
   emergency_available, requires_approval, tags, is_popular, sort_order)
VALUES
  ('فحص ميكانيكا في مكانك', 'On-site Mechanic Inspection',
   'ميكانيكي بعربية ورشة متنقلة يجيلك البيت أو الشغل، يكشف على العربية ويحدد العطل. السعر ده للكشف، وأي تصليح بيتسعّر وياخد موافقتك الأول.',
   'A mechanic in a mobile workshop van comes to your home or office, inspects the car and pinpoints the fault. This price covers the inspection, and any repair is quoted for your approval first.',
   'mobile_workshop', 'diagnostics', 60, 40000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["mechanic","inspection","diagnosis","ميكانيكي","كشف","فحص"]', 0, 1),
  ('فحص كمبيوتر للعربية', 'Computer Diagnostics (OBD Scan)',
   'قراءة أعطال كمبيوتر العربية بجهاز OBD ومسح الأكواد بعد التصليح، مع تقرير مكتوب بحالة الحساسات.',
   'Reads the engine computer fault codes with an OBD scanner, clears them after the repair and gives you a written report on the sensors.',
   'mobile_workshop', 'diagnostics', 45, 50000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["computer","obd","diagnostics","sensors","كمبيوتر","حساسات","أعطال"]', 0, 2),
  ('تغيير تيل فرامل', 'Brake Pads Replacement',
   'تغيير تيل الفرامل الأمامي أو الخلفي في مكانك مع تنظيف الفرامل وظبطها. السعر مصنعية لكل جهة (أمامي أو خلفي)، والتيل بيتحسب حسب النوع.',
   'Front or rear brake pads replaced where the car is parked, with the brakes cleaned and adjusted. The price is labour per axle, and pads are charged by type.',
   'mobile_workshop', 'brakes', 60, 45000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["brakes","pads","فرامل","تيل"]', 0, 3),
  ('تغيير بطارية العربية', 'Car Battery Replacement',
   'نجيبلك بطارية جديدة ونركبها مكان ما العربية واقفة، ونتأكد من الدينامو والشحن. السعر مصنعية التركيب، والبطارية بتتحسب حسب الأمبير والماركة.',
   'We bring a new battery, fit it where the car is parked and check the alternator and charging. The price is the fitting labour, and the battery is charged by capacity and brand.',
   'mobile_workshop', 'electrical', 30, 20000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["battery","alternator","بطارية","دينامو"]', 0, 4),
  ('كهربائي عربيات', 'Auto Electrician Visit',
   'كهربائي عربيات يجيلك لأعطال الفوانيس والمارش والدينامو والإزاز الكهربا والكراسي الكهربا. السعر للزيارة والكشف.',
   'An auto electrician comes to you for faults in the lights, starter motor, alternator, power windows and power seats. The price covers the visit and diagnosis.',
   'mobile_workshop', 'electrical', 60, 45000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["electrician","starter","lights","wiring","كهربائي","مارش","فوانيس"]', 0, 5)
ON DUPLICATE KEY UPDATE
  name_ar = VALUES(name_ar), description_ar = VALUES(description_ar),
  description_en = VALUES(description_en), sub_category = VALUES(sub_category),
  duration_minutes = VALUES(duration_minutes), base_price = VALUES(base_price),
  working_hours_start = VALUES(working_hours_start), working_hours_end = VALUES(working_hours_end),
  working_days = VALUES(working_days), emergency_available = VALUES(emergency_available),
  requires_approval = VALUES(requires_approval), tags = VALUES(tags),
  is_popular = VALUES(is_popular), sort_order = VALUES(sort_order);

-- Car: roadside emergency (24/7, guests may book)
INSERT INTO services
  (name_ar, name_en, description_ar, description_en, category, sub_category,
   duration_minutes, base_price, working_hours_start, working_hours_end, working_days,
   emergency_available, requires_approval, tags, is_popular, sort_order)
VALUES
  ('اشتراك بطارية', 'Battery Jump-Start',
   'العربية مش بتدور والبطارية نايمة؟ فني يوصلك في أي وقت ويشغّل العربية بالكابلات أو بجهاز اشتراك، ويكشف على البطارية والدينامو.',
   'Car will not start because the battery is flat? A technician reaches you at any hour, jump-starts the car with cables or a booster pack and checks the battery and alternator.',
   'emergency', 'battery', 30, 25000, '00:00', '23:59',
   '["sunday","monday","tuesday","wednesday","thursday","friday","saturday"]',
   1, 0, '["battery","jumpstart","emergency","بطارية","اشتراك","طوارئ"]', 1, 1),
  ('تغيير كاوتش بالاستبن', 'Flat Tire Change',
   'كاوتش نام أو اتخرم على الطريق؟ نغيّره بالاستبن في مكانك، ولو مفيش استبن بنرقّع الكاوتش في مكانه لو الخرم بسيط.',
   'Flat or punctured tire on the road? We swap it for your spare on the spot, and if there is no spare we plug the puncture in place when it is small enough.',
   'emergency', 'tires', 30, 20000, '00:00', '23:59',
   '["sunday","monday","tuesday","wednesday","thursday","friday","saturday"]',
   1, 0, '["tire","flat","spare","puncture","كاوتش","استبن","عجلة","طوارئ"]', 0, 2),
  ('ونش داخل القاهرة', 'Towing within Cairo',
   'ونش سطحة ينقل عربيتك لأي ورشة أو للبيت داخل القاهرة الكبرى. المسافات الأطول من كده بتتحسب بالكيلو.',
   'A flatbed tow truck moves your car to any workshop or to your home within Greater Cairo. Longer distances are charged per kilometre.',
   'emergency', 'towing', 90, 90000, '00:00', '23:59',
   '["sunday","monday","tuesday","wednesday","thursday","friday","saturday"]',
   1, 0, '["towing","tow","winch","flatbed","ونش","سطحة","طوارئ"]', 1, 3),
  ('توصيل بنزين', 'Fuel Delivery',
   'البنزين خلص منك في الطريق؟ نوصلك لحد 10 لتر بنزين أو سولار. السعر ده للتوصيل، والوقود بيتحسب بسعر المحطة.',
   'Ran out of fuel on the road? We bring you up to 10 litres of petrol or diesel. The price is the delivery fee, and the fuel is charged at the pump price.',
   'emergency', 'fuel', 45, 20000, '00:00', '23:59',
   '["sunday","monday","tuesday","wednesday","thursday","friday","saturday"]',
   1, 0, '["fuel","petrol","diesel","gas","بنزين","سولار","وقود","طوارئ"]', 0, 4),
  ('فتح عربية مقفولة', 'Car Lockout Service',
   'المفتاح اتقفل جوه العربية أو ضاع؟ فني متخصص يفتح العربية من غير ما يبوّظ الكالون أو الإزاز، بعد ما يتأكد من ملكية العربية.',
   'Keys locked inside or lost? A specialist opens the car without damaging the lock or the glass, after checking proof of ownership.',
   'emergency', 'lockout', 45, 40000, '00:00', '23:59',
   '["sunday","monday","tuesday","wednesday","thursday","friday","saturday"]',
   1, 0, '["lockout","keys","locksmith","مفتاح","كالون","فتح","طوارئ"]', 0, 5)
ON DUPLICATE KEY UPDATE
  name_ar = VALUES(name_ar), description_ar = VALUES(description_ar),
  description_en = VALUES(description_en), sub_category = VALUES(sub_category),
  duration_minutes = VALUES(duration_minutes), base_price = VALUES(base_price),
  working_hours_start = VALUES(working_hours_start), working_hours_end = VALUES(working_hours_end),
  working_days = VALUES(working_days), emergency_available = VALUES(emergency_available),
  requires_approval = VALUES(requires_approval), tags = VALUES(tags),
  is_popular = VALUES(is_popular), sort_order = VALUES(sort_order);

-- Car: regular (light) maintenance
INSERT INTO services
  (name_ar, name_en, description_ar, description_en, category, sub_category,
   duration_minutes, base_price, working_hours_start, working_hours_end, working_days,
   emergency_available, requires_approval, tags, is_popular, sort_order)
VALUES
  ('تغيير زيت', 'Oil Change',
   'تغيير زيت الموتور وفلتر الزيت في مكانك. السعر مصنعية، والزيت والفلتر بيتحسبوا حسب النوع اللي تختاره، أو تقدر توفرهم بنفسك.',
   'Engine oil and oil filter changed where the car is parked. The price is labour, and the oil and filter are charged by the brand you choose, or you can supply your own.',
   'regular_maintenance', 'oil', 30, 30000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["oil","filter","change","زيت","فلتر","غيار"]', 1, 1),
  ('تغيير فلتر الهوا', 'Air Filter Replacement',
   'تغيير فلتر هوا الموتور وفلتر التكييف، وده مهم جدًا مع تراب القاهرة. السعر مصنعية، والفلاتر حسب الموديل.',
   'Engine air filter and cabin filter replaced, which matters a lot with Cairo dust. The price is labour, and filters are charged by model.',
   'regular_maintenance', 'filters', 20, 15000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["air","filter","cabin","فلتر","هوا","تكييف"]', 0, 2),
  ('فحص وتزويد السوائل', 'Fluids Check & Top-Up',
   'فحص مية الردياتير وزيت الفرامل وزيت الباور وزيت الفتيس ومية المساحات، وتزويد أي حاجة ناقصة.',
   'Checks coolant, brake fluid, power steering fluid, gearbox oil and washer fluid, and tops up anything that is low.',
   'regular_maintenance', 'fluids', 30, 20000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["coolant","fluids","brake","radiator","ردياتير","باور","فتيس","سوائل"]', 0, 3),
  ('شحن فريون تكييف العربية', 'Car AC Gas Recharge',
   'كشف على تكييف العربية وتسريب الفريون، وشحنه بالكمية المظبوطة قبل حر الصيف.',
   'Checks the car air conditioning for leaks and recharges the refrigerant to the correct amount, before the summer heat.',
   'regular_maintenance', 'air_conditioning', 60, 60000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["ac","freon","refrigerant","cooling","تكييف","فريون","تبريد"]', 0, 4)
ON DUPLICATE KEY UPDATE
  name_ar = VALUES(name_ar), description_ar = VALUES(description_ar),
  description_en = VALUES(description_en), sub_category = VALUES(sub_category),
  duration_minutes = VALUES(duration_minutes), base_price = VALUES(base_price),
  working_hours_start = VALUES(working_hours_start), working_hours_end = VALUES(working_hours_end),
  working_days = VALUES(working_days), emergency_available = VALUES(emergency_available),
  requires_approval = VALUES(requires_approval), tags = VALUES(tags),
  is_popular = VALUES(is_popular), sort_order = VALUES(sort_order);

-- Car: periodic maintenance by mileage
INSERT INTO services
  (name_ar, name_en, description_ar, description_en, category, sub_category,
   duration_minutes, base_price, working_hours_start, working_hours_end, working_days,
   emergency_available, requires_approval, tags, is_popular, sort_order)
VALUES
  ('صيانة الـ 10,000 كم', '10,000 km Service',
   'صيانة الـ 10,000 كيلو حسب جدول الشركة: تغيير زيت وفلتر، فلتر هوا، فحص الفرامل والعفشة والسوائل، وتقرير كامل بحالة العربية. السعر شامل المصنعية والفحص، والزيوت والقطع بتتحسب بعد موافقتك.',
   'The 10,000 km service on the maker schedule: oil and filter change, air filter, brakes, suspension and fluids check, and a full report on the car. The price covers labour and inspection, and oils and parts are billed after your approval.',
   'periodic_maintenance', 'minor_service', 120, 150000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["service","10000","mileage","maintenance","صيانة","كيلو","عداد"]', 1, 1),
  ('صيانة الـ 20,000 كم', '20,000 km Service',
   'كل بنود صيانة الـ 10,000 كيلو، ومعاها تغيير فلتر البنزين وفلتر التكييف، وفحص البوجيهات وتنظيف بوابة الهوا (الثروتل).',
   'Everything in the 10,000 km service, plus fuel and cabin filters, a spark plug check and throttle body cleaning.',
   'periodic_maintenance', 'minor_service', 150, 220000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["service","20000","mileage","maintenance","صيانة","كيلو","بوجيهات"]', 0, 2),
  ('صيانة الـ 40,000 كم', '40,000 km Service',
   'صيانة كبيرة: تغيير البوجيهات وزيت الفرامل ومية الردياتير، وفحص السيور والعفشة والفرامل بالتفصيل، مع كل بنود الصيانة الصغيرة.',
   'A major service: spark plugs, brake fluid and coolant replaced, belts, suspension and brakes inspected in detail, plus everything in the minor service.',
   'periodic_maintenance', 'major_service', 240, 350000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["service","40000","mileage","major","صيانة","كيلو","بوجيهات","سيور"]', 0, 3),
  ('صيانة الـ 60,000 كم', '60,000 km Service',
   'صيانة الـ 60,000 كيلو بتشمل غالبًا تغيير سير الكاتينة وزيت الفتيس حسب الموديل، عشان كده الحجز بيتأكد من فريق ورشة الأول وبيوصلك عرض سعر القطع قبل الميعاد.',
   'The 60,000 km service often includes the timing belt and gearbox oil depending on the model, so the Warsha team confirms the booking first and sends you a parts quote before the appointment.',
   'periodic_maintenance', 'major_service', 300, 500000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 1, '["service","60000","mileage","major","timing","صيانة","كيلو","كاتينة"]', 0, 4)
ON DUPLICATE KEY UPDATE
  name_ar = VALUES(name_ar), description_ar = VALUES(description_ar),
  description_en = VALUES(description_en), sub_category = VALUES(sub_category),
  duration_minutes = VALUES(duration_minutes), base_price = VALUES(base_price),
  working_hours_start = VALUES(working_hours_start), working_hours_end = VALUES(working_hours_end),
  working_days = VALUES(working_days), emergency_available = VALUES(emergency_available),
  requires_approval = VALUES(requires_approval), tags = VALUES(tags),
  is_popular = VALUES(is_popular), sort_order = VALUES(sort_order);

-- Home: plumbing
INSERT INTO services
  (name_ar, name_en, description_ar, description_en, category, sub_category,
   duration_minutes, base_price, working_hours_start, working_hours_end, working_days,
   emergency_available, requires_approval, tags, is_popular, sort_order)
VALUES
  ('زيارة سباك ومعاينة', 'Plumber Visit & Inspection',
   'سباك شاطر يجيلك يكشف على التسريب أو العطل، ويصلّح الحاجات البسيطة في نفس الزيارة. الشغل الكبير بيتسعّر قبل ما يبدأ.',
   'A skilled plumber inspects the leak or fault and fixes small things in the same visit. Bigger work is priced before it starts.',
   'plumbing', 'inspection', 60, 25000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["plumber","leak","inspection","سباك","سباكة","تسريب","معاينة"]', 1, 1),
  ('كسر ماسورة (طوارئ)', 'Burst Pipe Emergency',
   'ماسورة اتكسرت والمية مغرّقة البيت؟ سباك يوصلك في أي وقت، يقفل المحبس ويوقف التسريب ويصلّح الكسر.',
   'A pipe burst and water is flooding the home? A plumber reaches you at any hour, shuts the valve, stops the leak and repairs the break.',
   'plumbing', 'emergency', 90, 50000, '00:00', '23:59',
   '["sunday","monday","tuesday","wednesday","thursday","friday","saturday"]',
   1, 0, '["pipe","burst","leak","flood","emergency","ماسورة","تسريب","محبس","طوارئ"]', 0, 2),
  ('تسليك بلاعات ومواسير', 'Drain Unclogging',
   'تسليك الحوض والبانيو والتواليت والبلاعات بالسوستة أو بالمكنة من غير تكسير.',
   'Unclogs sinks, bathtubs, toilets and floor drains with a drain snake or machine, without breaking any tiles.',
   'plumbing', 'drains', 60, 35000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["drain","clog","sink","toilet","تسليك","بلاعة","حوض","مجاري"]', 0, 3),
  ('تركيب سخان', 'Water Heater Installation',
   'تركيب سخان كهربا أو غاز، وتوصيله على مواسير المية السخنة والباردة، وتجربته قدامك.',
   'Installs an electric or gas water heater, connects it to the hot and cold water pipes and tests it in front of you.',
   'plumbing', 'installation', 90, 45000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["heater","boiler","installation","سخان","تركيب","مية سخنة"]', 0, 4)
ON DUPLICATE KEY UPDATE
  name_ar = VALUES(name_ar), description_ar = VALUES(description_ar),
  description_en = VALUES(description_en), sub_category = VALUES(sub_category),
  duration_minutes = VALUES(duration_minutes), base_price = VALUES(base_price),
  working_hours_start = VALUES(working_hours_start), working_hours_end = VALUES(working_hours_end),
  working_days = VALUES(working_days), emergency_available = VALUES(emergency_available),
  requires_approval = VALUES(requires_approval), tags = VALUES(tags),
  is_popular = VALUES(is_popular), sort_order = VALUES(sort_order);

-- Home: electrical
INSERT INTO services
  (name_ar, name_en, description_ar, description_en, category, sub_category,
   duration_minutes, base_price, working_hours_start, working_hours_end, working_days,
   emergency_available, requires_approval, tags, is_popular, sort_order)
VALUES
  ('زيارة كهربائي ومعاينة', 'Electrician Visit & Inspection',
   'كهربائي يكشف على أعطال الفيش والمفاتيح واللمبات أو السكينة اللي بتفصل، ويصلّح البسيط في نفس الزيارة.',
   'An electrician checks faults in sockets, switches and lights or a breaker that keeps tripping, and fixes small ones in the same visit.',
   'electrical', 'inspection', 60, 25000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["electrician","socket","switch","breaker","كهربائي","كهربا","فيشة","سكينة"]', 1, 1),
  ('عطل كهربا (طوارئ)', 'Electrical Fault Emergency',
   'الكهربا قاطعة في البيت، أو فيه ريحة شياط أو ماس كهربائي؟ كهربائي يوصلك في أي وقت، يأمّن المكان ويصلّح العطل.',
   'Power out in the home, a burning smell or a short circuit? An electrician reaches you at any hour, makes the place safe and fixes the fault.',
   'electrical', 'emergency', 60, 50000, '00:00', '23:59',
   '["sunday","monday","tuesday","wednesday","thursday","friday","saturday"]',
   1, 0, '["electrical","short","outage","emergency","كهربا","ماس","شياط","طوارئ"]', 0, 2),
  ('تركيب نجف وإضاءة', 'Light Fixture & Chandelier Installation',
   'تركيب نجف وسبوتات وأباليك ومراوح سقف. السعر لحد 3 قطع، والنجف الكبير بيتسعّر حسب حجمه.',
   'Installs chandeliers, spotlights, wall lights and ceiling fans. The price covers up to 3 pieces, and large chandeliers are priced by size.',
   'electrical', 'installation', 60, 30000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["lighting","chandelier","spotlight","fan","نجف","سبوتات","إضاءة","تركيب"]', 0, 3)
ON DUPLICATE KEY UPDATE
  name_ar = VALUES(name_ar), description_ar = VALUES(description_ar),
  description_en = VALUES(description_en), sub_category = VALUES(sub_category),
  duration_minutes = VALUES(duration_minutes), base_price = VALUES(base_price),
  working_hours_start = VALUES(working_hours_start), working_hours_end = VALUES(working_hours_end),
  working_days = VALUES(working_days), emergency_available = VALUES(emergency_available),
  requires_approval = VALUES(requires_approval), tags = VALUES(tags),
  is_popular = VALUES(is_popular), sort_order = VALUES(sort_order);

-- Home: carpentry
INSERT INTO services
  (name_ar, name_en, description_ar, description_en, category, sub_category,
   duration_minutes, base_price, working_hours_start, working_hours_end, working_days,
   emergency_available, requires_approval, tags, is_popular, sort_order)
VALUES
  ('تصليح أبواب وتغيير كوالين', 'Door Repair & Lock Change',
   'تظبيط الأبواب اللي بتزيّق أو مش بتقفل، وتغيير المفصلات والكوالين ومقابض الأبواب.',
   'Fixes doors that creak or will not close, and replaces hinges, locks and door handles.',
   'carpentry', 'doors', 60, 35000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["door","lock","hinge","carpenter","باب","كالون","مفصلات","نجار"]', 0, 1),
  ('فك وتركيب عفش', 'Furniture Assembly & Disassembly',
   'فك وتركيب غرف النوم والدواليب والمطابخ الجاهزة وقت النقل، أو تجميع أثاث جديد من الكرتونة.',
   'Takes apart and reassembles bedrooms, wardrobes and ready-made kitchens when you move, or assembles new flat-pack furniture.',
   'carpentry', 'furniture', 180, 60000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["furniture","assembly","moving","wardrobe","عفش","أثاث","دولاب","نقل"]', 0, 2),
  ('تصليح دواليب المطبخ', 'Kitchen Cabinet Repair',
   'تغيير مفصلات ومجاري الأدراج، وتظبيط الضلف المايلة، وتصليح الخشب اللي نفخ من المية.',
   'Replaces hinges and drawer runners, realigns sagging cabinet doors and repairs wood swollen by water.',
   'carpentry', 'kitchen', 120, 45000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["kitchen","cabinet","drawer","مطبخ","دولاب","ضلف","أدراج"]', 0, 3)
ON DUPLICATE KEY UPDATE
  name_ar = VALUES(name_ar), description_ar = VALUES(description_ar),
  description_en = VALUES(description_en), sub_category = VALUES(sub_category),
  duration_minutes = VALUES(duration_minutes), base_price = VALUES(base_price),
  working_hours_start = VALUES(working_hours_start), working_hours_end = VALUES(working_hours_end),
  working_days = VALUES(working_days), emergency_available = VALUES(emergency_available),
  requires_approval = VALUES(requires_approval), tags = VALUES(tags),
  is_popular = VALUES(is_popular), sort_order = VALUES(sort_order);

-- Home: painting (duration is working time: 8 h a day)
INSERT INTO services
  (name_ar, name_en, description_ar, description_en, category, sub_category,
   duration_minutes, base_price, working_hours_start, working_hours_end, working_days,
   emergency_available, requires_approval, tags, is_popular, sort_order)
VALUES
  ('معاينة وتسعير نقاشة', 'Painting Survey & Quote',
   'نقاش يعاين الشقة ويقيس المساحات ويقترح الخامات والألوان، ويديك سعر مكتوب. تمن المعاينة بيتخصم لو نفذت الشغل معانا.',
   'A painter surveys the home, measures the walls, suggests materials and colours and gives you a written quote. The fee is deducted if you go ahead with the job through Warsha.',
   'painting', 'inspection', 60, 20000, '09:00', '18:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["painter","survey","quote","نقاش","معاينة","تسعير"]', 0, 1),
  ('دهان أوضة', 'Single Room Painting',
   'دهان أوضة لحد 4×4 متر بالبلاستيك: تجهيز الحيطان ومعجنة العيوب البسيطة ووشين دهان. السعر مصنعية، والخامات حسب الماركة اللي تختارها.',
   'Paints a room up to 4 x 4 m in emulsion: wall preparation, filling small defects and two coats. The price is labour, and materials follow the brand you choose.',
   'painting', 'interior', 960, 250000, '09:00', '18:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["painting","room","walls","emulsion","دهان","نقاشة","أوضة","بلاستيك"]', 0, 2),
  ('دهان شقة كاملة', 'Full Apartment Repaint',
   'دهان شقة كاملة لحد 120 متر: تجهيز وتأسيس ومعجون ووشين تشطيب، في حوالي 5 أيام شغل. الحجز بيتأكد بعد المعاينة وعرض السعر النهائي.',
   'Repaints a whole apartment up to 120 m²: preparation, primer, filler and two finishing coats in about 5 working days. The booking is confirmed after a survey and a final quote.',
   'painting', 'interior', 2400, 1800000, '09:00', '18:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 1, '["painting","apartment","repaint","renovation","دهان","نقاشة","شقة","تشطيب"]', 0, 3)
ON DUPLICATE KEY UPDATE
  name_ar = VALUES(name_ar), description_ar = VALUES(description_ar),
  description_en = VALUES(description_en), sub_category = VALUES(sub_category),
  duration_minutes = VALUES(duration_minutes), base_price = VALUES(base_price),
  working_hours_start = VALUES(working_hours_start), working_hours_end = VALUES(working_hours_end),
  working_days = VALUES(working_days), emergency_available = VALUES(emergency_available),
  requires_approval = VALUES(requires_approval), tags = VALUES(tags),
  is_popular = VALUES(is_popular), sort_order = VALUES(sort_order);

-- Home: cleaning
INSERT INTO services
  (name_ar, name_en, description_ar, description_en, category, sub_category,
   duration_minutes, base_price, working_hours_start, working_hours_end, working_days,
   emergency_available, requires_approval, tags, is_popular, sort_order)
VALUES
  ('تنظيف شقة شامل', 'Apartment Deep Cleaning',
   'فريق تنظيف بمعداته وخاماته ينضف الشقة كلها: المطبخ والحمامات والإزاز والأرضيات والأبواب. السعر لشقة لحد 150 متر.',
   'A cleaning team with its own equipment and products cleans the whole apartment: kitchen, bathrooms, windows, floors and doors. The price is for an apartment up to 150 m².',
   'cleaning', 'deep_cleaning', 360, 250000, '08:00', '20:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["cleaning","deep","apartment","تنظيف","نظافة","شقة","شامل"]', 1, 1),
  ('تنظيف دوري (4 ساعات)', 'Regular Home Cleaning (4 hours)',
   'فرد نظافة لمدة 4 ساعات للتنظيف العادي للبيت: كنس ومسح وتنظيف المطبخ والحمام.',
   'One cleaner for 4 hours of routine home cleaning: sweeping, mopping, kitchen and bathroom.',
   'cleaning', 'regular_cleaning', 240, 80000, '08:00', '20:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["cleaning","housekeeping","weekly","تنظيف","نظافة","دوري"]', 0, 2),
  ('تنظيف أنتريهات وسجاد', 'Sofa & Carpet Cleaning',
   'غسيل الأنتريه والكنب والسجاد بالبخار والمكنة في البيت، وبينشف في ساعات.',
   'Steam and machine cleaning of sofas, couches and carpets at home, dry within hours.',
   'cleaning', 'upholstery', 180, 90000, '08:00', '20:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["sofa","carpet","upholstery","steam","أنتريه","كنب","سجاد","غسيل"]', 0, 3),
  ('تنظيف بعد التشطيب', 'Post-Construction Cleaning',
   'شيل بواقي الأسمنت والدهان والجبس بعد التشطيب، وتنظيف الشقة لحد ما تبقى جاهزة للسكن. الحجز بيتأكد بعد معاينة المساحة.',
   'Removes cement, paint and plaster residue after finishing work and cleans the apartment until it is ready to move into. The booking is confirmed after the area is surveyed.',
   'cleaning', 'post_construction', 480, 400000, '08:00', '20:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 1, '["cleaning","construction","finishing","تنظيف","تشطيب","أسمنت"]', 0, 4)
ON DUPLICATE KEY UPDATE
  name_ar = VALUES(name_ar), description_ar = VALUES(description_ar),
  description_en = VALUES(description_en), sub_category = VALUES(sub_category),
  duration_minutes = VALUES(duration_minutes), base_price = VALUES(base_price),
  working_hours_start = VALUES(working_hours_start), working_hours_end = VALUES(working_hours_end),
  working_days = VALUES(working_days), emergency_available = VALUES(emergency_available),
  requires_approval = VALUES(requires_approval), tags = VALUES(tags),
  is_popular = VALUES(is_popular), sort_order = VALUES(sort_order);

-- Home: air conditioning (AC technicians work seven days a week)
INSERT INTO services
  (name_ar, name_en, description_ar, description_en, category, sub_category,
   duration_minutes, base_price, working_hours_start, working_hours_end, working_days,
   emergency_available, requires_approval, tags, is_popular, sort_order)
VALUES
  ('غسيل تكييف (للوحدة)', 'AC Cleaning (per unit)',
   'غسيل الوحدة الداخلية والفلاتر والوحدة الخارجية بالمية والمنظفات، عشان التكييف يرجع يبرّد كويس ويوفّر في الكهربا.',
   'Washes the indoor unit, the filters and the outdoor unit with water and cleaning agents so the AC cools well again and uses less power.',
   'ac_repair', 'cleaning', 60, 45000, '09:00', '22:00',
   '["sunday","monday","tuesday","wednesday","thursday","friday","saturday"]',
   0, 0, '["ac","cleaning","split","filter","تكييف","غسيل","فلاتر"]', 1, 1),
  ('شحن فريون تكييف', 'AC Gas Recharge',
   'كشف على التسريب ولحامه وشحن الفريون للتكييف اللي مش بيبرّد. السعر لتكييف لحد 3 حصان.',
   'Finds and brazes leaks and recharges the refrigerant of an AC that stopped cooling. The price is for units up to 3 HP.',
   'ac_repair', 'repair', 60, 90000, '09:00', '22:00',
   '["sunday","monday","tuesday","wednesday","thursday","friday","saturday"]',
   0, 0, '["ac","freon","refrigerant","gas","تكييف","فريون","شحن"]', 0, 2),
  ('تركيب تكييف', 'AC Installation',
   'تركيب تكييف سبليت لحد 3 حصان، مع 3 متر مواسير نحاس وحامل للوحدة الخارجية. المواسير الزيادة بتتحسب بالمتر.',
   'Installs a split AC up to 3 HP with 3 m of copper pipe and an outdoor unit bracket. Extra pipe is charged per metre.',
   'ac_repair', 'installation', 180, 150000, '09:00', '22:00',
   '["sunday","monday","tuesday","wednesday","thursday","friday","saturday"]',
   0, 0, '["ac","installation","split","تكييف","تركيب","سبليت"]', 0, 3)
ON DUPLICATE KEY UPDATE
  name_ar = VALUES(name_ar), description_ar = VALUES(description_ar),
  description_en = VALUES(description_en), sub_category = VALUES(sub_category),
  duration_minutes = VALUES(duration_minutes), base_price = VALUES(base_price),
  working_hours_start = VALUES(working_hours_start), working_hours_end = VALUES(working_hours_end),
  working_days = VALUES(working_days), emergency_available = VALUES(emergency_available),
  requires_approval = VALUES(requires_approval), tags = VALUES(tags),
  is_popular = VALUES(is_popular), sort_order = VALUES(sort_order);

-- Home: appliance repair
INSERT INTO services
  (name_ar, name_en, description_ar, description_en, category, sub_category,
   duration_minutes, base_price, working_hours_start, working_hours_end, working_days,
   emergency_available, requires_approval, tags, is_popular, sort_order)
VALUES
  ('صيانة غسالات', 'Washing Machine Repair',
   'تصليح الغسالات الأوتوماتيك والعادي اللي مش بتصفّي أو مش بتعصر أو بتسرّب مية. السعر للزيارة والكشف، وقطع الغيار بتتحسب لوحدها.',
   'Repairs automatic and twin-tub washing machines that will not drain or spin, or that leak. The price covers the visit and diagnosis, and spare parts are extra.',
   'appliance_repair', 'laundry', 60, 35000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["washer","washing","laundry","غسالة","صيانة","تصليح"]', 0, 1),
  ('صيانة تلاجات', 'Refrigerator Repair',
   'تصليح التلاجات والديب فريزر اللي مش بتبرّد أو بتعمل تلج زيادة أو صوت الموتور فيها عالي.',
   'Repairs fridges and chest freezers that do not cool, build up too much ice or have a noisy compressor.',
   'appliance_repair', 'cooling', 60, 35000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["fridge","refrigerator","freezer","تلاجة","ديب فريزر","صيانة"]', 0, 2),
  ('صيانة بوتاجازات', 'Gas Cooker Repair',
   'تنظيف وتظبيط عيون البوتاجاز والفرن، وتغيير المحابس والولاعات والخراطيم.',
   'Cleans and adjusts cooker burners and the oven, and replaces valves, igniters and hoses.',
   'appliance_repair', 'cooking', 60, 30000, '09:00', '21:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["cooker","stove","oven","gas","بوتاجاز","فرن","عيون"]', 0, 3)
ON DUPLICATE KEY UPDATE
  name_ar = VALUES(name_ar), description_ar = VALUES(description_ar),
  description_en = VALUES(description_en), sub_category = VALUES(sub_category),
  duration_minutes = VALUES(duration_minutes), base_price = VALUES(base_price),
  working_hours_start = VALUES(working_hours_start), working_hours_end = VALUES(working_hours_end),
  working_days = VALUES(working_days), emergency_available = VALUES(emergency_available),
  requires_approval = VALUES(requires_approval), tags = VALUES(tags),
  is_popular = VALUES(is_popular), sort_order = VALUES(sort_order);

-- Home: tiling
INSERT INTO services
  (name_ar, name_en, description_ar, description_en, category, sub_category,
   duration_minutes, base_price, working_hours_start, working_hours_end, working_days,
   emergency_available, requires_approval, tags, is_popular, sort_order)
VALUES
  ('تغيير بلاط وسيراميك مكسور', 'Broken Tile Replacement',
   'تكسير البلاط أو السيراميك المكسور وتركيب جديد مكانه وترويبه. السعر لحد 2 متر مربع.',
   'Removes cracked floor or wall tiles, lays new ones and grouts them. The price covers up to 2 m².',
   'tiling', 'repair', 120, 50000, '08:00', '18:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["tiles","ceramic","floor","repair","سيراميك","بلاط","ترويب"]', 0, 1),
  ('تكسير وتركيب سيراميك حمام', 'Bathroom Re-tiling',
   'تكسير سيراميك الحمام القديم وتركيب سيراميك جديد للحيطان والأرضية لحمام لحد 6 متر. السعر مصنعية، والحجز بيتأكد بعد المعاينة.',
   'Strips the old bathroom tiles and lays new wall and floor tiles for a bathroom up to 6 m². The price is labour, and the booking is confirmed after a survey.',
   'tiling', 'installation', 1920, 600000, '08:00', '18:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 1, '["tiles","ceramic","bathroom","renovation","سيراميك","حمام","تشطيب"]', 0, 2)
ON DUPLICATE KEY UPDATE
  name_ar = VALUES(name_ar), description_ar = VALUES(description_ar),
  description_en = VALUES(description_en), sub_category = VALUES(sub_category),
  duration_minutes = VALUES(duration_minutes), base_price = VALUES(base_price),
  working_hours_start = VALUES(working_hours_start), working_hours_end = VALUES(working_hours_end),
  working_days = VALUES(working_days), emergency_available = VALUES(emergency_available),
  requires_approval = VALUES(requires_approval), tags = VALUES(tags),
  is_popular = VALUES(is_popular), sort_order = VALUES(sort_order);

-- Home: aluminum windows
INSERT INTO services
  (name_ar, name_en, description_ar, description_en, category, sub_category,
   duration_minutes, base_price, working_hours_start, working_hours_end, working_days,
   emergency_available, requires_approval, tags, is_popular, sort_order)
VALUES
  ('تصليح شبابيك ألوميتال', 'Aluminum Window Repair',
   'تغيير عجل وكوالين وجلد الشبابيك الألوميتال، عشان تتقفل كويس وماتدخلش تراب.',
   'Replaces the rollers, locks and rubber seals of aluminum windows so they close properly and keep the dust out.',
   'aluminum', 'repair', 60, 35000, '09:00', '19:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["aluminum","window","sliding","repair","ألوميتال","شباك","عجل"]', 0, 1),
  ('تركيب سلك ناموسية', 'Insect Screen Installation',
   'تفصيل وتركيب سلك ناموسية ثابت أو جرّار على الشبابيك والبلكونات. السعر لحد شباكين.',
   'Makes and fits fixed or sliding insect screens on windows and balconies. The price covers up to two windows.',
   'aluminum', 'screens', 60, 30000, '09:00', '19:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["screen","mosquito","window","سلك","ناموسية","شباك"]', 0, 2),
  ('تصنيع وتركيب شباك ألوميتال', 'New Aluminum Window',
   'تصنيع وتركيب شباك ألوميتال جديد بالقطاع والإزاز اللي تختاره، لحد 1.5 متر مربع. الحجز بيتأكد بعد أخد المقاسات وعرض السعر.',
   'Fabricates and installs a new aluminum window in the profile and glass you choose, up to 1.5 m². The booking is confirmed after measuring and a quote.',
   'aluminum', 'fabrication', 240, 450000, '09:00', '19:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 1, '["aluminum","window","new","glass","ألوميتال","شباك","تصنيع","إزاز"]', 0, 3)
ON DUPLICATE KEY UPDATE
  name_ar = VALUES(name_ar), description_ar = VALUES(description_ar),
  description_en = VALUES(description_en), sub_category = VALUES(sub_category),
  duration_minutes = VALUES(duration_minutes), base_price = VALUES(base_price),
  working_hours_start = VALUES(working_hours_start), working_hours_end = VALUES(working_hours_end),
  working_days = VALUES(working_days), emergency_available = VALUES(emergency_available),
  requires_approval = VALUES(requires_approval), tags = VALUES(tags),
  is_popular = VALUES(is_popular), sort_order = VALUES(sort_order);

-- Home: pest control
INSERT INTO services
  (name_ar, name_en, description_ar, description_en, category, sub_category,
   duration_minutes, base_price, working_hours_start, working_hours_end, working_days,
   emergency_available, requires_approval, tags, is_popular, sort_order)
VALUES
  ('رش صراصير وحشرات', 'Cockroach & Insect Spraying',
   'رش مبيدات مرخصة للصراصير والنمل والحشرات الزاحفة في الشقة كلها، والشقة بتبقى جاهزة تاني بعد ساعتين.',
   'Sprays licensed insecticide against cockroaches, ants and crawling insects throughout the apartment, which is ready to use again after two hours.',
   'pest_control', 'insects', 90, 70000, '09:00', '18:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["pest","cockroach","ants","spraying","صراصير","نمل","رش","مبيدات"]', 0, 1),
  ('مكافحة بق الفراش', 'Bed Bug Treatment',
   'معالجة السراير والمراتب والكنب من البق على زيارتين بينهم أسبوعين.',
   'Treats beds, mattresses and sofas for bed bugs over two visits two weeks apart.',
   'pest_control', 'bed_bugs', 180, 150000, '09:00', '18:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["bedbugs","pest","mattress","بق","مراتب","مبيدات"]', 0, 2),
  ('مكافحة الفئران', 'Rodent Control',
   'سد الأماكن اللي الفيران بتدخل منها، وتركيب طعوم ومصايد آمنة على الأطفال والحيوانات الأليفة.',
   'Seals rodent entry points and sets bait stations and traps that are safe around children and pets.',
   'pest_control', 'rodents', 90, 90000, '09:00', '18:00',
   '["sunday","monday","tuesday","wednesday","thursday","saturday"]',
   0, 0, '["rodents","rats","mice","pest","فئران","فيران","طعوم","مصايد"]', 0, 3)
ON DUPLICATE KEY UPDATE
  name_ar = VALUES(name_ar), description_ar = VALUES(description_ar),
  description_en = VALUES(description_en), sub_category = VALUES(sub_category),
  duration_minutes = VALUES(duration_minutes), base_price = VALUES(base_price),
  working_hours_start = VALUES(working_hours_start), working_hours_end = VALUES(working_hours_end),
  working_days = VALUES(working_days), emergency_available = VALUES(emergency_available),
  requires_approval = VALUES(requires_approval), tags = VALUES(tags),
  is_popular = VALUES(is_popular), sort_order = VALUES(sort_order);

-- Running workers cache the catalog: tell them it moved (schema: cache_versions).
UPDATE cache_versions SET version = version + 1 WHERE name = 'catalog';
