#include "user_view.h"

json_object *
user_view_row(const struct db_result *res, size_t i, struct user_shown *shown)
{
	json_object *row = db_row_json(res, i);
	int c_email = db_col(res, "_showEmail"), c_phone = db_col(res, "_showPhone");

	shown->email = c_email >= 0 && db_get_ll(res, i, (size_t)c_email, 0) != 0;
	shown->phone = c_phone >= 0 && db_get_ll(res, i, (size_t)c_phone, 0) != 0;
	json_object_object_del(row, "_showEmail");
	json_object_object_del(row, "_showPhone");
	return row;
}
