/* domain/identity: role words, sign-up roles, login types, identifiers, login limits. */
#include "core/phone.h"
#include "domain/domain.h"
#include "check.h"

#define ROLE_IS(word, want) CHECK_STR(role_from_alias(word), want)

TEST(role_aliases_from_the_seeds)
{
	/* customer */
	ROLE_IS("customer", "customer");
	ROLE_IS("USER", "customer");
	ROLE_IS("user", "customer");
	ROLE_IS("User", "customer");
	ROLE_IS("client", "customer");
	ROLE_IS("Client", "customer");
	ROLE_IS("CLIENT", "customer");
	ROLE_IS("clients", "customer");
	ROLE_IS("customers", "customer");
	/* technician */
	ROLE_IS("technician", "technician");
	ROLE_IS("TECHNICIAN", "technician");
	ROLE_IS("craftsman", "technician");
	ROLE_IS("Craftsman", "technician");
	ROLE_IS("professional", "technician");
	ROLE_IS("mechanic", "technician");
	ROLE_IS("MECHANIC", "technician");
	/* staff and corporate */
	ROLE_IS("admin", "admin");
	ROLE_IS("ADMIN", "admin");
	ROLE_IS("moderator", "moderator");
	ROLE_IS("Moderator", "moderator");
	ROLE_IS("corporate", "corporate");
	/* unknown words */
	ROLE_IS("junk", NULL);
	ROLE_IS("", NULL);
	ROLE_IS(NULL, NULL);
	ROLE_IS("administrator", NULL);
	ROLE_IS("superadmin", NULL);
	ROLE_IS("admin ", NULL);
	ROLE_IS(" user", NULL);
	ROLE_IS("use", NULL);
	ROLE_IS("عميل", NULL);
}

TEST(signup_never_yields_staff)
{
	CHECK_STR(role_for_signup(NULL), "customer");
	CHECK_STR(role_for_signup(""), "customer");
	CHECK_STR(role_for_signup("user"), "customer");
	CHECK_STR(role_for_signup("USER"), "customer");
	CHECK_STR(role_for_signup("client"), "customer");
	CHECK_STR(role_for_signup("customer"), "customer");
	CHECK_STR(role_for_signup("technician"), "technician");
	CHECK_STR(role_for_signup("TECHNICIAN"), "technician");
	CHECK_STR(role_for_signup("craftsman"), "technician");
	CHECK_STR(role_for_signup("professional"), "technician");
	CHECK_STR(role_for_signup("mechanic"), "technician");
	CHECK_STR(role_for_signup("corporate"), "corporate");
	CHECK(role_for_signup("admin") == NULL);
	CHECK(role_for_signup("ADMIN") == NULL);
	CHECK(role_for_signup("Admin") == NULL);
	CHECK(role_for_signup("moderator") == NULL);
	CHECK(role_for_signup("MODERATOR") == NULL);
	CHECK(role_for_signup("junk") == NULL);
	CHECK(role_for_signup("administrator") == NULL);
}

TEST(login_type_parse_values)
{
	CHECK_INT(login_type_parse(NULL), LOGIN_ANY);
	CHECK_INT(login_type_parse(""), LOGIN_ANY);
	CHECK_INT(login_type_parse("clients"), LOGIN_CLIENTS);
	CHECK_INT(login_type_parse("admins"), LOGIN_ADMINS);
	CHECK_INT(login_type_parse("client"), LOGIN_INVALID);
	CHECK_INT(login_type_parse("admin"), LOGIN_INVALID);
	CHECK_INT(login_type_parse("Clients"), LOGIN_INVALID);
	CHECK_INT(login_type_parse("ADMINS"), LOGIN_INVALID);
	CHECK_INT(login_type_parse("staff"), LOGIN_INVALID);
	CHECK_INT(login_type_parse(" clients"), LOGIN_INVALID);
}

