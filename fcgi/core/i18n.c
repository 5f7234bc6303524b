#include "i18n.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

/* Indexed by enum msg (i18n.h); every slot but MSG_NONE holds a key and both texts. */
static const struct i18n_msg messages[MSG__MAX] = {
	[MSG_NONE] = { "", "", "" },
	[MSG_ACCOUNT_DISABLED] = { "account.disabled", "تم تعطيل هذا الحساب", "This account is disabled" },
	[MSG_ACTIVITY_LIST] = { "activity.list", "سجل النشاط", "Activity log" },
	[MSG_ADMIN_ADMINS_ONLY] = { "admin.admins_only", "هذا الإجراء متاح للمديرين فقط", "Only an admin can do this" },
	[MSG_ADMIN_CREATED] = { "admin.created", "تم إنشاء حساب الإدارة بنجاح", "Admin account created successfully" },
	[MSG_AUTH_CODE_INVALID] = { "auth.code_invalid", "الرمز غير صحيح أو منتهي الصلاحية", "The code is invalid or has expired" },
	[MSG_AUTH_CODE_TOO_MANY] = { "auth.code_too_many", "محاولات كثيرة لهذا الرمز، اطلب رمزاً جديداً", "Too many attempts for this code; request a new one" },
	[MSG_AUTH_EMAIL_VERIFIED] = { "auth.email_verified", "تم تأكيد البريد الإلكتروني بنجاح", "Email verified successfully" },
	[MSG_AUTH_INVALID_CREDENTIALS] = { "auth.invalid_credentials", "بيانات الدخول غير صحيحة", "Invalid login credentials" },
	[MSG_AUTH_LOGGED_IN] = { "auth.logged_in", "تم تسجيل الدخول بنجاح", "Logged in successfully" },
	[MSG_AUTH_LOGGED_OUT] = { "auth.logged_out", "تم تسجيل الخروج بنجاح", "Logged out successfully" },
	[MSG_AUTH_ME] = { "auth.me", "بيانات المستخدم الحالي", "Current user" },
	[MSG_AUTH_PASSWORD_CHANGED] = { "auth.password_changed", "تم تغيير كلمة المرور بنجاح", "Password changed successfully" },
	[MSG_AUTH_PASSWORD_RESET] = { "auth.password_reset", "تم تعيين كلمة المرور الجديدة بنجاح", "Your password has been reset" },
	[MSG_AUTH_PHONE_VERIFIED] = { "auth.phone_verified", "تم تأكيد رقم الهاتف بنجاح", "Phone number verified successfully" },
	[MSG_AUTH_REFRESHED] = { "auth.refreshed", "تم تجديد الجلسة", "Session refreshed" },
	[MSG_AUTH_REGISTERED] = { "auth.registered", "تم إنشاء الحساب بنجاح", "Account created successfully" },
	[MSG_AUTH_RESET_SENT] = { "auth.reset_sent", "إذا كان البريد مسجلاً لدينا فستصلك رسالة لإعادة تعيين كلمة المرور", "If that email is registered, a password reset message is on its way" },
	[MSG_AUTH_ROLE_NOT_ALLOWED] = { "auth.role_not_allowed", "لا يمكنك تسجيل الدخول من هنا بهذا الحساب", "This account cannot sign in here" },
	[MSG_AUTH_STAFF_EMAIL_ONLY] = { "auth.staff_email_only", "حسابات الإدارة تسجل الدخول بالبريد الإلكتروني فقط", "Staff accounts sign in with their email address only" },
	[MSG_AUTH_TOKEN_INVALID] = { "auth.token_invalid", "الجلسة غير صالحة، سجّل الدخول مرة أخرى", "Invalid session; please sign in again" },
	[MSG_AUTH_TOO_MANY_LOGINS] = { "auth.too_many_logins", "محاولات تسجيل دخول كثيرة، حاول مرة أخرى لاحقاً", "Too many login attempts; try again later" },
	[MSG_AUTH_VERIFICATION_SENT] = { "auth.verification_sent", "تم إرسال رمز التحقق", "A verification code has been sent" },
	[MSG_AUTH_WRONG_PASSWORD] = { "auth.wrong_password", "كلمة المرور الحالية غير صحيحة", "The current password is incorrect" },
	[MSG_ERR_BAD_REQUEST] = { "err.bad_request", "تعذر قراءة الطلب: صيغة JSON غير صحيحة", "The request could not be read: malformed JSON" },
	[MSG_ERR_CONFLICT] = { "err.conflict", "البيانات موجودة بالفعل", "This resource already exists" },
	[MSG_ERR_FORBIDDEN] = { "err.forbidden", "ليست لديك صلاحية لهذا الإجراء", "You do not have permission for this action" },
	[MSG_ERR_INTERNAL] = { "err.internal", "حدث خطأ في الخادم", "Internal server error" },
	[MSG_ERR_INVALID_ID] = { "err.invalid_id", "المورد غير موجود (معرّف غير صالح)", "Resource not found (invalid ID)" },
	[MSG_ERR_METHOD_NOT_ALLOWED] = { "err.method_not_allowed", "طريقة الطلب غير مسموحة لهذا المسار", "Method not allowed for this route" },
	[MSG_ERR_NOT_FOUND] = { "err.not_found", "المورد غير موجود", "Resource not found" },
	[MSG_ERR_PAYLOAD_TOO_LARGE] = { "err.payload_too_large", "حجم الطلب أكبر من المسموح", "Request body is too large" },
	[MSG_ERR_RATE_LIMITED] = { "err.rate_limited", "طلبات كثيرة، حاول مرة أخرى لاحقاً", "Too many requests; try again later" },
	[MSG_ERR_ROUTE_NOT_FOUND] = { "err.route_not_found", "المسار غير موجود", "API route not found" },
	[MSG_ERR_UNAUTHORIZED] = { "err.unauthorized", "غير مصرح لك بالوصول", "Authentication required" },
	[MSG_ERR_UNAVAILABLE] = { "err.unavailable", "الخدمة غير متاحة مؤقتاً، حاول بعد قليل", "Service temporarily unavailable; try again shortly" },
	[MSG_ERR_UNSUPPORTED_MEDIA] = { "err.unsupported_media", "نوع المحتوى غير مدعوم، استخدم application/json", "Unsupported content type; use application/json" },
	[MSG_ERR_USER_BANNED] = { "err.user_banned", "تم حظر هذا الحساب", "This account has been banned" },
	[MSG_ERR_VALIDATION] = { "err.validation", "بيانات غير صحيحة", "Invalid data" },
	[MSG_HEALTH_OK] = { "health.ok", "الخدمة تعمل", "Service is running" },
	[MSG_MAINTENANCE_DONE] = { "maintenance.done", "تم تنفيذ مهمة الصيانة", "Maintenance task completed" },
	[MSG_SERVICE_CREATED] = { "service.created", "تم إنشاء الخدمة بنجاح", "Service created successfully" },
	[MSG_SERVICE_DELETED] = { "service.deleted", "تم حذف الخدمة بنجاح", "Service deleted successfully" },
	[MSG_SERVICE_FOUND] = { "service.found", "تفاصيل الخدمة", "Service details" },
	[MSG_SERVICE_LIST] = { "service.list", "قائمة الخدمات", "Services" },
	[MSG_SERVICE_UPDATED] = { "service.updated", "تم تحديث الخدمة بنجاح", "Service updated successfully" },
	[MSG_SERVICES_BULK_CREATED] = { "services.bulk_created", "تم إنشاء الخدمات بنجاح", "Services created successfully" },
	[MSG_SERVICES_CATEGORIES] = { "services.categories", "فئات الخدمات", "Service categories" },
	[MSG_SETTING_CREATED] = { "setting.created", "تم إنشاء الإعداد بنجاح", "Setting created successfully" },
	[MSG_SETTING_UPDATED] = { "setting.updated", "تم تحديث الإعداد بنجاح", "Setting updated successfully" },
	[MSG_SETTINGS_LIST] = { "settings.list", "إعدادات النظام", "System settings" },
	[MSG_USER_ALREADY_BANNED] = { "user.already_banned", "هذا المستخدم محظور بالفعل", "This user is already banned" },
	[MSG_USER_BANNED] = { "user.banned", "تم حظر المستخدم", "User banned" },
	[MSG_USER_DELETED] = { "user.deleted", "تم حذف الحساب", "Account deleted" },
	[MSG_USER_FOUND] = { "user.found", "بيانات المستخدم", "User details" },
	[MSG_USER_LIST] = { "user.list", "قائمة المستخدمين", "Users" },
	[MSG_USER_NOT_BANNED] = { "user.not_banned", "هذا المستخدم غير محظور", "This user is not banned" },
	[MSG_USER_PROFILE] = { "user.profile", "الملف الشخصي", "Profile" },
	[MSG_USER_PROFILE_UPDATED] = { "user.profile_updated", "تم تحديث الملف الشخصي بنجاح", "Profile updated successfully" },
	[MSG_USER_ROLE_UPDATED] = { "user.role_updated", "تم تحديث صلاحية المستخدم", "User role updated" },
	[MSG_USER_SELF_ACTION] = { "user.self_action", "لا يمكنك تنفيذ هذا الإجراء على حسابك أنت", "You cannot do this to your own account" },
	[MSG_USER_SETTINGS] = { "user.settings", "إعدادات المستخدم", "User settings" },
	[MSG_USER_SETTINGS_UPDATED] = { "user.settings_updated", "تم تحديث الإعدادات بنجاح", "Settings updated successfully" },
	[MSG_USER_UNBANNED] = { "user.unbanned", "تم إلغاء حظر المستخدم", "User unbanned" },
	[MSG_V_INVALID_FORMAT] = { "v.INVALID_FORMAT", "الصيغة غير صحيحة", "Invalid format" },
	[MSG_V_INVALID_TYPE] = { "v.INVALID_TYPE", "نوع القيمة غير صحيح", "Wrong value type" },
	[MSG_V_INVALID_VALUE] = { "v.INVALID_VALUE", "القيمة غير مسموحة", "Value not allowed" },
	[MSG_V_OUT_OF_RANGE] = { "v.OUT_OF_RANGE", "القيمة خارج النطاق المسموح", "Value out of range" },
	[MSG_V_REQUIRED] = { "v.REQUIRED", "هذا الحقل مطلوب", "This field is required" },
	[MSG_V_TOO_LONG] = { "v.TOO_LONG", "القيمة أطول من المسموح", "Value is too long" },
	[MSG_V_TOO_SHORT] = { "v.TOO_SHORT", "القيمة أقصر من المسموح", "Value is too short" },
	[MSG_V_WEAK_PASSWORD] = { "v.WEAK_PASSWORD", "كلمة المرور يجب أن تكون 8 أحرف على الأقل وتحتوي على حرف كبير وحرف صغير ورقم", "Password must be at least 8 characters with an upper-case letter, a lower-case letter and a digit" },
	[MSG_V_CATEGORY] = { "v.category", "الفئة غير معروفة، استخدم مفتاحاً من قائمة فئات الخدمات", "Unknown category; use a key of GET /api/services/categories" },
	[MSG_V_CURSOR_SEARCH] = { "v.cursor_search", "البحث يُتصفح بالصفحات (page) وليس بالمؤشر (cursor)", "A search is paged with page, not with cursor" },
	[MSG_V_DATE_FUTURE] = { "v.date_future", "لا يمكن أن يكون التاريخ في المستقبل", "The date cannot be in the future" },
	[MSG_V_EMAIL] = { "v.email", "البريد الإلكتروني غير صحيح", "Invalid email address" },
	[MSG_V_EMAIL_TAKEN] = { "v.email_taken", "البريد الإلكتروني مسجل بالفعل", "This email is already registered" },
	[MSG_V_GOVERNORATE] = { "v.governorate", "المحافظة غير معروفة، استخدم اسمها أو رمزها (مثل C أو GZ)", "Unknown governorate; use its name or code (such as C or GZ)" },
	[MSG_V_HOURS_ORDER] = { "v.hours_order", "يجب أن تنتهي ساعات العمل بعد أن تبدأ", "Working hours must end after they start" },
	[MSG_V_PAGE_WINDOW] = { "v.page_window", "الصفحات تصل إلى أول 10000 صف فقط؛ لما بعدها استخدم cursor من pagination.nextCursor", "Pages reach the first 10,000 rows; go further with cursor (pagination.nextCursor)" },
	[MSG_V_PHONE] = { "v.phone", "رقم الهاتف غير صحيح، استخدم رقم موبايل مصري", "Invalid phone number; use an Egyptian mobile number" },
	[MSG_V_PHONE_TAKEN] = { "v.phone_taken", "رقم الهاتف مسجل بالفعل", "This phone number is already registered" },
	[MSG_V_SEARCH_WINDOW] = { "v.search_window", "يعرض البحث أول 10000 نتيجة فقط؛ حدّد البحث أكثر", "A search shows its first 10,000 matches; narrow the search" },
	[MSG_V_SERVICE_NAME_TAKEN] = { "v.service_name_taken", "توجد خدمة بهذا الاسم الإنجليزي في هذه الفئة", "A service of this English name exists in this category" },
	[MSG_V_SETTING_KEY] = { "v.setting_key", "المفتاح من حروف إنجليزية صغيرة وأرقام و _ و . ويبدأ بحرف", "A key is lower-case letters, digits, _ and ., starting with a letter" },
	[MSG_V_SETTING_KEY_TAKEN] = { "v.setting_key_taken", "يوجد إعداد بهذا المفتاح بالفعل", "A setting with this key exists" },
	[MSG_V_USERNAME] = { "v.username", "اسم المستخدم من 3 إلى 64 حرفاً: حروف إنجليزية وأرقام و _ و . وفيه حرف واحد على الأقل", "Username: 3 to 64 characters of letters, digits, _ and ., with at least one letter" },
	[MSG_V_USERNAME_TAKEN] = { "v.username_taken", "اسم المستخدم مستخدم بالفعل", "This username is already taken" },
	[MSG_V_WORKING_DAYS] = { "v.working_days", "أيام العمل أسماء أيام بالإنجليزية بحروف صغيرة، كل يوم مرة واحدة (saturday مثلاً)", "Working days are lower-case English day names, each once (such as saturday)" },
	[MSG_USER_DIRECTORY_ONLY] = { "user.directory_only", "يمكنك تصفح الفنيين فقط", "You can browse technicians only" },
	[MSG_V_SEARCH_NAMES_ONLY] = { "v.search_names_only", "البحث بالاسم فقط، وليس بالبريد الإلكتروني أو الهاتف أو اسم المستخدم", "Search by name only, not by email, phone or username" },
	[MSG_V_NO_KNOWN_FIELD] = { "v.NO_KNOWN_FIELD", "لا يوجد في الطلب أي حقل يمكن تعديله",
	    "The request holds no field that can be changed" },
	[MSG_BOOKING_CREATED] = { "booking.created", "تم إنشاء الحجز بنجاح", "Booking created successfully" },
	[MSG_BOOKING_FOUND] = { "booking.found", "تفاصيل الحجز", "Booking details" },
	[MSG_BOOKING_LIST] = { "booking.list", "قائمة الحجوزات", "Bookings" },
	[MSG_BOOKING_UPDATED] = { "booking.updated", "تم تحديث حالة الحجز", "Booking status updated" },
	[MSG_BOOKING_APPROVED] = { "booking.approved", "تمت الموافقة على الحجز", "Booking approved" },
	[MSG_BOOKING_REJECTED] = { "booking.rejected", "تم رفض الحجز", "Booking rejected" },
	[MSG_BOOKING_ASSIGNED] = { "booking.assigned", "تم تعيين الفني للحجز", "Technician assigned to the booking" },
	[MSG_BOOKING_CANCELLED] = { "booking.cancelled", "تم إلغاء الحجز", "Booking cancelled" },
	[MSG_BOOKING_NO_MOVE] = { "booking.no_move", "لا يمكن إجراء هذا التغيير على الحجز في حالته الحالية", "This change is not possible in the booking's current status" },
	[MSG_BOOKING_NOT_ALLOWED] = { "booking.not_allowed", "هذا التغيير على الحجز ليس من صلاحياتك", "You are not the one who may make this change to the booking" },
	[MSG_V_START_CODE] = { "v.start_code", "بدء العمل يحتاج كود البدء الخاص بالعميل", "Starting the work needs the customer's start code" },
	[MSG_V_BOOKING_SERVICE] = { "v.booking_service", "لا توجد خدمة متاحة بهذا الرقم", "There is no active service with this id" },
	[MSG_V_BOOKING_PAST] = { "v.booking_past", "ميعاد الحجز لازم يكون في المستقبل", "The scheduled time must be in the future" },
	[MSG_V_BOOKING_HOURS] = { "v.booking_hours", "الميعاد خارج أيام وساعات عمل الخدمة (بتوقيت القاهرة)", "The scheduled time is outside the service's working days and hours (Cairo time)" },
	[MSG_V_BOOKING_EMERGENCY] = { "v.booking_emergency", "هذه الخدمة غير متاحة للطوارئ", "This service is not available for emergencies" },
	[MSG_V_TECHNICIAN] = { "v.technician", "لا يوجد فني نشط بهذا الرقم", "There is no active technician with this id" },
	[MSG_V_DATETIME] = { "v.datetime", "الوقت لازم يكون بصيغة ISO 8601 مع المنطقة الزمنية، مثل 2026-12-01T10:00:00.000Z", "A time in ISO 8601 with its zone, such as 2026-12-01T10:00:00.000Z" },
	[MSG_V_START_CODE_WRONG] = { "v.start_code_wrong", "كود البدء غير صحيح", "The start code is not right" },
	[MSG_AUTH_TOO_MANY_TRIES] = { "auth.too_many_tries", "محاولات كثيرة من هذا العنوان، حاول مرة أخرى لاحقاً", "Too many attempts from this address; try again later" },
	[MSG_TECHNICIAN_LIST] = { "technician.list", "قائمة الفنيين", "Technicians" },
	[MSG_TECHNICIAN_AVAILABLE] = { "technician.available", "الفنيون المتاحون بالقرب منك",
	    "Available technicians near you" },
	[MSG_TECHNICIAN_FOUND] = { "technician.found", "بيانات الفني", "Technician details" },
	[MSG_TECHNICIAN_CREATED] = { "technician.created", "تم إنشاء ملف الفني",
	    "Technician profile created" },
	[MSG_TECHNICIAN_UPDATED] = { "technician.updated", "تم تحديث ملف الفني",
	    "Technician profile updated" },
	[MSG_TECHNICIAN_STATUS_UPDATED] = { "technician.status_updated", "تم تحديث حالة العمل",
	    "Work status updated" },
	[MSG_TECHNICIAN_SELF_ONLY] = { "technician.self_only",
	    "يمكن للفني تعديل بياناته فقط", "A technician can change their own profile only" },
	[MSG_TECHNICIAN_VERIFY_STAFF] = { "technician.verify_staff",
	    "التحقق من الفنيين للإدارة فقط", "Only staff verify technicians" },
	[MSG_TECHNICIAN_STAFF_ACCOUNT] = { "technician.staff_account",
	    "حساب الإدارة لا يصبح حساب فني", "A staff account cannot become a technician" },
	[MSG_TECHNICIAN_EXISTS] = { "technician.exists", "هذا المستخدم فني بالفعل",
	    "This user is a technician already" },
	[MSG_V_LOCATION] = { "v.location",
	    "الموقع خط عرض بين -90 و 90 وخط طول بين -180 و 180 (مثل 30.0444,31.2357)",
	    "A location is a latitude from -90 to 90 and a longitude from -180 to 180 (such as 30.0444,31.2357)" },
	[MSG_V_SERVICE_UNKNOWN] = { "v.service_unknown", "لا توجد خدمة بهذا الرقم",
	    "There is no such service" },
	[MSG_V_TECHNICIAN_ID] = { "v.technician_id", "حدد الفني (technicianId)",
	    "Name the technician (technicianId)" },
	[MSG_V_REASON_REQUIRED] = { "v.reason_required", "اذكر سبب الرفض",
	    "Give the reason of the rejection" },
	[MSG_NOTIFICATION_LIST] = { "notification.list", "الإشعارات", "Notifications" },
	[MSG_NOTIFICATION_READ] = { "notification.read", "تم تعليم الإشعار كمقروء", "Notification marked as read" },
	[MSG_NOTIFICATION_READ_ALL] = { "notification.read_all", "تم تعليم كل الإشعارات كمقروءة", "All notifications marked as read" },
	[MSG_NOTIFICATION_DELETED] = { "notification.deleted", "تم حذف الإشعار", "Notification deleted" },
	[MSG_NOTIFICATION_SENT] = { "notification.sent", "تم إرسال الإشعار", "Notification sent" },
	[MSG_V_NOTIFY_TARGET] = { "v.notify_target", "حدد مستلمًا واحدًا: userId أو role أو all: true", "Give exactly one recipient: userId, role or all: true" },
	[MSG_V_NOTIFY_USER] = { "v.notify_user", "لا يوجد مستخدم بهذا الرقم", "There is no user with this id" },
	[MSG_V_NOTIFY_CHANNELS] = { "v.notify_channels", "القنوات (بريد، رسائل، إشعارات الجوال) تُختار للإرسال لمستخدم واحد فقط", "Channels (e-mail, SMS, push) apply to a send to one user only" },
	[MSG_V_NOTIFY_IDS] = { "v.notify_ids", "قائمة من 1 إلى 100 رقم إشعار", "A list of 1 to 100 notification ids" },
	[MSG_BOOKING_GUEST_LIMIT] = { "booking.guest_limit", "طلبات طوارئ كثيرة من هذا العنوان بدون حساب، حاول بعد قليل أو سجّل الدخول", "Too many emergency requests without an account from this address; try again later or sign in" },
	[MSG_V_BOOKING_LEAD] = { "v.booking_lead", "الميعاد قريب جداً: لازم يكون بعد مدة التجهيز المحددة على الأقل", "The scheduled time is too soon: it must be at least the booking lead time ahead" },
	[MSG_V_BOOKING_ADVANCE] = { "v.booking_advance", "الميعاد بعيد جداً: لا يمكن الحجز بعد أقصى عدد أيام مسموح مقدماً", "The scheduled time is too far ahead: it must be within the days a booking may be made in advance" },
	[MSG_BOOKING_TRACKING] = { "booking.tracking", "متابعة الحجز", "Booking tracking" },
	[MSG_BOOKING_NOT_UNDERWAY] = { "booking.not_underway", "الموقع يُرسل فقط والفني في الطريق أو في المكان أو أثناء العمل", "A location is sent only while the technician is on the way, there or at work" },
	[MSG_V_BOOKING_ONE_FILTER] = { "v.booking_one_filter", "استخدم فلتر واحد فقط: الحالة أو الخدمة أو الطوارئ، أو مدى مواعيد الحجز وحده", "Use one filter at a time: status, serviceId or isEmergency; a range of scheduled days goes alone" },
	[MSG_V_BOOKING_TIME] = { "v.booking_time", "الوقت بصيغة HH:mm بتوقيت القاهرة، مثل 14:30", "A time as HH:mm, Cairo time, such as 14:30" },
	[MSG_NOTIFY_BOOKING_TITLE] = { "notify.booking.title", "تحديث على حجزك", "An update on your booking" },
	[MSG_NOTIFY_BOOKING_APPROVED] = { "notify.booking.approved", "تمت الموافقة على حجزك وسيتم تعيين فني قريباً", "Your booking was approved; a technician will be assigned soon" },
	[MSG_NOTIFY_BOOKING_REJECTED] = { "notify.booking.rejected", "تم رفض حجزك", "Your booking was not accepted" },
	[MSG_NOTIFY_BOOKING_ASSIGNED] = { "notify.booking.assigned", "تم تعيين فني لحجزك", "A technician was assigned to your booking" },
	[MSG_NOTIFY_BOOKING_YOURS] = { "notify.booking.yours", "تم تعيين حجز جديد لك", "A booking was assigned to you" },
	[MSG_NOTIFY_BOOKING_ON_WAY] = { "notify.booking.on_way", "الفني في الطريق إليك", "Your technician is on the way" },
	[MSG_NOTIFY_BOOKING_ARRIVED] = { "notify.booking.arrived", "الفني وصل", "Your technician has arrived" },
	[MSG_NOTIFY_BOOKING_STARTED] = { "notify.booking.started", "بدأ العمل على حجزك", "Work on your booking has started" },
	[MSG_NOTIFY_BOOKING_COMPLETED] = { "notify.booking.completed", "تم الانتهاء من العمل على حجزك", "The work on your booking is done" },
	[MSG_NOTIFY_BOOKING_CANCELLED] = { "notify.booking.cancelled", "تم إلغاء الحجز", "The booking was cancelled" },
	[MSG_NOTIFY_BOOKING_UNASSIGNED] = { "notify.booking.unassigned", "لم يعد هذا الحجز مسنداً إليك", "This booking is no longer assigned to you" },
	[MSG_NOTIFY_BOOKING_CHANGED] = { "notify.booking.changed", "تغيرت حالة حجزك", "Your booking's status changed" },
	[MSG_SESSION_LIST] = { "session.list", "الجلسات المفتوحة", "Open sessions" },
	[MSG_SESSION_FOUND] = { "session.found", "تفاصيل الجلسة", "Session details" },
	[MSG_SESSION_ENDED] = { "session.ended", "تم إنهاء الجلسة", "The session was ended" },
	[MSG_APP_UPDATE_REQUIRED] = { "app.update_required", "نسخة التطبيق دي قديمة: حدّث التطبيق من المتجر علشان تكمل", "This version of the app is too old: update it from the store to go on" },
	[MSG_APP_VERSION_BAD] = { "app.version_bad", "رقم نسخة التطبيق في X-App-Version لازم يكون أرقام مفصولة بنقط (زي 1.4.2)", "X-App-Version must be numbers separated by dots (such as 1.4.2)" },
	[MSG_V_SETTING_VALUE] = { "v.setting_value", "القيمة دي مش مناسبة للإعداد ده: راجع وصفه والحدود المسموحة", "This value does not fit this setting: see its description and bounds" },
	[MSG_PROGRESS_FOUND] = { "progress.found", "متابعة تقدم العمل على الحجز", "Service progress of the booking" },
	[MSG_PROGRESS_STAGE_UPDATED] = { "progress.stage_updated", "تم تحديث مرحلة العمل", "The stage was updated" },
	[MSG_PROGRESS_BLOCKER_REPORTED] = { "progress.blocker_reported", "تم تسجيل العائق", "The blocker was reported" },
	[MSG_PROGRESS_BLOCKER_RESOLVED] = { "progress.blocker_resolved", "تم حل العائق", "The blocker was resolved" },
	[MSG_PROGRESS_CHECK_RECORDED] = { "progress.check_recorded", "تم تسجيل فحص الجودة", "The quality check was recorded" },
	[MSG_PROGRESS_INTERACTION_LOGGED] = { "progress.interaction_logged", "تم تسجيل التواصل مع العميل", "The customer interaction was logged" },
	[MSG_PROGRESS_INTERACTION_ANSWERED] = { "progress.interaction_answered", "تم إرسال ردك", "Your answer was sent" },
	[MSG_PROGRESS_MILESTONE_ADDED] = { "progress.milestone_added", "تمت إضافة المرحلة الرئيسية", "The milestone was added" },
	[MSG_PROGRESS_MILESTONE_REACHED] = { "progress.milestone_reached", "تم تسجيل إنجاز المرحلة الرئيسية", "The milestone was marked reached" },
	[MSG_PROGRESS_CLOSED] = { "progress.closed", "لا يمكن تحديث تقدم العمل والحجز في حالته الحالية", "Progress cannot be updated in the booking's current status" },
	[MSG_PROGRESS_STAGE_MOVE] = { "progress.stage_move", "لا يمكن نقل المرحلة إلى هذه الحالة من حالتها الحالية", "The stage cannot go to this status from its current one" },
	[MSG_PROGRESS_STAGE_ORDER] = { "progress.stage_order", "المراحل تسير بالترتيب: أنهِ المراحل السابقة أولاً، ولا تعدّل مرحلة بعد بدء ما بعدها", "Stages go in order: finish the earlier ones first, and leave a stage alone once a later one has begun" },
	[MSG_PROGRESS_BLOCKED] = { "progress.blocked", "يوجد عائق مفتوح بتأثير كبير أو حرج؛ احسمه قبل إكمال أي مرحلة", "An open blocker of high or critical impact must be resolved before a stage is completed" },
	[MSG_PROGRESS_NOT_SKIPPABLE] = { "progress.not_skippable", "لا يمكن تخطي مرحلة تنفيذ العمل", "The work stage itself cannot be skipped" },
	[MSG_PROGRESS_STALE] = { "progress.stale", "تغيرت المرحلة منذ قراءتها؛ أعد تحميلها وحاول مرة أخرى", "The stage changed since you read it; reload it and try again" },
	[MSG_PROGRESS_RESOLVED_ALREADY] = { "progress.resolved_already", "تم حل هذا العائق من قبل", "This blocker is already resolved" },
	[MSG_PROGRESS_ANSWERED_ALREADY] = { "progress.answered_already", "تم الرد على هذا التواصل من قبل", "This interaction was already answered" },
	[MSG_PROGRESS_NO_ANSWER] = { "progress.no_answer", "هذا التواصل لا ينتظر رداً من التطبيق", "This interaction does not wait for an answer in the app" },
	[MSG_PROGRESS_MILESTONE_DONE] = { "progress.milestone_done", "تم إنجاز هذه المرحلة الرئيسية من قبل", "This milestone was already reached" },
	[MSG_PROGRESS_NOT_YOURS] = { "progress.not_yours", "تحديث تقدم العمل للفني المعيّن والإدارة فقط، والرد للعميل فقط", "Progress is updated by the assigned technician and staff; answers come from the customer" },
	[MSG_V_CHECK_VERDICT] = { "v.check_verdict", "نتيجة الفحص لا يمكن أن تكون أفضل مما تقوله البنود (بند حرج يعني فشل، وبند به مشكلة يعني يحتاج متابعة)", "A check's verdict cannot be kinder than its criteria (a critical one fails it, an issue needs attention)" },
	[MSG_V_APPROVED_REQUIRED] = { "v.approved_required", "طلب الموافقة يحتاج ردك بالموافقة أو الرفض (approved)", "An approval request needs your yes or no (approved)" },
	[MSG_V_INTERACTION_RESPONSE] = { "v.interaction_response", "رد العميل على الرسائل وطلبات الموافقة يأتي منه في التطبيق", "The customer answers messages and approval requests in the app" },
	[MSG_NOTIFY_PROGRESS_TITLE] = { "notify.progress.title", "تقدم العمل على حجزك", "Progress on your booking" },
	[MSG_NOTIFY_PROGRESS_STAGE_STARTED] = { "notify.progress.stage_started", "بدأت مرحلة جديدة من العمل على حجزك", "A new stage of the work on your booking has started" },
	[MSG_NOTIFY_PROGRESS_STAGE_COMPLETED] = { "notify.progress.stage_completed", "اكتملت مرحلة من العمل على حجزك", "A stage of the work on your booking is complete" },
	[MSG_NOTIFY_PROGRESS_STAGE_CHANGED] = { "notify.progress.stage_changed", "تغيرت مرحلة العمل على حجزك", "A stage of the work on your booking changed" },
	[MSG_NOTIFY_PROGRESS_BLOCKER] = { "notify.progress.blocker", "ظهر عائق يؤخر العمل على حجزك", "Something is holding up the work on your booking" },
	[MSG_NOTIFY_PROGRESS_BLOCKER_RESOLVED] = { "notify.progress.blocker_resolved", "تم حل العائق واستمر العمل على حجزك", "What held up the work on your booking was resolved" },
	[MSG_NOTIFY_PROGRESS_CHECK] = { "notify.progress.check", "تم تسجيل فحص جودة للعمل على حجزك", "A quality check of the work on your booking was recorded" },
	[MSG_NOTIFY_PROGRESS_MESSAGE] = { "notify.progress.message", "رسالة جديدة بخصوص حجزك تنتظر ردك", "A new message about your booking waits for your answer" },
	[MSG_NOTIFY_PROGRESS_APPROVAL] = { "notify.progress.approval", "مطلوب موافقتك على خطوة في العمل على حجزك", "Your approval is needed for a step of the work on your booking" },
	[MSG_NOTIFY_PROGRESS_ANSWERED] = { "notify.progress.answered", "رد العميل على رسالتك", "The customer answered your message" },
	[MSG_NOTIFY_PROGRESS_MILESTONE] = { "notify.progress.milestone", "تم إنجاز مرحلة رئيسية في العمل على حجزك", "A milestone of the work on your booking was reached" },
	[MSG_CONTACT_SENT] = { "contact.sent", "وصلتنا رسالتك، وفريق الدعم هيرد عليك على الإيميل", "Your message reached us; the support team will answer by e-mail" },
	[MSG_PRIVACY_EXPORT] = { "privacy.export", "دي كل بياناتك اللي عندنا", "All the data Warsha holds about you" },
	[MSG_PRIVACY_OPEN_BOOKING] = { "privacy.open_booking", "عندك حجز لسه ما خلصش: خلّصه أو الغيه الأول، وبعدين امسح حسابك", "You have a booking still under way: finish or cancel it first, then delete your account" },
	[MSG_PRIVACY_STAFF_DELETE] = { "privacy.staff_delete", "حسابات فريق الإدارة بيقفلها أدمن تاني", "Staff accounts are closed by another admin" },
	[MSG_DEVICE_REGISTERED] = { "device.registered", "تم تسجيل الجهاز للإشعارات",
	    "The device is registered for push notifications" },
	[MSG_DEVICE_REMOVED] = { "device.removed", "تم إلغاء تسجيل الجهاز",
	    "The device is no longer registered" },
	[MSG_ANALYTICS_FOUND] = { "analytics.found", "تم جلب الإحصائيات", "Analytics retrieved" },
	[MSG_V_ACTIVITY_ONE_FILTER] = { "v.activity_one_filter", "استخدم فلتر واحد فقط: المنفذ أو الإجراء أو الهدف، مع مدى التواريخ إن شئت", "Use one filter at a time: actor, action or target, with a range of dates if you like" },
	[MSG_V_PERIOD_RANGE] = { "v.period_range", "يجب أن يكون تاريخ البداية قبل تاريخ النهاية وأن تكون المدة ثلاث سنوات على الأكثر", "The start date must come before the end date, and the period be at most three years" },
	[MSG_ADMIN_CSRF] = { "admin.csrf", "انتهت صلاحية النموذج أو لم يُرسل رمز الحماية؛ لم يتغير شيء. أعد تحميل الصفحة وحاول مرة أخرى", "The form expired or came without its security token; nothing was changed. Reload the page and try again" },
	[MSG_ADMIN_SIGNED_OUT] = { "admin.signed_out", "تم تسجيل الخروج", "You are signed out" },
	[MSG_ADMIN_SAVED] = { "admin.saved", "تم الحفظ", "Saved" },
	[MSG_ADMIN_SESSION_ENDED] = { "admin.session_ended", "انتهت الجلسة؛ سجّل الدخول مرة أخرى", "Your session ended; please sign in again" },
	[MSG_UPLOAD_NOT_FORM] = { "upload.not_form", "يجب إرسال الملفات كنموذج multipart/form-data",
	    "Files must be sent as a multipart/form-data form" },
	[MSG_UPLOAD_FILE_TOO_LARGE] = { "upload.file_too_large", "حجم الملف أكبر من المسموح",
	    "The file is larger than allowed" },
	[MSG_UPLOAD_TOO_MANY_FILES] = { "upload.too_many_files", "عدد الملفات أكبر من المسموح في طلب واحد",
	    "Too many files in one request" },
	[MSG_UPLOAD_TOO_LARGE] = { "upload.too_large", "حجم الطلب أكبر من المسموح",
	    "The upload is larger than allowed" },
	[MSG_UPLOAD_MALFORMED] = { "upload.malformed", "بيانات النموذج غير سليمة",
	    "The form data is malformed" },
	[MSG_UPLOAD_UNKNOWN_FIELD] = { "upload.unknown_field", "هذا الحقل غير مقبول في النموذج",
	    "This form field is not accepted" },
	[MSG_UPLOAD_NOT_IMAGE] = { "upload.not_image", "الصور المقبولة: JPEG أو PNG أو WebP فقط",
	    "Only JPEG, PNG or WebP images are accepted" },
	[MSG_UPLOAD_TYPE_NOT_ALLOWED] = { "upload.type_not_allowed", "نوع الملف غير مقبول",
	    "This type of file is not accepted" },
	[MSG_UPLOAD_TOO_MANY_PIXELS] = { "upload.too_many_pixels", "أبعاد الصورة أكبر من المسموح",
	    "The image's dimensions are larger than allowed" },
	[MSG_UPLOAD_UNDECODABLE] = { "upload.undecodable", "تعذرت قراءة الصورة: الملف تالف أو ناقص",
	    "The image could not be read: the file is damaged or incomplete" },
	[MSG_UPLOAD_EMPTY] = { "upload.empty", "الملف فارغ", "The file is empty" },
	[MSG_UPLOAD_SAVED] = { "upload.saved", "تم رفع الصورة", "Image uploaded" },
	[MSG_UPLOADS_SAVED] = { "upload.saved_many", "تم رفع الصور", "Images uploaded" },
	[MSG_UPLOAD_DELETED] = { "upload.deleted", "تم حذف الملف", "File deleted" },
	[MSG_AVATAR_SAVED] = { "upload.avatar_saved", "تم تحديث الصورة الشخصية",
	    "Profile picture updated" },
	[MSG_FILE_SAVED] = { "file.saved", "تم رفع الملف", "File uploaded" },
	[MSG_FILE_UPDATED] = { "file.updated", "تم تحديث الملف", "File updated" },
	[MSG_FILE_DELETED] = { "file.deleted", "تم حذف الملف", "File deleted" },
	[MSG_FILE_UNAVAILABLE] = { "file.unavailable", "الملفات الخاصة غير متاحة حالياً",
	    "Private files are not available at the moment" },
	[MSG_JOB_CREATED] = { "job.created", "تم نشر المهمة", "The job was posted" },
	[MSG_JOB_FOUND] = { "job.found", "تفاصيل المهمة", "Job details" },
	[MSG_JOB_LIST] = { "job.list", "المهام", "Jobs" },
	[MSG_JOB_UPDATED] = { "job.updated", "تم تحديث المهمة", "The job was updated" },
	[MSG_JOB_CANCELLED] = { "job.cancelled", "تم إلغاء المهمة", "The job was cancelled" },
	[MSG_JOB_NOT_OPEN] = { "job.not_open", "المهمة لم تعد مفتوحة لهذا التغيير", "The job is no longer open for this change" },
	[MSG_QUOTE_CREATED] = { "quote.created", "تم إرسال عرض السعر", "The quote was submitted" },
	[MSG_QUOTE_LIST] = { "quote.list", "عروض الأسعار", "Quotes" },
	[MSG_QUOTE_UPDATED] = { "quote.updated", "تم تعديل عرض السعر", "The quote was revised" },
	[MSG_QUOTE_WITHDRAWN] = { "quote.withdrawn", "تم سحب عرض السعر", "The quote was withdrawn" },
	[MSG_QUOTE_ACCEPTED] = { "quote.accepted", "تم قبول عرض السعر وتعيين الحرفي", "The quote was accepted and the craftsman hired" },
	[MSG_QUOTE_EXISTS] = { "quote.exists", "لديك عرض سعر قائم على هذه المهمة بالفعل", "You already have a live quote on this job" },
	[MSG_QUOTE_CLOSED] = { "quote.closed", "عرض السعر لم يعد قيد الانتظار", "The quote is no longer pending" },
	[MSG_QUOTE_EXPIRED] = { "quote.expired", "انتهت صلاحية عرض السعر", "The quote has expired" },
	[MSG_QUOTE_NOT_SPECIALIZED] = { "quote.not_specialized", "يمكنك تقديم عرض سعر فقط على مهام تخصصك أو المهام التي قبلت دعوتها", "You may quote only on jobs of your specializations or jobs whose invitation you accepted" },
	[MSG_QUOTE_INVITE_REJECTED] = { "quote.invite_rejected", "لقد رفضت الدعوة إلى هذه المهمة", "You rejected the invitation to this job" },
	[MSG_INVITATION_SENT] = { "invitation.sent", "تم إرسال الدعوة", "The invitation was sent" },
	[MSG_INVITATION_LIST] = { "invitation.list", "الدعوات", "Invitations" },
	[MSG_INVITATION_ANSWERED] = { "invitation.answered", "تم تسجيل ردك على الدعوة", "Your answer to the invitation was recorded" },
	[MSG_INVITE_NOT_POSTED] = { "invitation.not_posted", "لا يمكن إرسال دعوات إلا للمهام المنشورة", "Invitations can be sent only while the job is posted" },
	[MSG_INVITE_TWICE] = { "invitation.twice", "تمت دعوة هذا الحرفي إلى هذه المهمة من قبل", "This craftsman was already invited to this job" },
	[MSG_INVITE_REJECTED] = { "invitation.rejected", "رفض هذا الحرفي الدعوة ولا يمكن دعوته مرة أخرى لهذه المهمة", "This craftsman rejected the invitation and cannot be invited to this job again" },
	[MSG_INVITATION_CLOSED] = { "invitation.closed", "تم الرد على هذه الدعوة من قبل", "This invitation was already answered" },
	[MSG_V_JOB_CATEGORY] = { "v.job_category", "لا توجد فئة خدمات بهذا الاسم", "There is no service category with this key" },
	[MSG_V_BUDGET] = { "v.budget", "الحد الأدنى للميزانية أكبر من الحد الأقصى", "The budget's minimum is above its maximum" },
	[MSG_V_CRAFTSMAN] = { "v.craftsman", "لا يوجد حرفي نشط بهذا الرقم", "There is no active craftsman with this id" },
	[MSG_V_COORDINATES] = { "v.coordinates", "الإحداثيات يجب أن تكون [خط الطول، خط العرض] بأرقام صحيحة النطاق", "Coordinates must be [longitude, latitude] within range" },
	[MSG_V_VALID_UNTIL] = { "v.valid_until", "تاريخ الصلاحية يجب أن يكون في المستقبل", "The validity must end in the future" },
	[MSG_V_JOB_STATUS] = { "v.job_status", "حالة غير معروفة للمهمة", "Unknown job status" },
	[MSG_V_QUOTE_ID] = { "v.quote_id", "التعيين يحتاج رقم عرض السعر المقبول", "Hiring needs the id of the quote to accept" },
	[MSG_V_BROWSE_ONLY] = { "v.browse_only", "هذا الفلتر متاح فقط عند تصفح المهام المفتوحة", "This filter applies only when browsing open jobs" },
	[MSG_V_POINT_PAIR] = { "v.point_pair", "خط العرض وخط الطول يُرسلان معا", "Latitude and longitude go together" },
	[MSG_NOTIFY_JOB_TITLE] = { "notify.job.title", "تحديث على مهمة", "Job update" },
	[MSG_NOTIFY_JOB_INVITED] = { "notify.job.invited", "تمت دعوتك لتقديم عرض سعر على مهمة", "You were invited to quote on a job" },
	[MSG_NOTIFY_JOB_QUOTED] = { "notify.job.quoted", "وصلك عرض سعر جديد على مهمتك", "A new quote arrived on your job" },
	[MSG_NOTIFY_JOB_QUOTE_REVISED] = { "notify.job.quote_revised", "تم تعديل عرض سعر على مهمتك", "A quote on your job was revised" },
	[MSG_NOTIFY_JOB_QUOTE_WITHDRAWN] = { "notify.job.quote_withdrawn", "تم سحب عرض سعر على مهمتك", "A quote on your job was withdrawn" },
	[MSG_NOTIFY_JOB_INVITE_ACCEPTED] = { "notify.job.invite_accepted", "قبل الحرفي دعوتك", "The craftsman accepted your invitation" },
	[MSG_NOTIFY_JOB_INVITE_REJECTED] = { "notify.job.invite_rejected", "رفض الحرفي دعوتك", "The craftsman rejected your invitation" },
	[MSG_NOTIFY_JOB_HIRED] = { "notify.job.hired", "تم قبول عرض سعرك وتعيينك للمهمة", "Your quote was accepted: you are hired for the job" },
	[MSG_NOTIFY_JOB_QUOTE_DECLINED] = { "notify.job.quote_declined", "لم يتم اختيار عرض سعرك", "Your quote was not chosen" },
	[MSG_NOTIFY_JOB_STATUS] = { "notify.job.status", "تغيرت حالة المهمة", "The job's status changed" },
	[MSG_NOTIFY_JOB_CANCELLED] = { "notify.job.cancelled", "تم إلغاء المهمة", "The job was cancelled" },
	[MSG_REVIEW_CREATED] = { "review.created", "تم إضافة التقييم بنجاح",
	    "Review submitted successfully" },
	[MSG_REVIEW_UPDATED] = { "review.updated", "تم تحديث التقييم",
	    "Review updated" },
	[MSG_REVIEW_DELETED] = { "review.deleted", "تم حذف التقييم",
	    "Review deleted" },
	[MSG_REVIEW_FOUND] = { "review.found", "تفاصيل التقييم",
	    "Review details" },
	[MSG_REVIEW_LIST] = { "review.list", "التقييمات",
	    "Reviews" },
	[MSG_REVIEW_HELPFUL] = { "review.helpful", "شكراً، تم تسجيل أن التقييم مفيد",
	    "Thank you: the review was marked helpful" },
	[MSG_REVIEW_REPORTED] = { "review.reported", "تم إبلاغ الإدارة عن التقييم",
	    "The review was reported to the moderators" },
	[MSG_REVIEW_RESPONDED] = { "review.responded", "تم حفظ الرد على التقييم",
	    "Your response to the review was saved" },
	[MSG_REVIEW_EXISTS] = { "review.exists", "لقد قمت بتقييم هذا الحجز من قبل",
	    "You have already reviewed this booking" },
	[MSG_REVIEW_NOT_REVIEWABLE] = { "review.not_reviewable", "لا يمكن تقييم الحجز قبل اكتمال الخدمة",
	    "A booking can be reviewed only once its service is completed" },
	[MSG_REVIEW_CUSTOMER_ONLY] = { "review.customer_only", "يقيّم الحجز عميله فقط",
	    "Only the booking's customer may review it" },
	[MSG_REVIEW_AUTHOR_ONLY] = { "review.author_only", "يعدّل التقييم كاتبه فقط",
	    "Only the review's author may change it" },
	[MSG_REVIEW_STAFF_HIDE_ONLY] = { "review.staff_hide_only", "يمكن للإدارة إخفاء التقييم أو إظهاره فقط، لا تعديل محتواه",
	    "Staff may hide or show a review, not change what it says" },
	[MSG_REVIEW_OWN] = { "review.own", "لا يمكنك التصويت على تقييم يخصك",
	    "You cannot vote on a review you wrote or that is about you" },
	[MSG_REVIEW_VOTED] = { "review.voted", "لقد صوّت لهذا التقييم من قبل",
	    "You have already marked this review helpful" },
	[MSG_REVIEW_REPORTED_ALREADY] = { "review.reported_already", "لقد أبلغت عن هذا التقييم من قبل",
	    "You have already reported this review" },
	[MSG_REVIEW_REVIEWEE_ONLY] = { "review.reviewee_only", "يرد على التقييم الفني الذي تم تقييمه فقط",
	    "Only the reviewed technician may respond to the review" },
	[MSG_REVIEW_NO_TECHNICIAN] = { "review.no_technician", "لا يوجد فني مسند لهذا الحجز",
	    "The booking has no technician to review" },
	[MSG_V_REVIEW_RATING] = { "v.review_rating", "التقييم رقم صحيح من 1 إلى 5",
	    "A rating is a whole number from 1 to 5" },
	[MSG_V_REVIEW_STAR_WRITTEN] = { "v.review_star_written", "لا يمكن التصفية بعدد النجوم مع written",
	    "A star filter cannot be combined with written" },
	[MSG_NOTIFY_REVIEW_TITLE] = { "notify.review.title", "تقييم جديد",
	    "A new review" },
	[MSG_NOTIFY_REVIEW_BODY] = { "notify.review.body", "قام عميل بتقييم عملك",
	    "A customer reviewed your work" },
	[MSG_TECHNICIAN_PERFORMANCE] = { "technician.performance", "أداء الفني",
	    "Technician performance" },
	[MSG_V_REVIEW_ONE_TARGET] = { "v.review_one_target", "استخدم professionalId أو serviceId وليس كليهما",
	    "Use professionalId or serviceId, not both" },
	[MSG_V_TECHNICIAN_RATING_SORT] = { "v.technician_rating_sort", "الترتيب حسب التقييم لا يقبل أي فلتر (الحالة أو التخصص أو المدينة)",
	    "sort=rating takes no filter (status, specialization, city)" },
	[MSG_VERIFICATION_SUBMITTED] = { "verification.submitted", "تم إرسال طلب التوثيق وهو الآن قيد المراجعة", "Your verification request was sent and is under review" },
	[MSG_VERIFICATION_FOUND] = { "verification.found", "طلب التوثيق", "Verification request" },
	[MSG_VERIFICATION_LIST] = { "verification.list", "طلبات التوثيق", "Verification requests" },
	[MSG_VERIFICATION_APPROVED] = { "verification.approved", "تم قبول طلب التوثيق", "The verification was approved" },
	[MSG_VERIFICATION_REJECTED] = { "verification.rejected", "تم رفض طلب التوثيق", "The verification was rejected" },
	[MSG_VERIFICATION_PENDING] = { "verification.pending", "لديك طلب توثيق قيد المراجعة بالفعل", "You already have a verification request under review" },
	[MSG_VERIFICATION_DECIDED] = { "verification.decided", "تم البت في طلب التوثيق هذا من قبل", "This verification request was already decided" },
	[MSG_VERIFICATION_NONE] = { "verification.none", "لم ترسل طلب توثيق بعد", "You have not sent a verification request yet" },
	[MSG_V_NID_FORMAT] = { "v.nid_format", "الرقم القومي يجب أن يتكون من 14 رقما", "The national ID number must be 14 digits" },
	[MSG_V_NID_CENTURY] = { "v.nid_century", "الرقم الأول من الرقم القومي يجب أن يكون 2 أو 3", "The national ID number must start with 2 or 3" },
	[MSG_V_NID_BIRTH_DATE] = { "v.nid_birth_date", "تاريخ الميلاد في الرقم القومي غير صحيح", "The birth date in the national ID number is not a valid date" },
	[MSG_V_NID_GOVERNORATE] = { "v.nid_governorate", "كود المحافظة في الرقم القومي غير موجود", "The governorate code in the national ID number does not exist" },
	[MSG_V_NID_UNDERAGE] = { "v.nid_underage", "يجب أن يكون عمر الحرفي 18 عاما على الأقل", "Craftsmen must be at least 18 years old" },
	[MSG_V_NID_TAKEN] = { "v.nid_taken", "هذا الرقم القومي مستخدم في حساب آخر", "This national ID number is used by another account" },
	[MSG_V_DOC_FILE] = { "v.doc_file", "يجب أن يكون المستند ملفا خاصا رفعته أنت", "The document must be a private file you uploaded" },
	[MSG_V_DOC_TYPE] = { "v.doc_type", "نوع المستند يجب أن يكون national_id_front أو national_id_back أو certificate أو other", "The document type must be national_id_front, national_id_back, certificate or other" },
	[MSG_V_DOC_NATIONAL_ID] = { "v.doc_national_id", "أرفق صورة وجه البطاقة الشخصية", "Attach the front of the national ID card" },
	[MSG_V_DOC_TWICE] = { "v.doc_twice", "نفس الملف مرفق أكثر من مرة", "The same file is attached more than once" },
	[MSG_NOTIFY_VERIFICATION_TITLE] = { "notify.verification.title", "توثيق الحساب", "Account verification" },
	[MSG_NOTIFY_VERIFICATION_APPROVED] = { "notify.verification.approved", "تم توثيق حسابك كحرفي", "Your craftsman account is now verified" },
	[MSG_NOTIFY_VERIFICATION_REJECTED] = { "notify.verification.rejected", "تم رفض طلب توثيق حسابك، راجع السبب وأرسل طلبا جديدا", "Your verification request was rejected: see the reason and send a new one" },
	[MSG_QUOTE_UNVERIFIED] = { "quote.unverified", "يجب توثيق حسابك قبل تقديم عروض الأسعار", "Your account must be verified before you can quote" },
	[MSG_VERIFICATION_ALREADY] = { "verification.already", "حسابك موثق بالفعل", "Your account is already verified" },
	[MSG_RECOMMENDATIONS] = { "recommendations.list", "الحرفيون المقترحون لهذه المهمة", "Craftsmen recommended for this job" },
	[MSG_DISPUTE_OPENED] = { "dispute.opened", "تم فتح النزاع", "The dispute was opened" },
	[MSG_DISPUTE_FOUND] = { "dispute.found", "تفاصيل النزاع", "The dispute" },
	[MSG_DISPUTE_LIST] = { "dispute.list", "قائمة النزاعات", "Disputes" },
	[MSG_DISPUTE_EVIDENCE_ADDED] = { "dispute.evidence_added", "تمت إضافة الدليل إلى النزاع", "The evidence was added to the dispute" },
	[MSG_DISPUTE_RESOLVED] = { "dispute.resolved", "تم حسم النزاع", "The dispute was resolved" },
	[MSG_DISPUTE_STATS] = { "dispute.stats", "إحصاءات النزاعات", "Dispute statistics" },
	[MSG_DISPUTE_EXISTS] = { "dispute.exists", "يوجد نزاع مفتوح على هذه المهمة بالفعل", "This job already has an open dispute" },
	[MSG_DISPUTE_WRONG_STATUS] = { "dispute.wrong_status", "لا يمكن فتح نزاع على مهمة في هذه الحالة", "A dispute cannot be opened on a job in this status" },
	[MSG_DISPUTE_WINDOW_PASSED] = { "dispute.window_passed", "انتهت مهلة فتح نزاع على هذه المهمة المكتملة", "The time to dispute this completed job has passed" },
	[MSG_DISPUTE_CLOSED] = { "dispute.closed", "تم حسم هذا النزاع بالفعل", "This dispute is already resolved" },
	[MSG_V_DISPUTE_REASON] = { "v.dispute_reason", "سبب النزاع غير معروف", "Unknown dispute reason" },
	[MSG_V_DISPUTE_EVIDENCE] = { "v.dispute_evidence", "الدليل يحتاج رسالة أو ملفا", "Evidence needs a message or a file" },
	[MSG_V_DISPUTE_FILE] = { "v.dispute_file", "الملف يجب أن يكون ملفا خاصا رفعته أنت", "The file must be a private file you uploaded" },
	[MSG_V_DISPUTE_SPLIT] = { "v.dispute_split", "التقسيم يحتاج نسبة العميل أو مبلغه (أحدهما فقط)", "A split needs the client's percent or amount (one of them)" },
	[MSG_V_DISPUTE_SPLIT_ONLY] = { "v.dispute_split_only", "هذا الحقل يُرسل مع قرار التقسيم فقط", "This field goes with a split decision only" },
	[MSG_V_DISPUTE_AMOUNT] = { "v.dispute_amount", "المبلغ يتجاوز سعر المهمة", "The amount is more than the job's price" },
	[MSG_NOTIFY_DISPUTE_TITLE] = { "notify.dispute.title", "نزاع على مهمة", "Job dispute" },
	[MSG_NOTIFY_DISPUTE_OPENED] = { "notify.dispute.opened", "تم فتح نزاع على مهمة", "A dispute was opened on a job" },
	[MSG_NOTIFY_DISPUTE_EVIDENCE] = { "notify.dispute.evidence", "تمت إضافة دليل جديد إلى النزاع", "New evidence was added to the dispute" },
	[MSG_NOTIFY_DISPUTE_RESOLVED] = { "notify.dispute.resolved", "تم حسم النزاع على مهمتك", "The dispute on your job was resolved" },
	[MSG_DISPUTE_FILE_IN_USE] = { "dispute.file_in_use", "هذا الملف دليل في نزاع ولا يمكن حذفه", "This file is evidence in a dispute and cannot be deleted" },
	[MSG_SEARCH_RESULTS] = { "search.results", "نتائج البحث", "Search results" },
	[MSG_GEOCODE_FOUND] = { "geocode.found", "تم تحديد الموقع", "Location found" },
	[MSG_V_PAYMENT_TYPE] = { "v.payment_type", "طريقة الدفع لازم تكون Escrow أو Cash أو CashProtected", "The payment type must be Escrow, Cash or CashProtected" },
	[MSG_REVIEW_JOB_PARTY_ONLY] = { "review.job_party_only",
	    "تقييم الشغلانة لعميلها والحرفي اللي اتعين عليها بس",
	    "Only the job's client and its hired craftsman review it" },
	[MSG_REVIEW_WINDOW_CLOSED] = { "review.window_closed",
	    "انتهت مدة تقييم هذه الشغلانة", "The time to review this job has passed" },
	[MSG_REVIEW_FINAL] = { "review.final",
	    "لا يمكن تغيير تقييم الشغلانة بعد ظهوره",
	    "A job's review cannot change once it shows" },
	[MSG_REVIEW_JOB_LIST] = { "review.job_list", "تقييمات الشغلانة", "The job's reviews" },
	[MSG_REVIEWS_REVEALED] = { "review.revealed", "تم إظهار التقييمات المستحقة",
	    "The reviews due were revealed" },
	[MSG_NOTIFY_BLIND_REVIEW_TITLE] = { "notify.blind_review.title", "تم تقييمك",
	    "You have been reviewed" },
	[MSG_NOTIFY_BLIND_REVIEW_BODY] = { "notify.blind_review.body",
	    "الطرف التاني قيّمك على الشغلانة. قيّمه انت كمان علشان تشوفوا التقييمين مع بعض",
	    "The other side of your job reviewed you. Review them too and both reviews show" },
	[MSG_NOTIFY_REVIEWS_REVEALED_TITLE] = { "notify.reviews_revealed.title",
	    "ظهرت التقييمات", "The reviews show" },
	[MSG_NOTIFY_REVIEWS_REVEALED_BODY] = { "notify.reviews_revealed.body",
	    "الطرفين قيّموا بعض على الشغلانة والتقييمات ظهرت دلوقتي",
	    "Both sides of your job reviewed each other: the reviews show now" },
	[MSG_V_POUNDS_FORMAT] = { "v.pounds_format", "السعر الأساسي (بالجنيه): اكتب رقماً مثل 150.50", "Base price (EGP): enter an amount such as 150.50" },
	[MSG_V_POUNDS_DECIMALS] = { "v.pounds_decimals", "السعر الأساسي (بالجنيه): رقمان بعد العلامة العشرية على الأكثر", "Base price (EGP): at most two digits after the decimal point" },
	[MSG_V_POUNDS_NEGATIVE] = { "v.pounds_negative", "السعر الأساسي (بالجنيه) لا يكون سالباً", "Base price (EGP) cannot be negative" },
	[MSG_V_POUNDS_RANGE] = { "v.pounds_range", "السعر الأساسي (بالجنيه): مليون جنيه على الأكثر", "Base price (EGP): at most 1,000,000 pounds" },
	[MSG_SERVICE_MOVED] = { "service.moved", "تم تغيير ترتيب الخدمة", "The service was moved in the catalog" },
	[MSG_SERVICE_NOT_LISTED] = { "service.not_listed", "الخدمة موقوفة فلا مكان لها في ترتيب الكتالوج", "The service is switched off, so it has no place in the catalog's order" },
	[MSG_JOB_DISPUTE_ROUTE] = { "job.dispute_route", "يُفتح النزاع عبر POST /api/disputes مع سببه، لا بتغيير حالة المهمة", "A dispute opens through POST /api/disputes, with its reason, not by changing the job's status" },
	[MSG_REVIEWS_REPORTED_LIST] = { "review.reported_list", "التقييمات المُبلَّغ عنها",
	    "Reported reviews" },
	[MSG_REVIEW_MODERATED] = { "review.moderated", "تم تنفيذ إجراء الإشراف على التقييم",
	    "The moderation action was applied to the review" },
	[MSG_REVIEW_HIDDEN_ALREADY] = { "review.hidden_already", "التقييم مخفي بالفعل",
	    "The review is hidden already" },
	[MSG_REVIEW_NOT_HIDDEN] = { "review.not_hidden", "التقييم غير مخفي فلا يمكن استعادته",
	    "The review is not hidden, so there is nothing to restore" },
	[MSG_REVIEW_NO_OPEN_REPORTS] = { "review.no_open_reports",
	    "لا توجد بلاغات مفتوحة على هذا التقييم", "The review has no open reports" },
	[MSG_V_MODERATION_REASON] = { "v.moderation_reason",
	    "اذكر سبب إخفاء التقييم", "Give the reason for hiding the review" },
	[MSG_V_UPLOAD_REF] = { "v.upload_ref",
	    "لا توجد صورة بهذا المعرف أو العنوان من صورك المرفوعة",
	    "No image of yours was uploaded with this id or address" },
	[MSG_UPLOAD_IN_USE] = { "upload.in_use",
	    "هذه الصورة معروضة في حجز أو خدمة؛ احذفها من هناك أولاً",
	    "This image is shown by a booking or a service; remove it there first" },
};

