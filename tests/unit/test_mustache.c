/* core/mustache: every case of the Mustache specification's interpolation, sections,
 * inverted, comments and partials files (tests/unit/mustache-spec/), then what the
 * specification leaves open: parse errors, escaping, numbers, UTF-8, limits, sets. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mustache.h"
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

static const char *
source_dir(void)
{
	const char *d = getenv("WARSHA_SOURCE_DIR");

	return d != NULL ? d : ".";   /* ctest sets it; by hand, run from the repository */
}

/* --- the specification --- */

struct spec_partials {
	const char               *names[16];
	struct mustache_template *t[16];
	size_t                    n;
};

static const struct mustache_template *
spec_lookup(void *ctx, const char *name, const struct mustache_template *from)
{
	struct spec_partials *p = ctx;
	size_t i;

	(void)from;
	for (i = 0; i < p->n; i++)
		if (strcmp(p->names[i], name) == 0)
			return p->t[i];
	return NULL;
}

/* Runs every case of one file; returns how many there were. */
static int
run_spec_file(const char *file)
{
	char path[4096];
	json_object *doc, *tests;
	size_t i, count;

	snprintf(path, sizeof(path), "%s/tests/unit/mustache-spec/%s.json", source_dir(), file);
	doc = json_object_from_file(path);
	if (!CHECK(doc != NULL)) {
		fprintf(stderr, "    cannot read %s\n", path);
		return 0;
	}
	CHECK(json_object_object_get_ex(doc, "tests", &tests));
	count = json_object_array_length(tests);
	for (i = 0; i < count; i++) {
		json_object *c = json_object_array_get_idx(tests, i), *v, *data, *partials;
		const char *name, *tpl, *expected, *got;
		struct mustache_error err;
		struct mustache_template *t;
		struct spec_partials sp = { .n = 0 };
		size_t len = 0;

		json_object_object_get_ex(c, "name", &v);
		name = json_object_get_string(v);
		json_object_object_get_ex(c, "template", &v);
		tpl = json_object_get_string(v);
		json_object_object_get_ex(c, "expected", &v);
		expected = json_object_get_string(v);
		json_object_object_get_ex(c, "data", &data);
		if (json_object_object_get_ex(c, "partials", &partials)) {
			json_object_object_foreach(partials, k, pv) {
				sp.names[sp.n] = k;
				sp.t[sp.n] = mustache_compile(k, json_object_get_string(pv),
				    (size_t)json_object_get_string_len(pv), &err);
				CHECK(sp.t[sp.n] != NULL);
				sp.n++;
			}
		}
		t = mustache_compile(file, tpl, strlen(tpl), &err);
		if (!CHECK(t != NULL)) {
			fprintf(stderr, "    %s / %s: %d:%d: %s\n", file, name, err.line, err.column,
			    err.message);
		} else {
			got = mustache_render(&A, t, data, spec_lookup, &sp, &len, &err);
			if (!CHECK_STR(got, expected))
				fprintf(stderr, "    in %s / %s\n", file, name);
			CHECK(got == NULL || len == strlen(got));
		}
		mustache_free(t);
		while (sp.n > 0)
			mustache_free(sp.t[--sp.n]);
		arena_reset(&A);
	}
	json_object_put(doc);
	return (int)count;
}

TEST(spec_interpolation) { CHECK_INT(run_spec_file("interpolation"), 42); }
TEST(spec_sections)      { CHECK_INT(run_spec_file("sections"), 34); }
TEST(spec_inverted)      { CHECK_INT(run_spec_file("inverted"), 22); }
TEST(spec_comments)      { CHECK_INT(run_spec_file("comments"), 12); }
TEST(spec_partials)      { CHECK_INT(run_spec_file("partials"), 12); }

/* --- helpers for the rest --- */

