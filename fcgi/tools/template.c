/* warsha-template: renders one template of a template directory over a JSON file, the
 * way the notifier and the admin pages do (fcgi/core/mustache.h), so a template can be
 * checked and previewed without a running stack.
 *
 *   warsha-template render templates email/verify_email.en.html data.json
 *
 * Exit status: 0 rendered; 1 a template or the data is wrong (the message names
 * file:line:column); 2 a usage error. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mustache.h"

#ifndef WARSHA_VERSION
#define WARSHA_VERSION "unknown"
#endif

#define PROG "warsha-template"
#define MAX_DATA (16u << 20)

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " render TEMPLATE_DIR NAME DATA.json\n"
	    "       " PROG " --version | --help\n"
	    "Loads every *.mustache file under TEMPLATE_DIR (as the notifier does), then prints\n"
	    "template NAME (its path under TEMPLATE_DIR without .mustache, for example\n"
	    "email/verify_email.en.html) rendered over the JSON in DATA.json ('-': stdin).\n"
	    "Exit status: 0 rendered, 1 a template or data error, 2 a usage error.\n"
	    "docs/templates.md describes the template language.\n");
}

/* The whole of path ("-": stdin), NUL-terminated, or NULL with a message printed. */
static char *
read_all(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf = NULL, *p;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return NULL;
	}
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 65536;
			if (cap > MAX_DATA + 4096 || (p = realloc(buf, cap + 1)) == NULL) {
				fprintf(stderr, PROG ": %s: larger than %u bytes\n", path, MAX_DATA);
				goto fail;
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		goto fail;
	}
	if (f != stdin)
		fclose(f);
	buf[len] = '\0';
	return buf;
fail:
	if (f != stdin)
		fclose(f);
	free(buf);
	return NULL;
}

/* 0 with *out the data (NULL for the text "null"), or -1 with a message printed. */
static int
read_json(const char *path, json_object **out)
{
	char *text = read_all(path);
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	int rc = -1;

	*out = NULL;
	if (text == NULL)
		return -1;
	if ((tok = json_tokener_new()) == NULL) {
		fprintf(stderr, PROG ": out of memory\n");
		free(text);
		return -1;
	}
	/* the terminating NUL too: json-c needs a byte after a top-level number */
	*out = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	jerr = json_tokener_get_error(tok);
	if (strspn(text, " \t\r\n") == strlen(text)) {
		fprintf(stderr, PROG ": %s: empty, not JSON\n", path);
	} else if (jerr != json_tokener_success) {
		fprintf(stderr, PROG ": %s: not JSON (%s at byte %zu)\n", path,
		    json_tokener_error_desc(jerr), json_tokener_get_parse_end(tok));
	} else {
		rc = 0;
	}
	if (rc != 0) {
		json_object_put(*out);
		*out = NULL;
	}
	json_tokener_free(tok);
	free(text);
	return rc;
}

static int
render(const char *dir, const char *name, const char *data_path)
{
	struct mustache_error err;
	struct mustache_set *set;
	struct arena a;
	json_object *data = NULL;
	char *out, bare[1024];
	size_t len;
	int rc = 1;

	if ((set = mustache_set_load(dir, &err)) == NULL) {
		if (strcmp(err.name, dir) == 0)          /* the directory itself */
			fprintf(stderr, PROG ": %s: %s\n", dir, err.message);
		else if (err.line > 0)
			fprintf(stderr, PROG ": %s/%s:%d:%d: %s\n", dir, err.name, err.line, err.column,
			    err.message);
		else
			fprintf(stderr, PROG ": %s/%s: %s\n", dir, err.name, err.message);
		return 1;
	}
	/* the file's name is accepted too */
	snprintf(bare, sizeof(bare), "%s", name);
	len = strlen(bare);
	if (len > 9 && strcmp(bare + len - 9, ".mustache") == 0)
		bare[len - 9] = '\0';
	if (mustache_set_get(set, bare) == NULL) {
		fprintf(stderr, PROG ": %s: no template %s/%s.mustache\n", name, dir, bare);
		mustache_set_free(set);
		return 1;
	}
	if (read_json(data_path, &data) != 0) {
		mustache_set_free(set);
		return 1;
	}
	arena_init(&a, 65536);
	out = mustache_set_render(&a, set, bare, data, &len, &err);
	if (out == NULL)
		fprintf(stderr, PROG ": %s/%s.mustache:%d:%d: %s\n", dir, err.name, err.line,
		    err.column, err.message);
	else if (fwrite(out, 1, len, stdout) != len || fflush(stdout) != 0)
		fprintf(stderr, PROG ": writing the output: %s\n", strerror(errno));
	else
		rc = 0;
	arena_free(&a);
	json_object_put(data);
	mustache_set_free(set);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'h': usage(stdout); return 0;
		case 'V': printf(PROG " %s\n", WARSHA_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[optind], "render") != 0) {
		fprintf(stderr, PROG ": unknown command '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (argc - optind != 4) {
		fprintf(stderr, PROG ": render takes TEMPLATE_DIR NAME DATA.json\n");
		usage(stderr);
		return 2;
	}
	return render(argv[optind + 1], argv[optind + 2], argv[optind + 3]);
}
