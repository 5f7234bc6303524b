/* Schema changes: numbered files in <sql_dir>/migrations, then the idempotent reference
 * data in <sql_dir>/seed, each applied once in name order and recorded in
 * schema_migrations. A named lock keeps two hosts from migrating at once. */
#ifndef WARSHA_MIGRATE_H
#define WARSHA_MIGRATE_H

#include "config.h"

/* Returns 0 when every pending file was applied (or none was pending). */
int migrate_run(const struct config *cfg);

#endif