/* Renders tpl over the JSON text data (no partials); NULL on any error. */
static const char *
render(const char *tpl, const char *data)
{
	struct mustache_error err;
	struct mustache_template *t = mustache_compile("t", tpl, strlen(tpl), &err);
	json_object *d = data != NULL ? json_tokener_parse(data) : NULL;
	const char *out = NULL;

	if (t == NULL)
		fprintf(stderr, "    compile: %d:%d: %s\n", err.line, err.column, err.message);
	else if ((out = mustache_render(&A, t, d, NULL, NULL, NULL, &err)) == NULL)
		fprintf(stderr, "    render: %d:%d: %s\n", err.line, err.column, err.message);
	mustache_free(t);
	json_object_put(d);
	return out;
}

/* Compiling tpl fails at line:column with a message holding want. */
static void
check_parse_error(const char *tpl, int line, int column, const char *want, int srcline)
{
	struct mustache_error err;
	struct mustache_template *t = mustache_compile("bad", tpl, strlen(tpl), &err);

	if (!check_bool(t == NULL, __FILE__, srcline, "compile fails")) {
		mustache_free(t);
		return;
	}
	check_str(__FILE__, srcline, "err.name", "\"bad\"", err.name, "bad");
	check_int(__FILE__, srcline, "err.line", "line", err.line, line);
	check_int(__FILE__, srcline, "err.column", "column", err.column, column);
	if (!check_bool(strstr(err.message, want) != NULL, __FILE__, srcline, want))
		fprintf(stderr, "    message: %s\n", err.message);
}

#define PARSE_ERROR(tpl, line, col, want) check_parse_error(tpl, line, col, want, __LINE__)

TEST(parse_errors_name_line_and_column)
{
	PARSE_ERROR("Hello {{name", 1, 7, "unclosed tag");
	PARSE_ERROR("a\nb {{{name}}", 2, 3, "'{{{' without '}}}'");
	PARSE_ERROR("{{#a}}\n  {{#b}}\n{{/a}}", 3, 1, "{{/a}} does not close {{#b}} opened at line 2, column 3");
	PARSE_ERROR("x\n{{^list}}\nempty\n", 2, 1, "{{^list}} is never closed");
	PARSE_ERROR("x {{/a}}", 1, 3, "closes no open section");
	PARSE_ERROR("{{=<% %>=}}", 1, 1, "set delimiters");
	PARSE_ERROR("{{<parent}}{{/parent}}", 1, 1, "inheritance");
	PARSE_ERROR("{{$block}}{{/block}}", 1, 1, "inheritance");
	PARSE_ERROR("{{}}", 1, 1, "empty tag name");
	PARSE_ERROR("{{  }}", 1, 1, "empty tag name");
	PARSE_ERROR("{{#}}{{/}}", 1, 1, "empty tag name");
	PARSE_ERROR("{{first name}}", 1, 1, "bad tag name 'first name'");
	PARSE_ERROR("{{a..b}}", 1, 1, "empty part between dots");
	PARSE_ERROR("{{.a}}", 1, 1, "empty part between dots");
	PARSE_ERROR("{{a.}}", 1, 1, "empty part between dots");
	PARSE_ERROR("{{a{b}}", 1, 1, "bad tag name");
	PARSE_ERROR("{{>}}", 1, 1, "empty partial name");
	PARSE_ERROR("{{> a b}}", 1, 1, "bad partial name");
	PARSE_ERROR("{{& }}", 1, 1, "empty tag name");
	/* columns count characters, not bytes: five Arabic letters then a space */
	PARSE_ERROR("مرحبا {{#x}}", 1, 7, "never closed");
}

