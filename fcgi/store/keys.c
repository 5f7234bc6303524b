/* One table maps each unique and foreign key of the schema to the field a client sent
 * and the message it gets: a duplicate is 409 naming the field, a reference to nothing
 * is 422 naming it. fail_db() reads it; a key missing here is logged as an error. */
#include "../core/http.h"

const struct key_field store_keys[] = {
	{ "uq_users_email", ERR_CONFLICT, "email", "DUPLICATE", MSG_V_EMAIL_TAKEN },
	{ "uq_users_phone", ERR_CONFLICT, "phone", "DUPLICATE", MSG_V_PHONE_TAKEN },
	{ "uq_users_username", ERR_CONFLICT, "username", "DUPLICATE", MSG_V_USERNAME_TAKEN },
	{ "fk_users_governorate", ERR_VALIDATION, "address.governorate", "INVALID_VALUE",
	    MSG_V_GOVERNORATE },
	{ "uq_services_name_en", ERR_CONFLICT, "nameEn", "DUPLICATE", MSG_V_SERVICE_NAME_TAKEN },
	{ "fk_services_category", ERR_VALIDATION, "category", "INVALID_VALUE", MSG_V_CATEGORY },
	{ "fk_bookings_category", ERR_VALIDATION, "category", "INVALID_VALUE", MSG_V_JOB_CATEGORY },
	{ "uq_quotes_live", ERR_CONFLICT, "jobId", "DUPLICATE", MSG_QUOTE_EXISTS },
	{ "uq_job_invitations", ERR_CONFLICT, "craftsmanId", "DUPLICATE", MSG_INVITE_TWICE },
};

const size_t store_nkeys = sizeof(store_keys) / sizeof(store_keys[0]);
