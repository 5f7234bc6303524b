/* The dashboard's own words, Arabic and English (the API's messages stay in
 * fcgi/core/i18n.c). Templates read them as {{t.key}}; a page's title names one. */
#include <stdio.h>
#include <string.h>

#include "page.h"

static const struct { const char *key, *ar, *en; } labels[] = {
	{ "app", "ورشة — لوحة الإدارة", "Warsha — Admin" },
	{ "nav.overview", "نظرة عامة", "Overview" },
	{ "nav.users", "المستخدمون", "Users" },
	{ "nav.bookings", "الحجوزات", "Bookings" },
	{ "nav.services", "الخدمات", "Services" },
	{ "nav.notifications", "الإشعارات", "Notifications" },
	{ "nav.settings", "الإعدادات", "Settings" },
	{ "nav.activity", "سجل النشاط", "Activity log" },
	{ "login.title", "تسجيل الدخول", "Sign in" },
	{ "login.email", "البريد الإلكتروني", "E-mail" },
	{ "login.password", "كلمة المرور", "Password" },
	{ "login.submit", "دخول", "Sign in" },
	{ "logout", "تسجيل الخروج", "Sign out" },
	{ "error.title", "خطأ", "Error" },
	{ "error.not_found", "الصفحة غير موجودة", "Page not found" },
	{ "error.forbidden", "غير مسموح", "Not allowed" },
	{ "error.back", "العودة إلى لوحة الإدارة", "Back to the dashboard" },
	{ "overview.title", "نظرة عامة", "Overview" },
	{ "overview.welcome", "مرحباً", "Welcome" },
	{ "overview.staff_only", "الإحصائيات متاحة للمديرين فقط؛ استخدم القائمة لإدارة المستخدمين والحجوزات والخدمات.", "Statistics are for admins only; use the menu to manage users, bookings and services." },
	{ "period", "الفترة", "Period" },
	{ "period.7days", "آخر ٧ أيام", "Last 7 days" },
	{ "period.30days", "آخر ٣٠ يوماً", "Last 30 days" },
	{ "period.90days", "آخر ٩٠ يوماً", "Last 90 days" },
	{ "period.1year", "آخر سنة", "Last year" },
	{ "show", "عرض", "Show" },
	{ "stat.bookings", "الحجوزات", "Bookings" },
	{ "stat.completed", "المكتملة", "Completed" },
	{ "stat.revenue", "الإيرادات (ج.م)", "Revenue (EGP)" },
	{ "stat.active_users", "المستخدمون النشطون", "Active users" },
	{ "stat.technicians_available", "فنيون متاحون الآن", "Technicians available now" },
	{ "chart.bookings_per_day", "الحجوزات يومياً", "Bookings per day" },
	{ "chart.revenue_per_day", "الإيرادات يومياً (ج.م)", "Revenue per day (EGP)" },
	{ "chart.by_status", "الحجوزات حسب الحالة", "Bookings by status" },
	{ "chart.top_services", "أكثر الخدمات طلباً", "Top services" },
	{ "chart.empty", "لا توجد بيانات في هذه الفترة", "No data in this period" },
	{ "users.title", "المستخدمون", "Users" },
	{ "users.search", "بحث بالاسم أو البريد أو الهاتف", "Search by name, e-mail or phone" },
	{ "users.role", "الدور", "Role" },
	{ "users.status", "الحالة", "Status" },
	{ "users.any", "الكل", "Any" },
	{ "users.name", "الاسم", "Name" },
	{ "users.email", "البريد", "E-mail" },
	{ "users.phone", "الهاتف", "Phone" },
	{ "users.created", "تاريخ التسجيل", "Joined" },
	{ "users.banned", "محظور", "Banned" },
	{ "users.active", "نشط", "Active" },
	{ "users.ban", "حظر", "Ban" },
	{ "users.unban", "إلغاء الحظر", "Unban" },
	{ "users.reason", "السبب", "Reason" },
	{ "users.change_role", "تغيير الدور", "Change role" },
	{ "users.create_staff", "إضافة مدير أو مشرف", "Add an admin or moderator" },
	{ "users.first_name", "الاسم الأول", "First name" },
	{ "users.last_name", "اسم العائلة", "Last name" },
	{ "users.password", "كلمة المرور", "Password" },
	{ "users.detail", "بيانات المستخدم", "User" },
	{ "users.ban_reason", "سبب الحظر", "Ban reason" },
	{ "role.customer", "عميل", "Customer" },
	{ "role.technician", "فني", "Technician" },
	{ "role.admin", "مدير", "Admin" },
	{ "role.moderator", "مشرف", "Moderator" },
	{ "role.corporate", "شركة", "Corporate" },
	{ "state.active", "نشط", "Active" },
	{ "state.inactive", "غير نشط", "Inactive" },
	{ "state.banned", "محظور", "Banned" },
	{ "next", "التالي", "Next" },
	{ "prev", "السابق", "Previous" },
	{ "first", "الأولى", "First" },
	{ "page", "صفحة", "Page" },
	{ "of", "من", "of" },
	{ "total", "الإجمالي", "Total" },
	{ "none", "لا توجد نتائج", "Nothing found" },
	{ "save", "حفظ", "Save" },
	{ "filter", "تصفية", "Filter" },
	{ "open", "فتح", "Open" },
	{ "bookings.title", "الحجوزات", "Bookings" },
	{ "bookings.number", "رقم الحجز", "Number" },
	{ "bookings.status", "الحالة", "Status" },
	{ "bookings.service", "الخدمة", "Service" },
	{ "bookings.service_id", "رقم الخدمة", "Service id" },
	{ "bookings.customer", "العميل", "Customer" },
	{ "bookings.technician", "الفني", "Technician" },
	{ "bookings.scheduled", "الموعد", "Scheduled" },
	{ "bookings.emergency", "طوارئ", "Emergency" },
	{ "bookings.emergency_only", "الطوارئ فقط", "Emergencies only" },
	{ "bookings.from", "من تاريخ", "From" },
	{ "bookings.to", "إلى تاريخ", "To" },
	{ "bookings.total", "الإجمالي", "Total" },
	{ "bookings.address", "العنوان", "Address" },
	{ "bookings.problem", "وصف المشكلة", "Problem" },
	{ "bookings.history", "سجل الحجز", "History" },
	{ "bookings.approve", "موافقة", "Approve" },
	{ "bookings.reject", "رفض", "Reject" },
	{ "bookings.notes", "ملاحظات", "Notes" },
	{ "bookings.assign", "تعيين فني", "Assign a technician" },
	{ "bookings.technician_id", "رقم الفني", "Technician id" },
	{ "bookings.suggested", "فنيون متاحون بالقرب", "Available technicians nearby" },
	{ "bookings.distance", "المسافة (كم)", "Distance (km)" },
	{ "bookings.cancel", "إلغاء الحجز", "Cancel the booking" },
	{ "bookings.detail", "تفاصيل الحجز", "Booking" },
	{ "bookings.when", "الوقت", "When" },
	{ "bookings.event", "الحدث", "Event" },
	{ "bookings.by", "بواسطة", "By" },
	{ "services.title", "الخدمات", "Services" },
	{ "services.new", "خدمة جديدة", "New service" },
	{ "services.search", "بحث في الخدمات", "Search the services" },
	{ "services.edit", "تعديل الخدمة", "Edit service" },
	{ "services.name_ar", "الاسم بالعربية", "Name (Arabic)" },
	{ "services.name_en", "الاسم بالإنجليزية", "Name (English)" },
	{ "services.desc_ar", "الوصف بالعربية", "Description (Arabic)" },
	{ "services.desc_en", "الوصف بالإنجليزية", "Description (English)" },
	{ "services.category", "التصنيف", "Category" },
	{ "services.price", "السعر الأساسي (بالقرش)", "Base price (piastres)" },
	{ "services.duration", "المدة (دقائق)", "Duration (minutes)" },
	{ "services.sort", "الترتيب", "Sort order" },
	{ "services.emergency", "متاحة للطوارئ", "Available in emergencies" },
	{ "services.active", "مفعلة", "Active" },
	{ "services.deactivate", "إيقاف الخدمة", "Deactivate" },
	{ "notifications.title", "إرسال إشعار", "Send a notification" },
	{ "notifications.to_user", "إلى مستخدم (رقمه)", "To one user (id)" },
	{ "notifications.to_all", "إلى جميع المستخدمين", "To every user" },
	{ "notifications.type", "النوع", "Type" },
	{ "notifications.title_ar", "العنوان بالعربية", "Title (Arabic)" },
	{ "notifications.title_en", "العنوان بالإنجليزية", "Title (English)" },
	{ "notifications.message_ar", "الرسالة بالعربية", "Message (Arabic)" },
	{ "notifications.message_en", "الرسالة بالإنجليزية", "Message (English)" },
	{ "notifications.send", "إرسال", "Send" },
	{ "settings.title", "الإعدادات", "Settings" },
	{ "settings.key", "المفتاح", "Key" },
	{ "settings.value", "القيمة (JSON)", "Value (JSON)" },
	{ "settings.public", "عام", "Public" },
	{ "activity.title", "سجل النشاط", "Activity log" },
	{ "activity.actor", "المنفذ (رقم)", "Actor (id)" },
	{ "activity.action", "الإجراء", "Action" },
	{ "activity.target", "الهدف", "Target" },
	{ "activity.target_type", "نوع الهدف", "Target type" },
	{ "activity.target_id", "رقم الهدف", "Target id" },
	{ "activity.when", "الوقت", "When" },
	{ "activity.details", "التفاصيل", "Details" },
	{ "users.delete", "حذف الحساب", "Delete the account" },
	{ "users.delete_note", "يُخفى الحساب وتُمحى بياناته الشخصية؛ لا يمكن التراجع.", "The account is hidden and its personal data erased; this cannot be undone." },
	{ "status.pending_approval", "بانتظار الموافقة", "Awaiting approval" },
	{ "status.approved", "موافق عليه", "Approved" },
	{ "status.rejected", "مرفوض", "Rejected" },
	{ "status.technician_assigned", "تم تعيين فني", "Technician assigned" },
	{ "status.on_way", "في الطريق", "On the way" },
	{ "status.arrived", "وصل الفني", "Arrived" },
	{ "status.in_progress", "قيد التنفيذ", "In progress" },
	{ "status.completed", "مكتمل", "Completed" },
	{ "status.cancelled", "ملغي", "Cancelled" },
	{ "status.disputed", "متنازع عليه", "Disputed" },
	{ "status.posted", "منشور", "Posted" },
	{ "status.quoted", "عروض أسعار", "Quoted" },
	{ "status.hired", "تم التعاقد", "Hired" },
	{ "yes", "نعم", "Yes" },
	{ "no", "لا", "No" },
};

const char *
label(enum lang lang, const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(labels[i].key, key) == 0)
			return lang == LANG_EN ? labels[i].en : labels[i].ar;
	return key;
}

json_object *
labels_json(enum lang lang)
{
	json_object *o = json_object_new_object();
	size_t i;

	/* dotted keys would read as paths in a template: "nav.users" is t.nav_users */
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		char key[64];
		size_t j;

		snprintf(key, sizeof(key), "%s", labels[i].key);
		for (j = 0; key[j] != '\0'; j++)
			if (key[j] == '.')
				key[j] = '_';
		json_object_object_add(o, key, json_object_new_string(lang == LANG_EN ?
		    labels[i].en : labels[i].ar));
	}
	return o;
}