TEST(login_type_admits_matrix)
{
	static const char *const roles[] = { "customer", "technician", "admin", "moderator",
		"corporate" };
	/* rows: LOGIN_ANY, LOGIN_CLIENTS, LOGIN_ADMINS, LOGIN_INVALID */
	static const int want[4][5] = {
		{ 1, 1, 1, 1, 1 },
		{ 1, 1, 0, 0, 1 },
		{ 0, 0, 1, 1, 0 },
		{ 0, 0, 0, 0, 0 },
	};
	int t, i;

	for (t = LOGIN_ANY; t <= LOGIN_INVALID; t++)
		for (i = 0; i < 5; i++)
			if (!CHECK_INT(login_type_admits((enum login_type)t, roles[i]), want[t][i]))
				fprintf(stderr, "    type %d role %s\n", t, roles[i]);
}

TEST(identifier_detection)
{
	char phone[PHONE_E164_LEN];

	CHECK_INT(identifier_kind("ahmed@example.com", phone, sizeof(phone)), IDENT_EMAIL);
	CHECK_INT(identifier_kind("@", phone, sizeof(phone)), IDENT_EMAIL);
	CHECK_INT(identifier_kind("01012345678@x", phone, sizeof(phone)), IDENT_EMAIL);

	memset(phone, 0, sizeof(phone));
	CHECK_INT(identifier_kind("01012345678", phone, sizeof(phone)), IDENT_PHONE);
	CHECK_STR(phone, "+201012345678");
	memset(phone, 0, sizeof(phone));
	CHECK_INT(identifier_kind("+201112345678", phone, sizeof(phone)), IDENT_PHONE);
	CHECK_STR(phone, "+201112345678");
	memset(phone, 0, sizeof(phone));
	CHECK_INT(identifier_kind("٠١٢٢٣٤٥٦٧٨٩", phone, sizeof(phone)), IDENT_PHONE);
	CHECK_STR(phone, "+201223456789");
	CHECK_INT(identifier_kind("0101 234 5678", phone, sizeof(phone)), IDENT_PHONE);

	CHECK_INT(identifier_kind("ahmed_tech", phone, sizeof(phone)), IDENT_USERNAME);
	CHECK_INT(identifier_kind("01312345678", phone, sizeof(phone)), IDENT_USERNAME);
	CHECK_INT(identifier_kind("0101234567", phone, sizeof(phone)), IDENT_USERNAME);
	CHECK_INT(identifier_kind("user01012345678", phone, sizeof(phone)), IDENT_USERNAME);
	CHECK_INT(identifier_kind("", phone, sizeof(phone)), IDENT_USERNAME);
	CHECK_INT(identifier_kind("أحمد", phone, sizeof(phone)), IDENT_USERNAME);
	/* no room for the number: not a phone */
	CHECK_INT(identifier_kind("01012345678", phone, 5), IDENT_USERNAME);
}

TEST(login_retry_after_window)
{
	/* under the limit: allowed */
	CHECK_INT(login_retry_after(0, 5, 0, 900), 0);
	CHECK_INT(login_retry_after(4, 5, 10, 900), 0);
	/* at the limit: wait until the oldest failure leaves the window */
	CHECK_INT(login_retry_after(5, 5, 100, 900), 800);
	CHECK_INT(login_retry_after(5, 5, 0, 900), 900);
	CHECK_INT(login_retry_after(9, 5, 899, 900), 1);
	/* never 0 once limited, even at or past the window's edge */
	CHECK_INT(login_retry_after(5, 5, 900, 900), 1);
	CHECK_INT(login_retry_after(5, 5, 5000, 900), 1);
	CHECK_INT(login_retry_after(1, 1, 30, 60), 30);
}

TEST(usernames)
{
	static const char *const ok[] = { "ahmed", "Ahmed_1", "a.b", "x", "tech.2026",
		"_a_", "a1234567890" };
	static const char *const bad[] = { "", "123", "01012345678", "_", "._.", "ahmed-1",
		"a b", "user@x", "أحمد", "ahmed\n", "a+b", "+201012345678" };
	char phone[PHONE_E164_LEN];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (!CHECK_INT(username_valid(ok[i]), 1))
			fprintf(stderr, "    username: %s\n", ok[i]);
		/* a valid username never reads as an email or a phone at login */
		CHECK_INT(identifier_kind(ok[i], phone, sizeof(phone)), IDENT_USERNAME);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!CHECK_INT(username_valid(bad[i]), 0))
			fprintf(stderr, "    username: %s\n", bad[i]);
}