TEST(escaping_covers_every_special_character)
{
	const char *data = "{\"x\": \"a&b<c>d\\\"e'f\"}";

	CHECK_STR(render("{{x}}", data), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
	CHECK_STR(render("{{{x}}}", data), "a&b<c>d\"e'f");
	CHECK_STR(render("{{& x}}", data), "a&b<c>d\"e'f");
	CHECK_STR(render("{{x}}", "{\"x\": \"&&<<>>\\\"\\\"''\"}"),
	    "&amp;&amp;&lt;&lt;&gt;&gt;&quot;&quot;&#39;&#39;");
	/* nothing else is touched, an entity already written included */
	CHECK_STR(render("{{x}}", "{\"x\": \"/=`\\\\ &amp; #;%\"}"), "/=`\\ &amp;amp; #;%");
	/* the template's own text is never escaped */
	CHECK_STR(render("<a href='{{u}}'>&</a>", "{\"u\": \"x' onclick='y\"}"),
	    "<a href='x&#39; onclick=&#39;y'>&</a>");
	/* the implicit iterator escapes the same way */
	CHECK_STR(render("{{#l}}{{.}}|{{{.}}}{{/l}}", "{\"l\": [\"<'>\"]}"), "&lt;&#39;&gt;|<'>");
}

TEST(utf8_passes_through_untouched)
{
	const char *tpl = "مرحباً {{name}}، رمز التحقق: {{code}}\n{{#items}}• {{.}}\n{{/items}}";
	const char *data = "{\"name\": \"فاطمة الزهراء\", \"code\": \"٤٢٧١\","
	    " \"items\": [\"حجز\", \"إلغاء 😀\"]}";

	CHECK_STR(render(tpl, data),
	    "مرحباً فاطمة الزهراء، رمز التحقق: ٤٢٧١\n• حجز\n• إلغاء 😀\n");
	/* Arabic keys too */
	CHECK_STR(render("{{الاسم.الأول}}", "{\"الاسم\": {\"الأول\": \"علي\"}}"), "علي");
	/* bytes that are not UTF-8 are copied as they are */
	CHECK_STR(render("\xff{{x}}\xfe", "{\"x\": \"ok\"}"), "\xffok\xfe");
}

TEST(numbers_and_booleans)
{
	CHECK_STR(render("{{n}}", "{\"n\": 0}"), "0");
	CHECK_STR(render("{{n}}", "{\"n\": -42}"), "-42");
	CHECK_STR(render("{{n}}", "{\"n\": 9223372036854775807}"), "9223372036854775807");
	CHECK_STR(render("{{n}}", "{\"n\": 18446744073709551615}"), "18446744073709551615");
	CHECK_STR(render("{{n}}", "{\"n\": 1.5}"), "1.5");
	CHECK_STR(render("{{n}}", "{\"n\": 0.1}"), "0.1");
	CHECK_STR(render("{{n}}", "{\"n\": 1.21}"), "1.21");
	CHECK_STR(render("{{n}}", "{\"n\": 2.0}"), "2");
	CHECK_STR(render("{{n}}", "{\"n\": -0.25}"), "-0.25");
	CHECK_STR(render("{{n}}", "{\"n\": 1e300}"), "1e+300");
	CHECK_STR(render("{{t}} {{f}}", "{\"t\": true, \"f\": false}"), "true false");
	CHECK_STR(render("[{{z}}]", "{\"z\": null}"), "[]");

	/* a double computed by the server rather than parsed: no trailing noise */
	{
		struct mustache_error err;
		struct mustache_template *t = mustache_compile("t", "{{p}}", 5, &err);
		json_object *d = json_object_new_object();

		json_object_object_add(d, "p", json_object_new_double(0.1 + 0.2));
		json_object_object_add(d, "q", json_object_new_double(150.0 / 100.0));
		CHECK_STR(mustache_render(&A, t, d, NULL, NULL, NULL, &err), "0.30000000000000004");
		mustache_free(t);
		t = mustache_compile("t", "{{q}}", 5, &err);
		CHECK_STR(mustache_render(&A, t, d, NULL, NULL, NULL, &err), "1.5");
		mustache_free(t);
		json_object_put(d);
	}
}

TEST(truthiness_and_contexts)
{
	/* falsy: missing, null, false, [] */
	CHECK_STR(render("{{#a}}A{{/a}}{{^a}}a{{/a}}", "{}"), "a");
	CHECK_STR(render("{{#a}}A{{/a}}{{^a}}a{{/a}}", "{\"a\": null}"), "a");
	CHECK_STR(render("{{#a}}A{{/a}}{{^a}}a{{/a}}", "{\"a\": false}"), "a");
	CHECK_STR(render("{{#a}}A{{/a}}{{^a}}a{{/a}}", "{\"a\": []}"), "a");
	/* truthy: everything else, 0, "" and {} included */
	CHECK_STR(render("{{#a}}A{{/a}}{{^a}}a{{/a}}", "{\"a\": 0}"), "A");
	CHECK_STR(render("{{#a}}A{{/a}}{{^a}}a{{/a}}", "{\"a\": \"\"}"), "A");
	CHECK_STR(render("{{#a}}A{{/a}}{{^a}}a{{/a}}", "{\"a\": {}}"), "A");
	/* a null key masks the same key further down the stack */
	CHECK_STR(render("{{#o}}[{{x}}]{{/o}}", "{\"x\": 1, \"o\": {\"x\": null}}"), "[]");
	/* parent contexts stay visible in a list */
	CHECK_STR(render("{{#l}}{{p}}{{n}},{{/l}}", "{\"p\": \"#\", \"l\": [{\"n\": 1}, {\"n\": 2}]}"),
	    "#1,#2,");
	/* objects and lists interpolate as JSON text, escaped */
	CHECK_STR(render("{{o}} {{{l}}}", "{\"o\": {\"k\": \"v\"}, \"l\": [1, \"a\"]}"),
	    "{&quot;k&quot;:&quot;v&quot;} [1,\"a\"]");
	/* no data at all */
	CHECK_STR(render("a{{x}}b{{#x}}c{{/x}}{{^x}}d{{/x}}{{.}}", NULL), "abd");
	/* names cannot index lists */
	CHECK_STR(render("{{l.0}}", "{\"l\": [\"a\"]}"), "");
}

TEST(nesting_limits)
{
	struct mustache_error err;
	struct mustache_template *t;
	char *tpl = malloc(64 * (MUSTACHE_MAX_NESTING + 2));
	size_t n = 0;
	int i;

	/* MUSTACHE_MAX_NESTING sections compile and render */
	for (i = 0; i < MUSTACHE_MAX_NESTING; i++)
		n += (size_t)sprintf(tpl + n, "{{#a}}");
	n += (size_t)sprintf(tpl + n, "{{x}}");
	for (i = 0; i < MUSTACHE_MAX_NESTING; i++)
		n += (size_t)sprintf(tpl + n, "{{/a}}");
	t = mustache_compile("deep", tpl, n, &err);
	REQUIRE(t != NULL);
	{
		json_object *d = json_tokener_parse("{\"a\": true, \"x\": \"deep\"}");

		CHECK_STR(mustache_render(&A, t, d, NULL, NULL, NULL, &err), "deep");
		json_object_put(d);
	}
	mustache_free(t);

	/* one more is a parse error at the offending tag */
	n = 0;
	for (i = 0; i <= MUSTACHE_MAX_NESTING; i++)
		n += (size_t)sprintf(tpl + n, "{{#a}}\n");
	t = mustache_compile("deeper", tpl, n, &err);
	CHECK(t == NULL);
	CHECK_INT(err.line, MUSTACHE_MAX_NESTING + 1);
	CHECK(strstr(err.message, "nested more than 100 deep") != NULL);
	mustache_free(t);
	free(tpl);
}

static const struct mustache_template *
self_lookup(void *ctx, const char *name, const struct mustache_template *from)
{
	(void)name;
	(void)from;
	return ctx;
}

TEST(recursive_partials_stop_with_an_error)
{
	struct mustache_error err;
	struct mustache_template *t;
	json_object *d = json_tokener_parse("{\"a\": true}");

	/* a partial that includes itself for ever */
	t = mustache_compile("loop", "x\n{{>loop}}", 11, &err);
	REQUIRE(t != NULL);
	CHECK(mustache_render(&A, t, d, self_lookup, t, NULL, &err) == NULL);
	CHECK_STR(err.name, "loop");
	CHECK_INT(err.line, 2);
	CHECK(strstr(err.message, "nested more than 200 deep") != NULL);
	mustache_free(t);

	/* through a section that is always true */
	t = mustache_compile("sec", "{{#a}}{{>sec}}{{/a}}", 20, &err);
	REQUIRE(t != NULL);
	CHECK(mustache_render(&A, t, d, self_lookup, t, NULL, &err) == NULL);
	CHECK(strstr(err.message, "nested more than") != NULL);
	mustache_free(t);

	json_object_put(d);

	/* twice per level of a 40-deep object: within the depth limit, 2^40 steps */
	{
		json_object *inner = json_object_new_boolean(0);   /* stops the lookup down the stack */
		int i;

		for (i = 0; i < 40; i++) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "n", inner);
			inner = o;
		}
		d = inner;
	}
	t = mustache_compile("two", "{{#n}}{{>two}}{{>two}}{{/n}}", 28, &err);
	REQUIRE(t != NULL);
	CHECK(mustache_render(&A, t, d, self_lookup, t, NULL, &err) == NULL);
	CHECK(strstr(err.message, "too many steps") != NULL);
	mustache_free(t);
	json_object_put(d);
	arena_reset(&A);
}

