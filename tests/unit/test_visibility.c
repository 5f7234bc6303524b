/* domain/user_visibility: who sees which fields of a user, and the view cut to them. */
#include "domain/user_visibility.h"
#include "check.h"

static const struct user_viewer ADMIN = { 1, "admin" }, MODERATOR = { 2, "moderator" },
	TECH = { 10, "technician" }, CUSTOMER = { 20, "customer" }, CORPORATE = { 30, "corporate" },
	NOBODY = { 0, NULL };

static struct user_subject
subject(long long id, const char *role, int show_email, int show_phone)
{
	struct user_subject s = { id, role, show_email, show_phone };

	return s;
}

TEST(staff_and_self_see_everything)
{
	struct user_subject cust = subject(99, "customer", 0, 0);
	struct user_subject tech = subject(98, "technician", 0, 0);
	struct user_subject adm = subject(97, "admin", 0, 0);

	CHECK_INT(user_visibility(&ADMIN, &cust, USER_REL_NONE), UF_ALL);
	CHECK_INT(user_visibility(&MODERATOR, &tech, USER_REL_NONE), UF_ALL);
	CHECK_INT(user_visibility(&MODERATOR, &adm, USER_REL_NONE), UF_ALL);
	CHECK_INT(user_visibility(&ADMIN, &adm, USER_REL_NONE), UF_ALL);
	/* oneself, whatever the role */
	CHECK_INT(user_visibility(&TECH, &(struct user_subject){ 10, "technician", 0, 0 },
	    USER_REL_NONE), UF_ALL);
	CHECK_INT(user_visibility(&CUSTOMER, &(struct user_subject){ 20, "customer", 0, 0 },
	    USER_REL_NONE), UF_ALL);
	CHECK(user_role_is_staff("admin") && user_role_is_staff("moderator"));
	CHECK(!user_role_is_staff("technician") && !user_role_is_staff("customer") &&
	    !user_role_is_staff("corporate") && !user_role_is_staff(NULL) &&
	    !user_role_is_staff("Admin"));
}

TEST(others_see_the_public_view_only)
{
	const struct user_viewer *viewers[] = { &TECH, &CUSTOMER, &CORPORATE, &NOBODY };
	const char *roles[] = { "customer", "technician", "corporate" };
	size_t i, j;

	for (i = 0; i < sizeof(viewers) / sizeof(viewers[0]); i++)
		for (j = 0; j < 3; j++) {
			struct user_subject s = subject(500, roles[j], 0, 0);

			CHECK_INT(user_visibility(viewers[i], &s, USER_REL_NONE), UF_PUBLIC);
		}
	/* nothing contact-like or private in the public set */
	CHECK((UF_PUBLIC & (UF_EMAIL | UF_PHONE | UF_PRIVATE)) == 0);
}

TEST(staff_accounts_are_not_shown_to_others)
{
	struct user_subject adm = subject(97, "admin", 1, 1), mod = subject(96, "moderator", 1, 1);

	CHECK_INT(user_visibility(&TECH, &adm, USER_REL_NONE), UF_NONE);
	CHECK_INT(user_visibility(&CUSTOMER, &mod, USER_REL_NONE), UF_NONE);
	CHECK_INT(user_visibility(&CORPORATE, &adm, USER_REL_ASSIGNED_TECHNICIAN), UF_NONE);
	/* a role this module does not know: fail closed */
	CHECK_INT(user_visibility(&TECH, &(struct user_subject){ 95, "wizard", 1, 1 },
	    USER_REL_NONE), UF_NONE);
	CHECK_INT(user_visibility(&TECH, &(struct user_subject){ 95, NULL, 1, 1 },
	    USER_REL_NONE), UF_NONE);
	CHECK_INT(user_visibility(&TECH, NULL, USER_REL_NONE), UF_NONE);
	/* an unknown viewer role is no staff */
	CHECK_INT(user_visibility(&(struct user_viewer){ 40, "wizard" },
	    &(struct user_subject){ 41, "customer", 0, 0 }, USER_REL_NONE), UF_PUBLIC);
}

