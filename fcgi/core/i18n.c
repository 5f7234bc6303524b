#include "i18n.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

/* Sorted by key (strcmp order). */
static const struct i18n_msg messages[] = {
	{ "account.disabled", "تم تعطيل هذا الحساب", "This account is disabled" },
	{ "activity.list", "سجل النشاط", "Activity log" },
	{ "admin.admins_only", "هذا الإجراء متاح للمديرين فقط", "Only an admin can do this" },
	{ "admin.created", "تم إنشاء حساب الإدارة بنجاح", "Admin account created successfully" },
	{ "auth.code_invalid", "الرمز غير صحيح أو منتهي الصلاحية", "The code is invalid or has expired" },
	{ "auth.code_too_many", "محاولات كثيرة لهذا الرمز، اطلب رمزاً جديداً", "Too many attempts for this code; request a new one" },
	{ "auth.email_verified", "تم تأكيد البريد الإلكتروني بنجاح", "Email verified successfully" },
	{ "auth.invalid_credentials", "بيانات الدخول غير صحيحة", "Invalid login credentials" },
	{ "auth.logged_in", "تم تسجيل الدخول بنجاح", "Logged in successfully" },
	{ "auth.logged_out", "تم تسجيل الخروج بنجاح", "Logged out successfully" },
	{ "auth.me", "بيانات المستخدم الحالي", "Current user" },
	{ "auth.password_changed", "تم تغيير كلمة المرور بنجاح", "Password changed successfully" },
	{ "auth.password_reset", "تم تعيين كلمة المرور الجديدة بنجاح", "Your password has been reset" },
	{ "auth.phone_verified", "تم تأكيد رقم الهاتف بنجاح", "Phone number verified successfully" },
	{ "auth.refreshed", "تم تجديد الجلسة", "Session refreshed" },
	{ "auth.registered", "تم إنشاء الحساب بنجاح", "Account created successfully" },
	{ "auth.reset_sent", "إذا كان البريد مسجلاً لدينا فستصلك رسالة لإعادة تعيين كلمة المرور", "If that email is registered, a password reset message is on its way" },
	{ "auth.role_not_allowed", "لا يمكنك تسجيل الدخول من هنا بهذا الحساب", "This account cannot sign in here" },
	{ "auth.staff_email_only", "حسابات الإدارة تسجل الدخول بالبريد الإلكتروني فقط", "Staff accounts sign in with their email address only" },
	{ "auth.token_invalid", "الجلسة غير صالحة، سجّل الدخول مرة أخرى", "Invalid session; please sign in again" },
	{ "auth.too_many_logins", "محاولات تسجيل دخول كثيرة، حاول مرة أخرى لاحقاً", "Too many login attempts; try again later" },
	{ "auth.verification_sent", "تم إرسال رمز التحقق", "A verification code has been sent" },
	{ "auth.wrong_password", "كلمة المرور الحالية غير صحيحة", "The current password is incorrect" },
	{ "err.bad_request", "تعذر قراءة الطلب: صيغة JSON غير صحيحة", "The request could not be read: malformed JSON" },
	{ "err.conflict", "البيانات موجودة بالفعل", "This resource already exists" },
	{ "err.forbidden", "ليست لديك صلاحية لهذا الإجراء", "You do not have permission for this action" },
	{ "err.internal", "حدث خطأ في الخادم", "Internal server error" },
	{ "err.invalid_id", "المورد غير موجود (معرّف غير صالح)", "Resource not found (invalid ID)" },
	{ "err.method_not_allowed", "طريقة الطلب غير مسموحة لهذا المسار", "Method not allowed for this route" },
	{ "err.not_found", "المورد غير موجود", "Resource not found" },
	{ "err.payload_too_large", "حجم الطلب أكبر من المسموح", "Request body is too large" },
	{ "err.rate_limited", "طلبات كثيرة، حاول مرة أخرى لاحقاً", "Too many requests; try again later" },
	{ "err.route_not_found", "المسار غير موجود", "API route not found" },
	{ "err.unauthorized", "غير مصرح لك بالوصول", "Authentication required" },
	{ "err.unavailable", "الخدمة غير متاحة مؤقتاً، حاول بعد قليل", "Service temporarily unavailable; try again shortly" },
	{ "err.unsupported_media", "نوع المحتوى غير مدعوم، استخدم application/json", "Unsupported content type; use application/json" },
	{ "err.user_banned", "تم حظر هذا الحساب", "This account has been banned" },
	{ "err.validation", "بيانات غير صحيحة", "Invalid data" },
	{ "health.ok", "الخدمة تعمل", "Service is running" },
	{ "maintenance.done", "تم تنفيذ مهمة الصيانة", "Maintenance task completed" },
	{ "service.created", "تم إنشاء الخدمة بنجاح", "Service created successfully" },
	{ "service.deleted", "تم حذف الخدمة بنجاح", "Service deleted successfully" },
	{ "service.found", "تفاصيل الخدمة", "Service details" },
	{ "service.list", "قائمة الخدمات", "Services" },
	{ "service.updated", "تم تحديث الخدمة بنجاح", "Service updated successfully" },
	{ "services.bulk_created", "تم إنشاء الخدمات بنجاح", "Services created successfully" },
	{ "services.categories", "فئات الخدمات", "Service categories" },
	{ "setting.created", "تم إنشاء الإعداد بنجاح", "Setting created successfully" },
	{ "setting.updated", "تم تحديث الإعداد بنجاح", "Setting updated successfully" },
	{ "settings.list", "إعدادات النظام", "System settings" },
	{ "user.already_banned", "هذا المستخدم محظور بالفعل", "This user is already banned" },
	{ "user.banned", "تم حظر المستخدم", "User banned" },
	{ "user.deleted", "تم حذف الحساب", "Account deleted" },
	{ "user.found", "بيانات المستخدم", "User details" },
	{ "user.list", "قائمة المستخدمين", "Users" },
	{ "user.not_banned", "هذا المستخدم غير محظور", "This user is not banned" },
	{ "user.profile", "الملف الشخصي", "Profile" },
	{ "user.profile_updated", "تم تحديث الملف الشخصي بنجاح", "Profile updated successfully" },
	{ "user.role_updated", "تم تحديث صلاحية المستخدم", "User role updated" },
	{ "user.self_action", "لا يمكنك تنفيذ هذا الإجراء على حسابك أنت", "You cannot do this to your own account" },
	{ "user.settings", "إعدادات المستخدم", "User settings" },
	{ "user.settings_updated", "تم تحديث الإعدادات بنجاح", "Settings updated successfully" },
	{ "user.unbanned", "تم إلغاء حظر المستخدم", "User unbanned" },
	{ "v.INVALID_FORMAT", "الصيغة غير صحيحة", "Invalid format" },
	{ "v.INVALID_TYPE", "نوع القيمة غير صحيح", "Wrong value type" },
	{ "v.INVALID_VALUE", "القيمة غير مسموحة", "Value not allowed" },
	{ "v.OUT_OF_RANGE", "القيمة خارج النطاق المسموح", "Value out of range" },
	{ "v.REQUIRED", "هذا الحقل مطلوب", "This field is required" },
	{ "v.TOO_LONG", "القيمة أطول من المسموح", "Value is too long" },
	{ "v.TOO_SHORT", "القيمة أقصر من المسموح", "Value is too short" },
	{ "v.WEAK_PASSWORD", "كلمة المرور يجب أن تكون 8 أحرف على الأقل وتحتوي على حرف كبير وحرف صغير ورقم", "Password must be at least 8 characters with an upper-case letter, a lower-case letter and a digit" },
	{ "v.date_future", "لا يمكن أن يكون التاريخ في المستقبل", "The date cannot be in the future" },
	{ "v.email", "البريد الإلكتروني غير صحيح", "Invalid email address" },
	{ "v.email_taken", "البريد الإلكتروني مسجل بالفعل", "This email is already registered" },
	{ "v.governorate", "المحافظة غير معروفة، استخدم اسمها أو رمزها (مثل C أو GZ)", "Unknown governorate; use its name or code (such as C or GZ)" },
	{ "v.phone", "رقم الهاتف غير صحيح، استخدم رقم موبايل مصري", "Invalid phone number; use an Egyptian mobile number" },
	{ "v.phone_taken", "رقم الهاتف مسجل بالفعل", "This phone number is already registered" },
	{ "v.username", "اسم المستخدم من 3 إلى 64 حرفاً: حروف إنجليزية وأرقام و _ و . وفيه حرف واحد على الأقل", "Username: 3 to 64 characters of letters, digits, _ and ., with at least one letter" },
	{ "v.username_taken", "اسم المستخدم مستخدم بالفعل", "This username is already taken" },
};

#define NMSG (sizeof(messages) / sizeof(messages[0]))

static int
cmp(const void *k, const void *m)
{
	return strcmp((const char *)k, ((const struct i18n_msg *)m)->key);
}

const char *
i18n(enum lang lang, const char *key)
{
	const struct i18n_msg *m = bsearch(key, messages, NMSG, sizeof(messages[0]), cmp);

	if (m == NULL) {
		log_warn("msg=i18n_missing key=%s", key);
		return key;
	}
	return lang == LANG_EN ? m->en : m->ar;
}

const struct i18n_msg *
i18n_table(unsigned *count)
{
	*count = (unsigned)NMSG;
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
