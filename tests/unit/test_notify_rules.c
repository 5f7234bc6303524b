/* domain/notify_rules: the outside channels a notification goes out on. */
#include "domain/notify_rules.h"
#include "check.h"

/* Everything on: the defaults of a new account with an e-mail and a phone. */
static struct notify_prefs
all_on(void)
{
	struct notify_prefs p = { 1, 1, 1, 1, 1, 0, 1, 1, 1 };

	return p;
}

TEST(the_wanted_channels_go_when_everything_allows)
{
	struct notify_prefs p = all_on();

	CHECK_INT(notify_channels(NOTIFY_ALL, "booking_status", &p), NOTIFY_ALL);
	CHECK_INT(notify_channels(NOTIFY_EMAIL, "booking_status", &p), NOTIFY_EMAIL);
	CHECK_INT(notify_channels(NOTIFY_SMS | NOTIFY_PUSH, "payment", &p), NOTIFY_SMS | NOTIFY_PUSH);
	CHECK_INT(notify_channels(0, "system", &p), 0);   /* in-app only */
}

TEST(each_preference_stops_its_own_channel)
{
	struct notify_prefs p = all_on();

	p.sms = 0;
	CHECK_INT(notify_channels(NOTIFY_ALL, "booking_status", &p), NOTIFY_EMAIL | NOTIFY_PUSH);
	p = all_on();
	p.email = 0;
	CHECK_INT(notify_channels(NOTIFY_ALL, "emergency", &p), NOTIFY_SMS | NOTIFY_PUSH);
	p = all_on();
	p.push = 0;
	CHECK_INT(notify_channels(NOTIFY_ALL, "quote", &p), NOTIFY_EMAIL | NOTIFY_SMS);
}

TEST(the_master_switch_and_an_unreachable_account_stop_everything)
{
	struct notify_prefs p = all_on();

	p.enabled = 0;
	CHECK_INT(notify_channels(NOTIFY_ALL, "emergency", &p), 0);
	p = all_on();
	p.reachable = 0;
	CHECK_INT(notify_channels(NOTIFY_ALL, "booking_status", &p), 0);
}

TEST(no_address_no_channel)
{
	struct notify_prefs p = all_on();

	p.has_phone = 0;
	CHECK_INT(notify_channels(NOTIFY_ALL, "booking_status", &p), NOTIFY_EMAIL | NOTIFY_PUSH);
	p.has_email = 0;
	CHECK_INT(notify_channels(NOTIFY_ALL, "booking_status", &p), NOTIFY_PUSH);
}

TEST(promotions_need_marketing_consent_and_never_go_by_sms)
{
	struct notify_prefs p = all_on();

	CHECK_INT(notify_channels(NOTIFY_ALL, "promotion", &p), NOTIFY_PUSH);
	p.marketing = 1;
	CHECK_INT(notify_channels(NOTIFY_ALL, "promotion", &p), NOTIFY_EMAIL | NOTIFY_PUSH);
	/* marketing consent does not open SMS for other kinds either way */
	CHECK_INT(notify_channels(NOTIFY_SMS, "promotion", &p), 0);
	CHECK_INT(notify_channels(NOTIFY_SMS, "system", &p), NOTIFY_SMS);
}

TEST(review_notifications_follow_their_setting)
{
	struct notify_prefs p = all_on();

	CHECK_INT(notify_channels(NOTIFY_ALL, "review", &p), NOTIFY_ALL);
	p.reviews = 0;
	CHECK_INT(notify_channels(NOTIFY_ALL, "review", &p), 0);
	CHECK_INT(notify_channels(NOTIFY_ALL, "booking_status", &p), NOTIFY_ALL);
}

TEST(the_types_list_is_the_columns)
{
	size_t n = 0;

	while (notify_types[n] != NULL)
		n++;
	CHECK_INT(n, 15);
	CHECK_STR(notify_types[0], "booking_status");
	CHECK_STR(notify_types[10], "admin");
}
