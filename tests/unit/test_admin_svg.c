/* admin/svg.c and admin/page.c's html_escape: the dashboard's charts are inserted raw
 * into its pages, so every text they carry must come out escaped, whatever a service's
 * name holds. */
#include "admin/page.h"
#include "check.h"

static struct arena A;

void
check_setup(void)
{
	arena_init(&A, 4096);
}

void
check_teardown(void)
{
	arena_free(&A);
}

static json_object *
row(const char *name, long long n)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "count", json_object_new_int64(n));
	return o;
}

TEST(escape_every_special_character)
{
	CHECK_STR(html_escape(&A, "<a href=\"x\" title='y'>&</a>"),
	    "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
	CHECK_STR(html_escape(&A, "ورشة"), "ورشة");
	CHECK_STR(html_escape(&A, NULL), "");
	CHECK_STR(html_escape(&A, ""), "");
}

TEST(bars_escape_names)
{
	json_object *rows = json_object_new_array();
	char *svg;

	json_object_array_add(rows, row("<script>alert(1)</script>", 5));
	json_object_array_add(rows, row("\"><img src=x onerror=alert(1)>", 3));
	svg = svg_bars(&A, rows, "name", "count", 0, LANG_AR);
	REQUIRE(svg != NULL);
	CHECK(strstr(svg, "<script") == NULL);
	CHECK(strstr(svg, "<img") == NULL);
	CHECK(strstr(svg, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
	CHECK(strncmp(svg, "<svg ", 5) == 0);
	CHECK(strstr(svg, "</svg>") != NULL);
	json_object_put(rows);
}

TEST(columns_scale_to_the_largest_and_show_money_in_pounds)
{
	json_object *rows = json_object_new_array();
	char *svg;

	json_object_array_add(rows, row("2026-11-01", 250000));
	json_object_array_add(rows, row("2026-11-02", 0));
	svg = svg_line(&A, rows, "name", "count", 1);
	REQUIRE(svg != NULL);
	CHECK(strstr(svg, ">2500.00<") != NULL);     /* the top tick, in pounds */
	CHECK(strstr(svg, "2026-11-01: 2500.00") != NULL);
	CHECK(strstr(svg, "height=\"0.0\"") != NULL); /* an empty day has no bar */
	json_object_put(rows);
}

/* a long name is cut between characters: the page stays UTF-8 */
static int
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 :
		    (*p & 0xF8) == 0xF0 ? 3 : -1;

		if (n < 0)
			return 0;
		for (p++; n > 0; n--, p++)
			if ((*p & 0xC0) != 0x80)
				return 0;
	}
	return 1;
}

TEST(long_names_are_cut_between_characters)
{
	json_object *rows = json_object_new_array();
	char *svg;

	json_object_array_add(rows, row("خدمة سباكة طارئة للمنازل والشقق في القاهرة الكبرى", 5));
	json_object_array_add(rows, row("abcdefghijklmnopqrstuvwxyz0123456789", 4));
	json_object_array_add(rows, row("قصير", 3));
	svg = svg_bars(&A, rows, "name", "count", 0, LANG_AR);
	REQUIRE(svg != NULL);
	CHECK(valid_utf8(svg));
	CHECK(strstr(svg, ">خدمة سباكة طارئة للمنازل و…<") != NULL);
	CHECK(strstr(svg, ">abcdefghijklmnopqrstuvwxyz…<") != NULL);
	CHECK(strstr(svg, ">قصير<") != NULL);
	json_object_put(rows);
}

TEST(no_rows_no_chart)
{
	json_object *rows = json_object_new_array();

	CHECK(svg_bars(&A, rows, "name", "count", 0, LANG_EN) == NULL);
	CHECK(svg_line(&A, rows, "name", "count", 0) == NULL);
	CHECK(svg_line(&A, NULL, "name", "count", 0) == NULL);
	json_object_put(rows);
}
