"""Migrations apply over a database that already holds data.

A scratch database on the test stack's MariaDB (<db_name>_scratch_<random>; scripts/lib.sh
lets the test account create those) gets the first migration only, then the rows a live
Warsha holds: users in every state, refresh token families (live, rotated, revoked for
reuse, expired), one-time codes, revoked access tokens, login failures, a category of
its own with services, a setting an admin changed, audit, outbox and realtime rows. Then
`warsha-fcgi --migrate` applies every migration and seed of sql/ over it. Every row is
still there with the same values in every column that still exists, the schema is the
one a fresh database gets, every store statement prepares against it, and a second
--migrate applies nothing. Written for whatever migrations sql/migrations holds.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from warsha_test import ENV, SOURCE_DIR, Skip, check, db_query, run, sql_str, uniq

# Columns a later migration rewrites on purpose, as (table, column): the comparison skips
# them. Empty while every migration keeps old values as they were.
REWRITTEN_BY_MIGRATIONS = set()

# Rows the seeds own in part: only these columns must survive as they were.
SEED_OWNED_COLUMNS = {"settings": ("key", "value", "is_public", "updated_by")}

# The tables loaded below, with their primary keys.
TABLES = (("users", "id"), ("refresh_tokens", "id"), ("revoked_access_tokens", "jti"),
          ("one_time_codes", "id"), ("login_failures", "id"), ("service_categories", "key"),
          ("services", "id"), ("settings", "key"), ("activity_log", "id"), ("outbox", "id"),
          ("realtime_events", "id"))


def _conf_value(key):
    """The last value of key in the stack's warsha.conf, or None."""
    value = None
    with open(ENV("WARSHA_TEST_CONFIG"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*%s\s*=\s*(.*?)\s*$" % re.escape(key), line)
            if m:
                value = m.group(1)
    return value


def _setup():
    binary, conf = ENV("WARSHA_TEST_FCGI_BIN"), ENV("WARSHA_TEST_CONFIG")
    if not binary or not conf or not os.path.exists(binary):
        raise Skip("WARSHA_TEST_FCGI_BIN or WARSHA_TEST_CONFIG is missing")
    if os.sep + os.path.join("var", "test") + os.sep not in conf:
        raise Skip("only on the test stack of scripts/dev test (it may create scratch databases)")
    sql_dir = _conf_value("sql_dir") or os.path.join(SOURCE_DIR, "sql")
    migrations = sorted(f for f in os.listdir(os.path.join(sql_dir, "migrations")) if f.endswith(".sql"))
    seeds = sorted(f for f in os.listdir(os.path.join(sql_dir, "seed")) if f.endswith(".sql"))
    check(migrations, "no migrations in %s" % sql_dir)
    return binary, conf, sql_dir, migrations, seeds


def _migrate(binary, conf, database, sql_dir):
    """warsha-fcgi --migrate on database with sql_dir; returns the files it applied."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("WARSHA_") or k.startswith("WARSHA_TEST_")}
    env["WARSHA_DB_NAME"] = database
    env["WARSHA_SQL_DIR"] = sql_dir
    p = subprocess.run([binary, "--config", conf, "--migrate"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, timeout=300, cwd=SOURCE_DIR)
    out = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
    check(p.returncode == 0, "--migrate on %s failed (exit %d):\n%s" % (database, p.returncode, out))
    check(not re.search(r"level=error", out), "--migrate logged an error:\n%s" % out)
    return re.findall(r"msg=migrated file=(\S+)", out)


def _h():
    return hashlib.sha256(os.urandom(32).hex().encode()).hexdigest()


PW = "$s1$0e0801$" + "c2FsdHNhbHRzYWx0c2FsdA==$" + "a" * 86

# What a Warsha that ran migration 0001 for a while holds. Ids are fixed; every reference
# points at a row that exists.
def _load(db):
    rows = [
        "INSERT INTO governorates (code, name_ar, name_en, national_id_code, sort_order)"
        " VALUES ('C', 'القاهرة', 'Cairo', '01', 1)",
        # users: customer, technician, admin, banned, deleted (anonymized), moderator
        "INSERT INTO users (id, email, phone, username, password_hash, role, first_name, last_name,"
        " avatar, bio, date_of_birth, gender, address_street, address_city, address_governorate,"
        " preferred_language, car_brand, car_model, car_year, notifications_enabled,"
        " sms_notifications, email_notifications, push_notifications, settings, latitude,"
        " longitude, is_active, email_verified, phone_verified, rating, rating_count, last_login,"
        " created_at, updated_at) VALUES"
        " (1, 'mona@example.com', '+201001234567', 'mona', %s, 'customer', 'منى', 'Hassan',"
        "  '/uploads/avatars/1.jpg', 'زبونة من القاهرة', '1990-04-12', 'female', '12 شارع التحرير',"
        "  'Cairo', 'C', 'ar', 'Toyota', 'Corolla', 2018, 1, 0, 1, 1,"
        "  '{\"theme\":\"dark\",\"notifications\":{\"email\":true}}', 30.044420, 31.235712, 1, 1, 1,"
        "  0, 0, '2025-05-01 08:30:00.250', '2025-01-02 10:00:00.000', '2025-05-01 08:30:00.250'),"
        " (2, 'karim@example.com', '+201112345678', 'karim_fix', %s, 'technician', 'Karim', 'Adel',"
        "  NULL, 'سباك بخبرة 10 سنين', NULL, 'male', NULL, 'Giza', NULL, 'en', NULL, NULL, NULL,"
        "  1, 1, 1, 0, NULL, NULL, NULL, 1, 1, 0, 4.75, 12, NULL, '2025-01-03 11:00:00.000',"
        "  '2025-02-03 11:00:00.000')" % (sql_str(PW), sql_str(PW)),
        "INSERT INTO users (id, email, phone, username, password_hash, role, first_name, last_name,"
        " is_active, email_verified, created_at) VALUES"
        " (3, 'admin@example.com', '+201212345678', NULL, %s, 'admin', 'Admin', 'Warsha', 1, 1,"
        "  '2025-01-01 00:00:00.000'),"
        " (6, 'mod@example.com', NULL, 'moderator1', %s, 'moderator', 'Sara', 'Ali', 1, 1,"
        "  '2025-01-05 00:00:00.000')" % (sql_str(PW), sql_str(PW)),
        "INSERT INTO users (id, email, phone, username, password_hash, role, first_name, last_name,"
        " is_active, is_banned, ban_reason, banned_at, banned_by, created_at) VALUES"
        " (4, 'spam@example.com', '+201512345678', 'spammer', %s, 'customer', 'Spam', 'Bot', 1, 1,"
        "  'رسائل مزعجة', '2025-03-01 12:00:00.500', 3, '2025-02-01 00:00:00.000')" % sql_str(PW),
        "INSERT INTO users (id, email, phone, username, password_hash, role, first_name, last_name,"
        " is_active, deleted_at, created_at) VALUES"
        " (5, 'deleted-5@deleted.invalid', NULL, NULL, '!', 'customer', 'Deleted', 'User', 0,"
        "  '2025-04-01 09:00:00.000', '2025-02-10 00:00:00.000')",
        # refresh tokens: a family rotated once (old rotated, new live), a family revoked for
        # reuse, an expired one, sessions ended by a ban and by a logout
        "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at, revoked_at,"
        " revoke_reason, user_agent, ip, created_at) VALUES"
        " (1, 1, 'f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1', '%s', '2025-05-08 08:00:00.000',"
        "  '2025-05-01 08:30:00.000', 'rotated', 'Warsha/1.0 (Android 14)', '197.34.1.2',"
        "  '2025-05-01 08:00:00.000'),"
        " (2, 1, 'f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1', '%s', '2099-01-01 00:00:00.000', NULL, NULL,"
        "  'Warsha/1.0 (Android 14)', '197.34.1.2', '2025-05-01 08:30:00.000'),"
        " (3, 2, 'f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2', '%s', '2099-01-01 00:00:00.000',"
        "  '2025-04-02 10:00:00.000', 'reuse', 'Mozilla/5.0', '2001:db8::1', '2025-04-01 10:00:00.000'),"
        " (4, 2, 'f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2', '%s', '2099-01-01 00:00:00.000',"
        "  '2025-04-02 10:00:00.000', 'reuse', 'Mozilla/5.0', '2001:db8::1', '2025-04-01 11:00:00.000'),"
        " (5, 2, 'f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3', '%s', '2025-01-10 00:00:00.000', NULL, NULL,"
        "  NULL, NULL, '2025-01-03 00:00:00.000'),"
        " (6, 4, 'f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4f4', '%s', '2099-01-01 00:00:00.000',"
        "  '2025-03-01 12:00:00.500', 'banned', NULL, '10.0.0.9', '2025-02-01 00:00:00.000'),"
        " (7, 3, 'f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5f5', '%s', '2099-01-01 00:00:00.000',"
        "  '2025-02-01 00:00:00.000', 'logout', 'curl/8.0', '127.0.0.1', '2025-01-01 00:00:00.000')"
        % tuple(_h() for _ in range(7)),
        "INSERT INTO revoked_access_tokens (jti, expires_at) VALUES"
        " ('0123456789abcdef0123456789abcdef', '2099-01-01 00:00:00.000'),"
        " ('fedcba9876543210fedcba9876543210', '2025-01-01 00:00:00.000')",
        # codes: used, live, two live resets of one user, one burnt by wrong attempts, expired
        "INSERT INTO one_time_codes (id, user_id, purpose, code_hash, target, attempts, expires_at,"
        " used_at, created_at) VALUES"
        " (1, 1, 'email_verify', '%s', 'mona@example.com', 0, '2025-01-03 10:00:00.000',"
        "  '2025-01-02 10:05:00.000', '2025-01-02 10:00:00.000'),"
        " (2, 1, 'phone_verify', '%s', '+201001234567', 1, '2099-01-01 00:00:00.000', NULL,"
        "  '2025-05-01 08:00:00.000'),"
        " (3, 2, 'password_reset', '%s', 'karim@example.com', 0, '2099-01-01 00:00:00.000', NULL,"
        "  '2025-04-01 09:00:00.000'),"
        " (4, 2, 'password_reset', '%s', 'karim@example.com', 0, '2099-01-01 00:00:00.000', NULL,"
        "  '2025-04-01 09:01:00.000'),"
        " (5, 4, 'phone_verify', '%s', '+201512345678', 5, '2099-01-01 00:00:00.000',"
        "  '2025-02-01 00:10:00.000', '2025-02-01 00:00:00.000'),"
        " (6, 6, 'email_verify', '%s', 'mod@example.com', 0, '2025-01-06 00:00:00.000', NULL,"
        "  '2025-01-05 00:00:00.000')" % tuple(_h() for _ in range(6)),
        "INSERT INTO login_failures (id, identifier, ip, created_at) VALUES"
        " (1, 'mona@example.com', '197.34.1.2', '2025-05-01 07:59:00.000'),"
        " (2, '+201001234567', '197.34.1.2', '2025-05-01 07:59:30.000')",
        "INSERT INTO service_categories (`key`, kind, name_ar, name_en, icon, sort_order) VALUES"
        " ('legacy_garden', 'home', 'حدائق', 'Gardens', 'leaf', 99)",
        "INSERT INTO services (id, name_ar, name_en, description_ar, description_en, category,"
        " sub_category, duration_minutes, base_price, currency, is_active, working_hours_start,"
        " working_hours_end, working_days, emergency_available, requires_approval,"
        " admin_approval_only, images, icon, tags, is_popular, sort_order, deleted_at, created_at,"
        " updated_at) VALUES"
        " (1, 'قص النجيل', 'Lawn mowing', 'قص وتسوية النجيل', 'Mowing and edging', 'legacy_garden',"
        "  'lawn', 90, 25000, 'EGP', 1, '08:00', '17:00', '[\"saturday\",\"sunday\"]', 0, 0, 0,"
        "  '[\"/uploads/services/1.jpg\"]', 'scissors', '[\"lawn\",\"نجيل\"]', 1, 1, NULL,"
        "  '2025-01-01 00:00:00.000', '2025-01-01 00:00:00.000'),"
        " (2, 'تقليم الشجر', 'Tree pruning', 'تقليم', 'Pruning', 'legacy_garden', NULL, NULL, 0,"
        "  'EGP', 0, NULL, NULL, NULL, 0, 1, 0, NULL, NULL, NULL, 0, 2, NULL,"
        "  '2025-01-01 00:00:00.000', '2025-02-01 00:00:00.000'),"
        " (3, 'ري آلي', 'Sprinklers', 'تركيب ري', 'Sprinkler fitting', 'legacy_garden', NULL, 240,"
        "  150000, 'EGP', 1, '00:00', '23:59', '[]', 1, 0, 1, '[]', NULL, '[]', 0, 3,"
        "  '2025-03-01 00:00:00.000', '2025-01-01 00:00:00.000', '2025-03-01 00:00:00.000')",
        # a setting an admin changed (the seed keeps its value) and one no seed knows
        "INSERT INTO settings (`key`, value, is_public, description_ar, description_en, updated_by,"
        " created_at, updated_at) VALUES"
        " ('support_phone', '\"+20212345678\"', 1, 'قديم', 'old', 3, '2025-01-01 00:00:00.000',"
        "  '2025-03-01 00:00:00.000'),"
        " ('legacy_banner', '{\"ar\":\"خصم\",\"en\":\"Sale\"}', 0, NULL, NULL, NULL,"
        "  '2025-01-01 00:00:00.000', '2025-01-01 00:00:00.000')",
        "INSERT INTO activity_log (id, actor_id, actor_role, action, target_type, target_id, details,"
        " ip, created_at) VALUES"
        " (1, 1, 'customer', 'user.register', 'user', '1', NULL, '197.34.1.2', '2025-01-02 10:00:00.000'),"
        " (2, 3, 'admin', 'user.ban', 'user', '4', '{\"reason\":\"رسائل مزعجة\"}', '127.0.0.1',"
        "  '2025-03-01 12:00:00.500'),"
        " (3, NULL, NULL, 'maintenance.cleanup', NULL, NULL, '{\"refreshTokens\":3}', NULL,"
        "  '2025-04-01 00:00:00.000'),"
        " (4, 3, 'admin', 'user.delete', 'user', '5', NULL, '127.0.0.1', '2025-04-01 09:00:00.000')",
        "INSERT INTO outbox (id, channel, user_id, recipient, template, lang, subject, payload, status,"
        " attempts, next_attempt_at, locked_by, locked_at, last_error, sent_at, created_at) VALUES"
        " (1, 'email', 1, 'mona@example.com', 'verify_email', 'ar', 'تأكيد', '{\"token\":\"abc\"}',"
        "  'sent', 1, '2025-01-02 10:00:00.000', NULL, NULL, NULL, '2025-01-02 10:00:01.000',"
        "  '2025-01-02 10:00:00.000'),"
        " (2, 'sms', 1, '+201001234567', 'phone_otp', 'ar', NULL, '{\"otp\":\"123456\"}', 'pending', 0,"
        "  '2025-05-01 08:00:00.000', NULL, NULL, NULL, NULL, '2025-05-01 08:00:00.000'),"
        " (3, 'email', 2, 'karim@example.com', 'reset_password', 'en', 'Reset', '{\"token\":\"x\"}',"
        "  'dead', 8, '2025-04-02 09:00:00.000', NULL, NULL, 'smtp: 550 mailbox unavailable', NULL,"
        "  '2025-04-01 09:01:00.000'),"
        " (4, 'push', 2, 'device-token-1', 'booking_update', 'en', NULL, '{}', 'sending', 1,"
        "  '2025-05-01 08:00:00.000', 'notifier-1', '2025-05-01 08:00:00.000', NULL, NULL,"
        "  '2025-05-01 07:59:00.000')",
        "INSERT INTO realtime_events (id, room, event, payload, created_at) VALUES"
        " (1, 'user:1', 'notification', '{\"title\":\"مرحبا\"}', '2025-05-01 08:00:00.000'),"
        " (2, 'admins', 'user.banned', '{\"userId\":4}', '2025-03-01 12:00:00.500')",
        "UPDATE cache_versions SET version = 7 WHERE name = 'catalog'",
    ]
    for sql in rows:
        db_query(sql, database=db)


def _columns(db, table):
    return [r[0] for r in db_query(
        "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s AND"
        " TABLE_NAME = %s ORDER BY ORDINAL_POSITION" % (sql_str(db), sql_str(table)))]


def _rows(db, table, pk, cols):
    """{primary key: [values of cols]} of every row of table."""
    rows = db_query("SELECT %s FROM `%s` ORDER BY `%s`" % (
        ", ".join("`%s`" % c for c in cols), table, pk), database=db)
    return {r[cols.index(pk)]: r for r in rows}


def _snapshot(db):
    """{table: (columns, rows)} of the loaded tables (of a seed's table, the columns the
    seed leaves alone)."""
    out = {}
    for table, pk in TABLES:
        cols = [c for c in _columns(db, table) if c in SEED_OWNED_COLUMNS.get(table, (c,))]
        check(pk in cols, "table %s has no column %s in %s" % (table, pk, db))
        out[table] = (cols, _rows(db, table, pk, cols))
    return out


_DATETIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(\.\d*?)0*$")
_DECIMAL = re.compile(r"^(-?\d+)(\.\d*?)0*$")


def _norm(v):
    """A value as its meaning: a wider DATETIME or DECIMAL column prints more zeros."""
    if v is None:
        return None
    for rx in (_DATETIME, _DECIMAL):
        m = rx.match(v)
        if m:
            return m.group(1) + (m.group(2) if m.group(2) not in (".", "") else "")
    return v


def _compare(before, db, what):
    """Every row of before is in db with the same values in every column still there."""
    problems = []
    for table, pk in TABLES:
        cols, rows = before[table]
        now_cols = set(_columns(db, table))
        check(now_cols, "%s: table %s is gone" % (what, table))
        kept = [c for c in cols if c in now_cols and (table, c) not in REWRITTEN_BY_MIGRATIONS]
        now = _rows(db, table, pk, kept)
        for key, row in rows.items():
            if key not in now:
                problems.append("%s %s=%s is gone" % (table, pk, key))
                continue
            for c in kept:
                a, b = row[cols.index(c)], now[key][kept.index(c)]
                if _norm(a) != _norm(b):
                    problems.append("%s %s=%s: %s was %r, now %r" % (table, pk, key, c, a, b))
    check(not problems, "%s: data changed (a migration that rewrites rows on purpose keeps"
          " updated_at with `updated_at = updated_at` and lists what it rewrites in"
          " REWRITTEN_BY_MIGRATIONS):\n  %s" % (what, "\n  ".join(problems[:40])))


def _schema(db):
    cols = db_query(
        "SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE,"
        " COLUMN_DEFAULT, EXTRA, COLLATION_NAME FROM information_schema.COLUMNS"
        " WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME, ORDINAL_POSITION" % sql_str(db))
    idx = db_query(
        "SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, NON_UNIQUE, COLLATION, SUB_PART"
        " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = %s"
        " ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX" % sql_str(db))
    fks = db_query(
        "SELECT TABLE_NAME, CONSTRAINT_NAME, REFERENCED_TABLE_NAME, UPDATE_RULE, DELETE_RULE"
        " FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = %s"
        " ORDER BY TABLE_NAME, CONSTRAINT_NAME" % sql_str(db))
    checks = db_query(
        "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS"
        " WHERE CONSTRAINT_SCHEMA = %s ORDER BY TABLE_NAME, CONSTRAINT_NAME" % sql_str(db))
    return {"columns": cols, "indexes": idx, "foreign keys": fks, "checks": checks}


def test_migrations_apply_over_data_and_once():
    binary, conf, sql_dir, migrations, seeds = _setup()
    main_db = ENV("WARSHA_TEST_DB_NAME") or "warsha"
    db = "%s_scratch_%s" % (main_db, uniq(10))
    tmp = tempfile.mkdtemp(prefix="warsha-migrations-")
    created = False
    try:
        db_query("CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" % db)
        created = True
        # 1. the first migration alone (no seeds: a later seed may need a later migration)
        os.mkdir(os.path.join(tmp, "migrations"))
        shutil.copy(os.path.join(sql_dir, "migrations", migrations[0]), os.path.join(tmp, "migrations"))
        applied = _migrate(binary, conf, db, tmp)
        check(applied == ["migrations/" + migrations[0]], "first run applied %s" % applied)
        # 2. a live system's rows
        _load(db)
        before = _snapshot(db)
        for table, _ in TABLES:
            check(before[table][1], "nothing loaded into %s" % table)
        # 3. everything in sql/
        want = ["migrations/" + m for m in migrations[1:]] + ["seed/" + s for s in seeds]
        applied = _migrate(binary, conf, db, sql_dir)
        check(applied == want, "--migrate over data applied %s, expected %s" % (applied, want))
        recorded = sorted(r[0] for r in db_query("SELECT name FROM schema_migrations", database=db))
        check(recorded == sorted(["migrations/" + m for m in migrations] + ["seed/" + s for s in seeds]),
              "schema_migrations holds %s" % recorded)
        _compare(before, db, "after --migrate")
        # the same schema as the stack's database, which was migrated empty
        mine, fresh = _schema(db), _schema(main_db)
        for part in mine:
            diff = sorted(set(map(tuple, mine[part])) ^ set(map(tuple, fresh[part])), key=repr)
            check(not diff, "%s differ from a database migrated empty (scratch ^ fresh): %s"
                  % (part, diff[:10]))
        # every statement of the store prepares against it
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("WARSHA_") or k.startswith("WARSHA_TEST_")}
        env["WARSHA_DB_NAME"] = db
        p = subprocess.run([binary, "--config", conf, "--check-sql"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, timeout=120, cwd=SOURCE_DIR)
        check(p.returncode == 0, "--check-sql on the migrated database failed:\n%s%s" % (
            p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")))
        # 4. a second run applies nothing and changes nothing
        applied = _migrate(binary, conf, db, sql_dir)
        check(applied == [], "a second --migrate applied %s" % applied)
        n = int(db_query("SELECT COUNT(*) FROM schema_migrations", database=db)[0][0])
        check(n == len(recorded), "schema_migrations has %d rows after a second run, not %d"
              % (n, len(recorded)))
        _compare(before, db, "after a second --migrate")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if created:
            db_query("DROP DATABASE IF EXISTS `%s`" % db)


run(globals())