/* Keys in strcmp order, for msg_by_key(); built on first use. */
static enum msg by_key[MSG__MAX];
static size_t nby_key;

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(messages[*(const enum msg *)a].key, messages[*(const enum msg *)b].key);
}

static int
cmp_find(const void *k, const void *m)
{
	return strcmp((const char *)k, messages[*(const enum msg *)m].key);
}

const char *
msg_text(enum lang lang, enum msg m)
{
	if ((unsigned)m >= MSG__MAX || m == MSG_NONE)
		m = MSG_ERR_INTERNAL;
	return lang == LANG_EN ? messages[m].en : messages[m].ar;
}

enum msg
msg_by_key(const char *key)
{
	const enum msg *m;
	size_t i;

	if (nby_key == 0) {
		for (i = 1; i < MSG__MAX; i++)
			by_key[nby_key++] = (enum msg)i;
		qsort(by_key, nby_key, sizeof(by_key[0]), cmp_key);
	}
	if (key == NULL || (m = bsearch(key, by_key, nby_key, sizeof(by_key[0]), cmp_find)) == NULL) {
		log_warn("msg=i18n_missing key=%s", key != NULL ? key : "-");
		return MSG_NONE;
	}
	return *m;
}

const char *
i18n(enum lang lang, const char *key)
{
	enum msg m = msg_by_key(key);

	if (m == MSG_NONE)
		return key;
	return msg_text(lang, m);
}