TEST(a_technician_chooses_to_show_email_or_phone)
{
	struct user_subject s;

	s = subject(98, "technician", 1, 0);
	CHECK_INT(user_visibility(&CUSTOMER, &s, USER_REL_NONE), UF_PUBLIC | UF_EMAIL);
	s = subject(98, "technician", 0, 1);
	CHECK_INT(user_visibility(&TECH, &s, USER_REL_NONE), UF_PUBLIC | UF_PHONE);
	s = subject(98, "technician", 1, 1);
	CHECK_INT(user_visibility(&NOBODY, &s, USER_REL_NONE), UF_PUBLIC | UF_CONTACT);
	/* the settings are a professional's: a customer's choice shows nothing to others */
	s = subject(99, "customer", 1, 1);
	CHECK_INT(user_visibility(&TECH, &s, USER_REL_NONE), UF_PUBLIC);
	s = subject(99, "corporate", 1, 1);
	CHECK_INT(user_visibility(&CUSTOMER, &s, USER_REL_NONE), UF_PUBLIC);
}

TEST(a_booking_opens_contact_between_its_two_sides)
{
	struct user_subject cust = subject(99, "customer", 0, 0);
	struct user_subject corp = subject(94, "corporate", 0, 0);
	struct user_subject tech = subject(98, "technician", 0, 0);

	/* the assigned technician reaches the customer, and the customer the technician */
	CHECK_INT(user_visibility(&TECH, &cust, USER_REL_ASSIGNED_TECHNICIAN),
	    UF_PUBLIC | UF_CONTACT);
	CHECK_INT(user_visibility(&TECH, &corp, USER_REL_ASSIGNED_TECHNICIAN),
	    UF_PUBLIC | UF_CONTACT);
	CHECK_INT(user_visibility(&CUSTOMER, &tech, USER_REL_BOOKED_TECHNICIAN),
	    UF_PUBLIC | UF_CONTACT);
	CHECK_INT(user_visibility(&CORPORATE, &tech, USER_REL_BOOKED_TECHNICIAN),
	    UF_PUBLIC | UF_CONTACT);
	/* without a booking, nothing */
	CHECK_INT(user_visibility(&TECH, &cust, USER_REL_NONE), UF_PUBLIC);
	/* a relation that does not fit the roles opens nothing */
	CHECK_INT(user_visibility(&CUSTOMER, &cust, USER_REL_ASSIGNED_TECHNICIAN), UF_PUBLIC);
	CHECK_INT(user_visibility(&TECH, &tech, USER_REL_ASSIGNED_TECHNICIAN), UF_PUBLIC);
	CHECK_INT(user_visibility(&TECH, &cust, USER_REL_BOOKED_TECHNICIAN), UF_PUBLIC);
	CHECK_INT(user_visibility(&CUSTOMER, &cust, USER_REL_BOOKED_TECHNICIAN), UF_PUBLIC);
	CHECK_INT(user_visibility(&NOBODY, &tech, USER_REL_BOOKED_TECHNICIAN), UF_PUBLIC);
}

TEST(fields_belong_to_groups_and_unknown_ones_are_private)
{
	CHECK_INT(user_field_of("id"), UF_ID);
	CHECK_INT(user_field_of("email"), UF_EMAIL);
	CHECK_INT(user_field_of("phone"), UF_PHONE);
	CHECK_INT(user_field_of("profile.firstName"), UF_NAME);
	CHECK_INT(user_field_of("profile.address.city"), UF_AREA);
	CHECK_INT(user_field_of("profile.address.governorate"), UF_AREA);
	CHECK_INT(user_field_of("ratingCount"), UF_RATING);
	CHECK_INT(user_field_of("profile.address.street"), UF_PRIVATE);
	CHECK_INT(user_field_of("location.latitude"), UF_PRIVATE);
	CHECK_INT(user_field_of("lastLogin"), UF_PRIVATE);
	CHECK_INT(user_field_of("username"), UF_PRIVATE);
	CHECK_INT(user_field_of("somethingNew"), UF_PRIVATE);
	CHECK_INT(user_field_of(NULL), UF_PRIVATE);
}