TEST(output_size_limit)
{
	struct mustache_error err;
	struct mustache_template *t = mustache_compile("big", "{{#l}}{{{s}}}{{/l}}", 19, &err);
	json_object *d = json_object_new_object(), *l = json_object_new_array();
	char *s = malloc(1u << 20);
	int i;

	memset(s, 'x', (1u << 20) - 1);
	s[(1u << 20) - 1] = '\0';
	json_object_object_add(d, "s", json_object_new_string(s));
	for (i = 0; i < 17; i++)
		json_object_array_add(l, json_object_new_boolean(1));
	json_object_object_add(d, "l", l);
	CHECK(mustache_render(&A, t, d, NULL, NULL, NULL, &err) == NULL);
	CHECK(strstr(err.message, "longer than") != NULL);
	CHECK_STR(err.name, "big");
	mustache_free(t);
	json_object_put(d);
	free(s);
	arena_reset(&A);
}

TEST(template_survives_its_source)
{
	struct mustache_error err;
	char *src = strdup("<b>{{x}}</b>");
	struct mustache_template *t = mustache_compile("own", src, strlen(src), &err);
	json_object *d = json_tokener_parse("{\"x\": 1}");

	memset(src, '#', strlen(src));
	free(src);
	REQUIRE(t != NULL);
	CHECK_STR(mustache_name(t), "own");
	CHECK_STR(mustache_render(&A, t, d, NULL, NULL, NULL, &err), "<b>1</b>");
	/* rendered twice, same text: rendering changes nothing in the tree */
	CHECK_STR(mustache_render(&A, t, d, NULL, NULL, NULL, &err), "<b>1</b>");
	mustache_free(t);
	json_object_put(d);
	/* a NUL byte in the text is kept, the length says where the text ends */
	{
		size_t len = 0;
		const char *out;

		t = mustache_compile("nul", "a\0b{{x}}", 8, &err);
		REQUIRE(t != NULL);
		out = mustache_render(&A, t, NULL, NULL, NULL, &len, &err);
		CHECK_INT(len, 3);
		CHECK(out != NULL && memcmp(out, "a\0b", 4) == 0);
		mustache_free(t);
	}
	arena_reset(&A);
}

