#include "store.h"
#include "technicians.h"
#include "progress.h"
#include "contact.h"
#include "privacy.h"
#include "admin_sessions.h"
#include "analytics.h"
#include "activity_list.h"
#include "jobs.h"
#include "reviews.h"
#include "verifications.h"
#include "recommendations.h"
#include "disputes.h"
#include "geocode.h"
#include "review_reveal.h"
#include "review_moderation.h"
#include "rollups.h"

#include <stdio.h>
#include <string.h>

/* Every family, for the statement check: a family missing here is never prepared by
 * warsha-fcgi --check-sql, so its typos would wait for the first request. */
struct db_family *const store_families[] = {
	&store_users,
	&store_sessions,
	&store_codes,
	&store_activity,
	&store_outbox,
	&store_services,
	&store_settings,
	&store_cache,
	&store_accounts,
	&store_limits,
	&store_events,
	&store_user_lists,
	&store_bookings,
	&store_technicians,
	&store_notifications,
	&store_progress,
	&store_contact,
	&store_privacy,
	&store_devices,
	&store_admin_sessions,
	&store_analytics,
	&store_activity_list,
	&store_uploads,
	&store_jobs,
	&store_reviews,
	&store_verifications,
	&store_recommendations,
	&store_disputes,
	&store_geocode,
	&store_review_reveal,
	&store_review_moderation,
	&store_rollups,
};

const size_t store_nfamilies = sizeof(store_families) / sizeof(store_families[0]);

int
store_check(struct db *db)
{
	enum db_rc rc;
	size_t i;
	int bad = 0;

	for (i = 0; i < store_nfamilies; i++) {
		if ((rc = db_prepare_family(db, store_families[i])) != DB_OK) {
			fprintf(stderr, "store %s: %s\n", store_families[i]->name,
			    rc == DB_DOWN ? "no database" : db_last_error(db));
			bad++;
			continue;
		}
		printf("store %s: %zu statements prepared\n", store_families[i]->name,
		    store_families[i]->n);
	}
	return bad;
}

/* One EXPLAIN row as a line: the family, the statement, then the plan's columns. */
static void
print_plan(const char *family, size_t i, const struct db_result *res, size_t row)
{
	static const char *const cols[] = { "id", "select_type", "table", "type", "key",
		"key_len", "rows", "Extra" };
	size_t c;

	printf("plan\t%s\t%zu", family, i);
	for (c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
		int k = db_col(res, cols[c]);
		const char *v = k >= 0 ? db_get(res, row, (size_t)k) : NULL;

		printf("\t%s=%s", cols[c], v != NULL ? v : "");
	}
	printf("\n");
}

int
store_explain_lists(struct db *db)
{
	static const char limit[] = DB_LIST_LIMIT;
	struct arena a;
	size_t f, i, r;
	int bad = 0;

	/* one arena for the whole run: db_run() keeps each EXPLAIN text prepared by its
	 * address, so no text may be freed and its address reused before the end */
	arena_init(&a, 0);
	for (f = 0; f < store_nfamilies; f++) {
		const struct db_family *fam = store_families[f];

		for (i = 0; i < fam->n; i++) {
			const struct db_stmt *st = &fam->stmts[i];
			const struct db_sample *smp = fam->samples != NULL ? &fam->samples[i] : NULL;
			struct db_result res;
			const char *text;
			enum db_rc rc;

			if (st->sql == NULL || !(st->flags & DBS_LIST))
				continue;
			if (st->nparams > 0 && fam->samples == NULL) {
				/* a family that declares no samples yet: listed, not checked */
				printf("unchecked\t%s\t%zu\tno sample arguments declared for the family\n",
				    fam->name, i);
				continue;
			}
			printf("stmt\t%s\t%zu\t%s\n", fam->name, i, st->sql);
			if (strncmp(st->sql, limit, sizeof(limit) - 1) != 0) {
				printf("error\t%s\t%zu\ta list statement starts with DB_LIST_LIMIT\n",
				    fam->name, i);
				bad++;
				continue;
			}
			if (st->nparams > 0 && (smp == NULL || smp->n != st->nparams)) {
				printf("error\t%s\t%zu\tno sample arguments for its %u parameters"
				    " (DB_FAMILY_SAMPLES)\n", fam->name, i, st->nparams);
				bad++;
				continue;
			}
			text = arena_printf(&a, "EXPLAIN %s", st->sql + sizeof(limit) - 1);
			rc = db_run(db, &a, text, st->nparams > 0 ? smp->args : NULL,
			    st->nparams > 0 ? smp->n : 0, &res);
			if (rc != DB_OK) {
				printf("error\t%s\t%zu\t%s\n", fam->name, i,
				    rc == DB_DOWN ? "no database" : db_last_error(db));
				bad++;
				continue;
			}
			for (r = 0; r < res.nrows; r++)
				print_plan(fam->name, i, &res, r);
		}
	}
	arena_free(&a);
	fflush(stdout);
	return bad;
}

int
store_next_key(struct db_result *res, long long limit, const char *at_col, char at[24],
    long long *id)
{
	const char *t;
	int c_at, c_id;

	if ((long long)res->nrows <= limit || limit < 1 || (c_at = db_col(res, at_col)) < 0 ||
	    (c_id = db_col(res, "id")) < 0)
		return 0;
	t = db_get(res, (size_t)limit - 1, (size_t)c_at);
	if (t == NULL || strlen(t) != 23)
		return 0;
	memcpy(at, t, 24);
	*id = db_get_ll(res, (size_t)limit - 1, (size_t)c_id, 0);
	return 1;
}

json_object *
store_page_rows(struct db_result *res, long long limit)
{
	json_object *items = json_object_new_array();
	size_t i;

	for (i = 0; i < res->nrows && (long long)i < limit; i++)
		json_object_array_add(items, db_row_json(res, i));
	return items;
}
