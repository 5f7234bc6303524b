/* core/cors: which origins may call the API with credentials. */
#include "core/cors.h"
#include "check.h"

TEST(listed_origins_match_exactly)
{
	const char *list = "http://localhost:5173, https://app.warsha.example  https://admin.warsha.example";

	CHECK_INT(cors_origin_allowed(list, "http://localhost:5173"), 1);
	CHECK_INT(cors_origin_allowed(list, "https://app.warsha.example"), 1);
	CHECK_INT(cors_origin_allowed(list, "https://admin.warsha.example"), 1);
}

TEST(near_misses_are_refused)
{
	const char *list = "http://localhost:5173 https://app.warsha.example";

	CHECK_INT(cors_origin_allowed(list, "http://localhost:517"), 0);
	CHECK_INT(cors_origin_allowed(list, "http://localhost:51733"), 0);
	CHECK_INT(cors_origin_allowed(list, "https://app.warsha.example.evil.com"), 0);
	CHECK_INT(cors_origin_allowed(list, "https://APP.warsha.example"), 0);
	CHECK_INT(cors_origin_allowed(list, "null"), 0);
	CHECK_INT(cors_origin_allowed(list, ""), 0);
	CHECK_INT(cors_origin_allowed(list, NULL), 0);
	CHECK_INT(cors_origin_allowed(list, "http://localhost:5173\r\nX-Evil: 1"), 0);
}

TEST(an_empty_list_allows_nobody)
{
	CHECK_INT(cors_origin_allowed("", "http://localhost:5173"), 0);
	CHECK_INT(cors_origin_allowed(" , ", ""), 0);
	CHECK_INT(cors_origin_allowed(NULL, "http://localhost:5173"), 0);
}
