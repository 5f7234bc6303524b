/* domain/outbox_rules: back-off, transactional templates, FCM error handling. */
#include "domain/outbox_rules.h"
#include "check.h"

TEST(backoff_doubles_up_to_the_cap_with_equal_jitter)
{
	/* rnd 0: half the delay; rnd near 1: all of it */
	CHECK_INT(outbox_backoff_ms(1, 1000, 60000, 0.0), 500);
	CHECK_INT(outbox_backoff_ms(1, 1000, 60000, 0.999999), 999);
	CHECK_INT(outbox_backoff_ms(2, 1000, 60000, 0.0), 1000);
	CHECK_INT(outbox_backoff_ms(3, 1000, 60000, 0.0), 2000);
	CHECK_INT(outbox_backoff_ms(4, 1000, 60000, 0.5), 6000);
	CHECK_INT(outbox_backoff_ms(7, 1000, 60000, 0.0), 30000);   /* 64 s capped to 60 */
	CHECK_INT(outbox_backoff_ms(100, 1000, 60000, 0.0), 30000);
	CHECK_INT(outbox_backoff_ms(1000000, 30000, 3600000, 0.0), 1800000);
	/* never zero; a bad rnd is taken as 0 */
	CHECK_INT(outbox_backoff_ms(1, 1, 1, 0.0), 1);
	CHECK_INT(outbox_backoff_ms(1, 1000, 1000, 7.0), 500);
	CHECK_INT(outbox_backoff_ms(0, 1000, 1000, 0.0), 500);
}

TEST(codes_and_links_are_transactional)
{
	CHECK(outbox_transactional("verify_email"));
	CHECK(outbox_transactional("reset_password"));
	CHECK(outbox_transactional("phone_otp"));
	CHECK(outbox_transactional("booking_start_code"));
	CHECK(!outbox_transactional("notification"));
	CHECK(!outbox_transactional(NULL));
}

TEST(fcm_errors)
{
	CHECK_INT(fcm_error_action(404, "UNREGISTERED", "Requested entity was not found."),
	    FCM_DROP_TOKEN);
	CHECK_INT(fcm_error_action(403, "SENDER_ID_MISMATCH", NULL), FCM_DROP_TOKEN);
	CHECK_INT(fcm_error_action(400, "INVALID_ARGUMENT",
	    "The registration token is not a valid FCM registration token"), FCM_DROP_TOKEN);
	/* INVALID_ARGUMENT about our payload: the token stays, retrying will not help */
	CHECK_INT(fcm_error_action(400, "INVALID_ARGUMENT",
	    "Invalid value at 'message.data[0].value' (TYPE_STRING), 12"), FCM_FAIL);
	CHECK_INT(fcm_error_action(429, "QUOTA_EXCEEDED", NULL), FCM_RETRY);
	CHECK_INT(fcm_error_action(503, "UNAVAILABLE", NULL), FCM_RETRY);
	CHECK_INT(fcm_error_action(500, "INTERNAL", NULL), FCM_RETRY);
	CHECK_INT(fcm_error_action(502, NULL, NULL), FCM_RETRY);
	CHECK_INT(fcm_error_action(401, "THIRD_PARTY_AUTH_ERROR", NULL), FCM_FAIL);
	CHECK_INT(fcm_error_action(401, NULL, "Request had invalid authentication credentials."),
	    FCM_REFRESH);
	CHECK_INT(fcm_error_action(400, NULL, NULL), FCM_FAIL);
}