const struct i18n_msg *
i18n_table(unsigned *count)
{
	*count = (unsigned)MSG__MAX;
	return messages;
}

const char *
lang_code(enum lang lang)
{
	return lang == LANG_EN ? "en" : "ar";
}

int
lang_parse(const char *s, enum lang *out)
{
	if (s == NULL)
		return -1;
	if (strncasecmp(s, "ar", 2) == 0 && (s[2] == '\0' || s[2] == '-' || s[2] == '_')) {
		*out = LANG_AR;
		return 0;
	}
	if (strncasecmp(s, "en", 2) == 0 && (s[2] == '\0' || s[2] == '-' || s[2] == '_')) {
		*out = LANG_EN;
		return 0;
	}
	return -1;
}

int
lang_from_accept(const char *h, enum lang *out)
{
	double best_q = 0.0;
	int found = -1;

	while (h != NULL && *h != '\0') {
		const char *end = strchr(h, ',');
		size_t len = end ? (size_t)(end - h) : strlen(h);
		char tag[64];
		const char *q;
		double qv = 1.0;
		enum lang l;
		size_t i = 0;

		while (len > 0 && (*h == ' ' || *h == '\t')) {
			h++;
			len--;
		}
		if (len >= sizeof(tag))
			len = sizeof(tag) - 1;
		memcpy(tag, h, len);
		tag[len] = '\0';
		if ((q = strstr(tag, ";q=")) != NULL || (q = strstr(tag, "; q=")) != NULL)
			qv = atof(strchr(q, '=') + 1);
		while (tag[i] != '\0' && tag[i] != ';' && tag[i] != ' ')
			i++;
		tag[i] = '\0';
		if (lang_parse(tag, &l) == 0 && qv > best_q) {
			best_q = qv;
			*out = l;
			found = 0;
		}
		h = end ? end + 1 : NULL;
	}
	return found;
}