/* --- sets --- */

static char tmpdir[] = "/tmp/warsha-mustache-XXXXXX";

static void
write_file(const char *rel, const char *text)
{
	char path[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	for (slash = strchr(path + strlen(tmpdir) + 1, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0700);
		*slash = '/';
	}
	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		return;
	}
	fputs(text, f);
	fclose(f);
}

static void
remove_tree(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

TEST(set_loads_a_directory_and_resolves_partials)
{
	struct mustache_error err;
	struct mustache_set *s;
	json_object *d = json_tokener_parse("{\"name\": \"سارة\", \"rows\": [{\"id\": 1}, {\"id\": 2}]}");
	const char *out;

	REQUIRE(mkdtemp(tmpdir) != NULL);
	write_file("email/welcome.en.html.mustache", "{{> header}}\nHi {{name}}\n{{> footer}}\n");
	write_file("email/header.mustache", "<h1>Warsha</h1>\n");
	write_file("footer.mustache", "-- {{name}}\n");
	write_file("admin/list.mustache", "<ul>\n  {{#rows}}\n  {{> admin/row}}\n  {{/rows}}\n</ul>\n");
	write_file("admin/row.mustache", "<li>\n  {{id}}\n</li>\n");
	write_file("admin/notes.txt", "{{not a template");
	write_file(".hidden/x.mustache", "{{#broken}}");
	s = mustache_set_load(tmpdir, &err);
	if (!CHECK(s != NULL)) {
		fprintf(stderr, "    %s:%d:%d: %s\n", err.name, err.line, err.column, err.message);
		goto out;
	}
	CHECK_INT(mustache_set_count(s), 5);
	CHECK(mustache_set_get(s, "email/welcome.en.html") != NULL);
	CHECK(mustache_set_get(s, "email/welcome.en.html.mustache") == NULL);
	CHECK(mustache_set_get(s, "admin/notes") == NULL);
	/* header from the including template's directory, footer from the root */
	out = mustache_set_render(&A, s, "email/welcome.en.html", d, NULL, &err);
	CHECK_STR(out, "<h1>Warsha</h1>\nHi سارة\n-- سارة\n");
	/* a standalone partial in a list: every line of it indented */
	out = mustache_set_render(&A, s, "admin/list", d, NULL, &err);
	CHECK_STR(out, "<ul>\n  <li>\n    1\n  </li>\n  <li>\n    2\n  </li>\n</ul>\n");
	CHECK(mustache_set_render(&A, s, "nope", d, NULL, &err) == NULL);
	CHECK(strstr(err.message, "no template named 'nope'") != NULL);
	mustache_set_free(s);

	/* a partial that is not in the set fails the load, naming file, line, column */
	write_file("email/bad.mustache", "ok\n  {{> missing}}\n");
	s = mustache_set_load(tmpdir, &err);
	CHECK(s == NULL);
	CHECK_STR(err.name, "email/bad.mustache");
	CHECK_INT(err.line, 2);
	CHECK_INT(err.column, 3);
	CHECK(strstr(err.message, "partial 'missing'") != NULL);
	mustache_set_free(s);

	/* a parse error names the file */
	write_file("email/bad.mustache", "ok\n{{#a}}\n{{/b}}\n");
	s = mustache_set_load(tmpdir, &err);
	CHECK(s == NULL);
	CHECK_STR(err.name, "email/bad.mustache");
	CHECK_INT(err.line, 3);
	mustache_set_free(s);

	/* a missing directory */
	CHECK(mustache_set_load("/nonexistent/warsha", &err) == NULL);
	CHECK(strstr(err.message, "cannot open directory") != NULL);
out:
	json_object_put(d);
	remove_tree();
	arena_reset(&A);
}

/* The templates the project ships load as one set and render their data. */
TEST(project_templates_load)
{
	char path[4096];
	struct mustache_error err;
	struct mustache_set *s;
	json_object *d = json_tokener_parse("{\"name\": \"<Ali>\", \"token\": \"t0k\","
	    " \"link\": \"https://warsha.example/verify?token=t0k&x=1\", \"code\": \"123456\"}");
	const char *out;

	snprintf(path, sizeof(path), "%s/templates", source_dir());
	s = mustache_set_load(path, &err);
	if (!CHECK(s != NULL)) {
		fprintf(stderr, "    %s:%d:%d: %s\n", err.name, err.line, err.column, err.message);
		json_object_put(d);
		return;
	}
	CHECK(mustache_set_count(s) >= 14);
	out = mustache_set_render(&A, s, "email/verify_email.en.html", d, NULL, &err);
	REQUIRE(out != NULL);
	CHECK(strstr(out, "&lt;Ali&gt;") != NULL);
	CHECK(strstr(out, "<Ali>") == NULL);
	out = mustache_set_render(&A, s, "sms/phone_otp.ar", d, NULL, &err);
	REQUIRE(out != NULL);
	CHECK(strstr(out, "123456") != NULL);
	mustache_set_free(s);
	json_object_put(d);
	arena_reset(&A);
}