/* A user as the store shows one (fcgi/store/user_view.h), abridged. */
static json_object *
full_user(void)
{
	return json_tokener_parse("{\"id\": 7, \"email\": \"a@b.eg\", \"phone\": \"+201001234567\","
	    " \"username\": \"ahmed_7\", \"role\": \"technician\","
	    " \"profile\": {\"firstName\": \"Ahmed\", \"lastName\": \"Ali\", \"avatar\": null,"
	    " \"bio\": \"Plumber\", \"dateOfBirth\": \"1990-01-01\", \"gender\": \"male\","
	    " \"address\": {\"street\": \"1 Nile St\", \"city\": \"Giza\", \"governorate\": \"GZ\"},"
	    " \"preferredLanguage\": \"ar\"},"
	    " \"carInfo\": {\"brand\": \"Kia\"}, \"preferences\": {\"smsNotifications\": true},"
	    " \"location\": {\"latitude\": 30.1, \"longitude\": 31.2},"
	    " \"isActive\": true, \"isBanned\": false, \"banReason\": null, \"rating\": 4.5,"
	    " \"ratingCount\": 12, \"lastLogin\": \"2026-11-21T10:00:00.000Z\","
	    " \"createdAt\": \"2025-01-01T00:00:00.000Z\", \"updatedAt\": \"2026-01-01T00:00:00.000Z\","
	    " \"somethingNew\": 1}");
}

TEST(the_public_view_omits_every_other_field)
{
	json_object *full = full_user(), *pub, *profile, *address;

	REQUIRE(full != NULL);
	pub = user_view_project(full, UF_PUBLIC);
	REQUIRE(pub != NULL);
	CHECK_STR(json_object_to_json_string_ext(pub, JSON_C_TO_STRING_PLAIN),
	    "{\"id\":7,\"role\":\"technician\",\"profile\":{\"firstName\":\"Ahmed\","
	    "\"lastName\":\"Ali\",\"avatar\":null,\"bio\":\"Plumber\",\"address\":{\"city\":"
	    "\"Giza\",\"governorate\":\"GZ\"}},\"rating\":4.5,\"ratingCount\":12,\"createdAt\":"
	    "\"2025-01-01T00:00:00.000Z\"}");
	CHECK(!json_object_object_get_ex(pub, "email", NULL));
	CHECK(!json_object_object_get_ex(pub, "phone", NULL));
	CHECK(json_object_object_get_ex(pub, "profile", &profile) &&
	    json_object_object_get_ex(profile, "address", &address) &&
	    !json_object_object_get_ex(address, "street", NULL));
	json_object_put(pub);

	/* email and phone only when the set has them */
	pub = user_view_project(full, UF_PUBLIC | UF_PHONE);
	CHECK(!json_object_object_get_ex(pub, "email", NULL));
	CHECK_STR(json_object_get_string(json_object_object_get(pub, "phone")), "+201001234567");
	json_object_put(pub);
	pub = user_view_project(full, UF_PUBLIC | UF_EMAIL);
	CHECK_STR(json_object_get_string(json_object_object_get(pub, "email")), "a@b.eg");
	CHECK(!json_object_object_get_ex(pub, "phone", NULL));
	json_object_put(pub);

	/* the whole view is the object itself; nothing is nothing */
	pub = user_view_project(full, UF_ALL);
	CHECK(pub == full);
	json_object_put(pub);
	CHECK(user_view_project(full, UF_NONE) == NULL);
	CHECK(user_view_project(NULL, UF_PUBLIC) == NULL);
	json_object_put(full);
}

TEST(a_view_without_a_field_stays_without)
{
	json_object *part = json_tokener_parse("{\"id\": 3, \"role\": \"customer\", \"email\": \"x@y.eg\"}");
	json_object *pub = user_view_project(part, UF_PUBLIC | UF_CONTACT);

	CHECK_STR(json_object_to_json_string_ext(pub, JSON_C_TO_STRING_PLAIN),
	    "{\"id\":3,\"email\":\"x@y.eg\",\"role\":\"customer\"}");
	json_object_put(pub);
	json_object_put(part);
}
