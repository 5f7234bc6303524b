/* Charts as inline SVG, drawn on the server (DESIGN: the dashboard needs no script).
 * Every text that came from data (a service's name, a status word) goes through
 * html_escape(); the numbers are printed by the program. The templates insert the
 * result raw ({{{chart}}}): it is HTML the server itself produced. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../domain/money.h"
#include "page.h"

struct buf {
	struct arena *a;
	char         *s;
	size_t        len, cap;
};

static void
put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		{
			size_t cap = (b->cap + (size_t)n + 1) * 2;
			char *s = arena_alloc(b->a, cap);

			memcpy(s, b->s, b->len);
			b->s = s;
			b->cap = cap;
		}
	}
}

static long long
value_of(json_object *row, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(row, key, &v))
		return 0;
	return json_object_get_int64(v);
}

/* a value as shown: money in pounds (piastres / 100) */
static const char *
shown(struct arena *a, long long v, int money)
{
	char b[32];

	if (money)
		return arena_strdup(a, money_format_pounds(v, b, sizeof(b)));
	return arena_printf(a, "%lld", v);
}

/* At most max characters of UTF-8 text, cut between characters (never inside one)
 * and ended with an ellipsis when cut. */
static const char *
shorten(struct arena *a, const char *text, size_t max)
{
	size_t chars = 0, i;

	if (text == NULL)
		return NULL;
	for (i = 0; text[i] != '\0'; i++)
		if (((unsigned char)text[i] & 0xC0) != 0x80 && chars++ == max)
			return arena_printf(a, "%.*s…", (int)i, text);
	return text;
}

char *
svg_bars(struct arena *a, json_object *rows, const char *label_key, const char *value_key,
    int money, enum lang lang)
{
	struct buf b = { a, arena_alloc(a, 1024), 0, 1024 };
	size_t i, n = rows != NULL ? json_object_array_length(rows) : 0;
	const int row_h = 28, label_w = 190, width = 640, bar_w = width - label_w - 70;
	long long max = 1;

	if (n == 0)
		return NULL;
	if (money)
		max = 100;   /* an empty period's scale is one pound, not one piastre */
	for (i = 0; i < n; i++)
		if (value_of(json_object_array_get_idx(rows, i), value_key) > max)
			max = value_of(json_object_array_get_idx(rows, i), value_key);
	put(&b, "<svg class=\"chart bars\" viewBox=\"0 0 %d %zu\" role=\"img\""
	    " xmlns=\"http://www.w3.org/2000/svg\" preserveAspectRatio=\"xMinYMin meet\">",
	    width, n * (size_t)row_h + 4);
	for (i = 0; i < n; i++) {
		json_object *row = json_object_array_get_idx(rows, i);
		const char *text = json_get_str(row, label_key);
		long long v = value_of(row, value_key);
		long long w = v * bar_w / max;
		int y = (int)i * row_h;

		(void)lang;
		put(&b, "<g><title>%s: %s</title>", html_escape(a, text), shown(a, v, money));
		put(&b, "<text x=\"0\" y=\"%d\" class=\"label\">%s</text>", y + 18,
		    html_escape(a, shorten(a, text, 26)));
		put(&b, "<rect x=\"%d\" y=\"%d\" width=\"%lld\" height=\"%d\" rx=\"3\" class=\"bar\"/>",
		    label_w, y + 5, w > 0 ? w : 1, row_h - 10);
		put(&b, "<text x=\"%lld\" y=\"%d\" class=\"value\">%s</text></g>",
		    label_w + (w > 0 ? w : 1) + 6, y + 18, shown(a, v, money));
	}
	put(&b, "</svg>");
	return b.s;
}

char *
svg_line(struct arena *a, json_object *rows, const char *label_key, const char *value_key,
    int money)
{
	struct buf b = { a, arena_alloc(a, 2048), 0, 2048 };
	size_t i, n = rows != NULL ? json_object_array_length(rows) : 0;
	const int width = 640, height = 220, left = 50, bottom = 30, top = 10;
	long long max = 1;
	double step, bw;
	size_t every;

	if (n == 0)
		return NULL;
	if (money)
		max = 100;   /* an empty period's scale is one pound, not one piastre */
	for (i = 0; i < n; i++)
		if (value_of(json_object_array_get_idx(rows, i), value_key) > max)
			max = value_of(json_object_array_get_idx(rows, i), value_key);
	step = (double)(width - left - 10) / (double)n;
	bw = step * 0.7 < 1 ? 1 : step * 0.7;
	every = n / 6 + 1;
	put(&b, "<svg class=\"chart columns\" viewBox=\"0 0 %d %d\" role=\"img\""
	    " xmlns=\"http://www.w3.org/2000/svg\" preserveAspectRatio=\"xMinYMin meet\">",
	    width, height);
	put(&b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>", left,
	    height - bottom, width - 5, height - bottom);
	put(&b, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">%s</text>", left - 4,
	    top + 10, shown(a, max, money));
	put(&b, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"end\">0</text>", left - 4,
	    height - bottom);
	for (i = 0; i < n; i++) {
		json_object *row = json_object_array_get_idx(rows, i);
		const char *text = json_get_str(row, label_key);
		long long v = value_of(row, value_key);
		double h = (double)v * (double)(height - bottom - top) / (double)max;
		double x = left + (double)i * step + (step - bw) / 2;

		put(&b, "<g><title>%s: %s</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
		    " height=\"%.1f\" class=\"bar\"/></g>", html_escape(a, text), shown(a, v, money), x,
		    height - bottom - h, bw, h > 0 ? h : 0.0);
		if (i % every == 0 && text != NULL)
			put(&b, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>",
			    x + bw / 2, height - bottom + 16,
			    html_escape(a, strlen(text) == 10 ? text + 5 : text));
	}
	put(&b, "</svg>");
	return b.s;
}
