# shellcheck shell=bash
# Helpers for scripts/dev: Debian packages, the build, and the local stacks.
#
# A stack is MariaDB + warsha-fcgi + warsha-notifier + nginx, all on loopback, all
# under var/<stack>/, all started by these functions as processes of the calling user.
# System services (the Debian mariadb/nginx units) are never used or touched.
#
#   stack   nginx   FastCGI  notifier  MariaDB
#   dev     8080    unix     8090      3307
#   test    18080   unix     18090     13307
#
# Every daemon is started in its own session (setsid), so its process group id is its
# pid: stopping it can find and end every process it forked, and nothing else.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian 12 packages the build, the stack and the tests need. Add new ones here.
WARSHA_DEB_PACKAGES=(
	build-essential cmake pkg-config
	libfcgi-dev libmariadb-dev libjson-c-dev libjwt-dev libscrypt-dev
	libcurl4-openssl-dev libssl-dev libwebsockets-dev libmagic-dev
	mariadb-server mariadb-client nginx-light apache2 libapache2-mod-security2
	wrk python3 clang libclang-rt-14-dev
	curl ca-certificates openssl
	# tests/install: systemd-analyze, systemd-sysusers, systemd-tmpfiles; /bin/kill
	systemd procps
	# tests/browser: the dashboard in headless Chromium, driven by playwright-core (npm)
	chromium nodejs npm
	# image uploads: libvips decodes and re-encodes (fcgi/core/image.c); the vips
	# command makes the test images (tests/api/test_uploads.py)
	libvips-dev libvips-tools
)

BUILD_JOBS=2

log()  { printf '[warsha] %s\n' "$*" >&2; }
warn() { printf '[warsha] warning: %s\n' "$*" >&2; }
die()  { printf '[warsha] error: %s\n' "$*" >&2; exit 1; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root for: $* (run as root or install sudo)"
	fi
}

# ---------------------------------------------------------------- packages

deps_missing() {
	local p
	for p in "${WARSHA_DEB_PACKAGES[@]}"; do
		# NodeSource's nodejs carries npm itself and conflicts with Debian's npm package
		[ "$p" = npm ] && command -v npm >/dev/null 2>&1 && continue
		# "ii" = installed; a package that left only its config files is missing.
		dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || echo "$p"
	done
}

POLICY_RC=/usr/sbin/policy-rc.d
POLICY_MARK='# written by Warsha scripts/dev deps; removed when the install ends'

# The mariadb-server and nginx postinst scripts start their system services. Warsha
# never uses them, so forbid service starts for the length of our install (policy-rc.d
# exit 101 = "action forbidden", honoured by invoke-rc.d and deb-systemd-invoke), unless
# the machine already has a policy-rc.d of its own, which we then leave alone.
deps_block_services() {
	if [ -e "$POLICY_RC" ] && ! grep -qF "$POLICY_MARK" "$POLICY_RC" 2>/dev/null; then
		return 1
	fi
	printf '#!/bin/sh\n%s\nexit 101\n' "$POLICY_MARK" | as_root tee "$POLICY_RC" >/dev/null
	as_root chmod 755 "$POLICY_RC"
}

deps_unblock_services() {
	if [ -e "$POLICY_RC" ] && grep -qF "$POLICY_MARK" "$POLICY_RC" 2>/dev/null; then
		as_root rm -f "$POLICY_RC"
	fi
}

cmd_deps() {
	local missing rc=0 blocked=0
	mapfile -t missing < <(deps_missing)
	if [ "${#missing[@]}" -eq 0 ]; then
		log "Debian packages: all ${#WARSHA_DEB_PACKAGES[@]} present"
		npm_deps
		return
	fi
	command -v apt-get >/dev/null 2>&1 || die "apt-get not found: scripts/dev needs Debian 12"
	log "installing Debian packages: ${missing[*]}"
	deps_unblock_services # a stale one from an interrupted run
	deps_block_services && blocked=1
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q || rc=$?
	if [ "$rc" -eq 0 ]; then
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends "${missing[@]}" || rc=$?
	fi
	[ "$blocked" -eq 1 ] && deps_unblock_services
	[ "$rc" -eq 0 ] || die "apt-get failed (exit $rc)"
	mapfile -t missing < <(deps_missing)
	[ "${#missing[@]}" -eq 0 ] || die "still missing after apt-get: ${missing[*]}"
	npm_deps
}

# ---------------------------------------------------------------- build

# build_tree DIR [cmake -D options...]: configure and build one build directory.
build_tree() {
	local dir=$1
	shift
	log "building $dir ($*)"
	cmake -S "$REPO" -B "$REPO/$dir" "$@" && cmake --build "$REPO/$dir" -j"$BUILD_JOBS"
}

# The npm packages of the tests, exactly as locked (npm ci), next to each
# package-lock.json under tests/ (tests/: socket.io-client against the notifier;
# tests/browser/: playwright-core for the dashboard in headless Chromium), again only
# when the lock changed since (node_modules/.package-lock.json is npm's own record).
npm_deps() {
	local lock dir
	# Debian's npm only when no npm came with nodejs: a nodejs that bundles npm (as
	# NodeSource's does) conflicts with the package
	if ! command -v npm >/dev/null 2>&1; then
		log "installing Debian package: npm"
		as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
			as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
				--no-install-recommends npm || die "apt-get could not install npm"
	fi
	for lock in "$REPO"/tests/package-lock.json "$REPO"/tests/*/package-lock.json; do
		[ -f "$lock" ] || continue
		dir=$(dirname "$lock")
		if [ -f "$dir/node_modules/.package-lock.json" ] &&
			[ "$dir/node_modules/.package-lock.json" -nt "$lock" ]; then
			continue
		fi
		log "npm ci in ${dir#"$REPO"/}"
		(cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) ||
			die "npm ci failed in ${dir#"$REPO"/}"
	done
}

# ---------------------------------------------------------------- stack layout

stack_load() {
	STACK=$1
	case "$STACK" in
	dev)  NGINX_PORT=8080  FCGI_PORT=9000  NOTIFIER_PORT=8090  DB_PORT=3307 ;;
	test) NGINX_PORT=18080 FCGI_PORT=19000 NOTIFIER_PORT=18090 DB_PORT=13307 ;;
	*) die "unknown stack '$STACK' (expected dev or test)" ;;
	esac
	# WARSHA_PORT_OFFSET moves every port of the stack, so that two checkouts on one
	# machine (a second worktree, say) can each run their own stacks side by side.
	local off=${WARSHA_PORT_OFFSET:-0}
	case "$off" in *[!0-9]* | '') die "WARSHA_PORT_OFFSET must be a number" ;; esac
	NGINX_PORT=$((NGINX_PORT + off)) FCGI_PORT=$((FCGI_PORT + off))
	NOTIFIER_PORT=$((NOTIFIER_PORT + off)) DB_PORT=$((DB_PORT + off))
	SDIR=$REPO/var/$STACK
	CONF=$SDIR/warsha.conf
	RUN_DIR=$SDIR/run
	LOG_DIR=$SDIR/log
	DB_DATA=$SDIR/mysql
	NGX_PREFIX=$SDIR/nginx
	SPOOL_DIR=$SDIR/spool
	UPLOAD_DIR=$SDIR/uploads
	SAN_DIR=$SDIR/sanitizer
	ADMIN_ENV=$SDIR/admin.env
	DB_SOCKET=$RUN_DIR/mysqld.sock
	# A unix socket path must fit in sun_path (108 bytes). A checkout that deep gets
	# its socket under /tmp instead; warsha.conf records whichever is used.
	if [ "${#DB_SOCKET}" -gt 100 ]; then
		DB_SOCKET=/tmp/warsha-$STACK-$(printf '%s' "$SDIR" | md5sum | cut -c1-10).sock
	fi
	# The pool listens on a unix socket, as in production (nginx/warsha.conf): on
	# loopback it carries 20-40 % more requests per second than TCP (README, benchmark).
	FCGI_ADDR=$RUN_DIR/fcgi.sock
	if [ "${#FCGI_ADDR}" -gt 100 ]; then
		FCGI_ADDR=/tmp/warsha-$STACK-$(printf '%s' "$SDIR" | md5sum | cut -c1-10).fcgi.sock
	fi
	NOTIFIER_ADDR=127.0.0.1:$NOTIFIER_PORT
	BASE_URL=http://127.0.0.1:$NGINX_PORT
	NOTIFIER_URL=http://127.0.0.1:$NOTIFIER_PORT
	# name:pidfile of every daemon, in the order they are stopped.
	SERVICES=(
		"nginx:$NGX_PREFIX/nginx.pid"
		"notifier:$RUN_DIR/warsha-notifier.pid"
		"fcgi:$RUN_DIR/warsha-fcgi.pid"
		"mariadb:$RUN_DIR/mariadb.pid"
	)
}

stack_dirs() {
	mkdir -p "$RUN_DIR" "$LOG_DIR" "$DB_DATA" "$NGX_PREFIX/logs" "$NGX_PREFIX/tmp" \
		"$SPOOL_DIR" "$UPLOAD_DIR" "$SAN_DIR"
	chmod 700 "$SDIR"
}

# ---------------------------------------------------------------- warsha.conf

conf_get() { # conf_get KEY: value of KEY in this stack's warsha.conf
	sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$CONF" | tail -n 1 | sed 's/[[:space:]]*$//'
}

conf_generate() {
	local umask_old
	umask_old=$(umask)
	umask 077
	cat >"$CONF.tmp" <<EOF
# Warsha configuration for the local "$STACK" stack, generated by scripts/dev.
# Format: key = value; '#' starts a comment. Any key can be overridden by the
# environment variable WARSHA_<KEY> (e.g. WARSHA_LOG_LEVEL=debug).
# Delete this file to have new secrets generated on the next start.
db_host = 127.0.0.1
db_port = $DB_PORT
db_socket = $DB_SOCKET
db_user = warsha
db_password = $(openssl rand -hex 32)
db_name = warsha
listen = $FCGI_ADDR
workers = 4
jwt_secret = $(openssl rand -hex 32)
maintenance_token = $(openssl rand -hex 32)
body_limit = 1048576
sql_dir = $REPO/sql
spool_dir = $SPOOL_DIR
templates_dir = $REPO/templates
notifier_listen = $NOTIFIER_ADDR
public_url = $BASE_URL
# a web app's dev server (Vite's default port) may call the API with credentials
cors_origins = http://localhost:5173 http://127.0.0.1:5173
log_level = info
upload_dir = $UPLOAD_DIR
files_key = $(openssl rand -hex 32)
EOF
	umask "$umask_old"
	mv "$CONF.tmp" "$CONF"
	log "generated $CONF"
}

# A kept warsha.conf must describe this checkout and this stack's addresses: those keys
# are brought up to date; the secrets are kept (and must not be empty).
conf_check() {
	local key want have bad=0
	for key in db_port db_socket listen sql_dir spool_dir notifier_listen public_url templates_dir upload_dir; do
		case "$key" in
		db_port) want=$DB_PORT ;;
		db_socket) want=$DB_SOCKET ;;
		listen) want=$FCGI_ADDR ;;
		sql_dir) want=$REPO/sql ;;
		spool_dir) want=$SPOOL_DIR ;;
		notifier_listen) want=$NOTIFIER_ADDR ;;
		public_url) want=$BASE_URL ;;
		templates_dir) want=$REPO/templates ;;
		upload_dir) want=$UPLOAD_DIR ;;
		esac
		have=$(conf_get "$key")
		if [ "$have" != "$want" ]; then
			# the stack's own addresses and paths follow the checkout; the secrets stay
			log "$CONF: $key was '$have'; the $STACK stack uses '$want' (updated)"
			sed -i "s|^[[:space:]]*$key[[:space:]]*=.*|$key = $want|" "$CONF"
			grep -q "^$key = " "$CONF" || printf '%s = %s\n' "$key" "$want" >>"$CONF"
		fi
	done
	# private files' key (docs/uploads.md): a file made before it existed gets one
	if [ -z "$(conf_get files_key)" ] && [ -z "$(conf_get files_key_file)" ]; then
		printf 'files_key = %s\n' "$(openssl rand -hex 32)" >>"$CONF"
		log "$CONF: files_key generated"
	fi
	for key in db_password jwt_secret maintenance_token; do
		[ -n "$(conf_get "$key")" ] || [ -n "$(conf_get "${key}_file")" ] ||
			{ warn "$CONF: $key is empty"; bad=1; }
	done
	[ "$bad" -eq 0 ] || die "fix $CONF or delete it (a new one, with new secrets, is then generated)"
}

conf_ensure() {
	if [ -f "$CONF" ]; then conf_check; else conf_generate; fi
}

# ---------------------------------------------------------------- processes

# Field N (1-based, as in proc(5)) of /proc/PID/stat; the comm field may hold spaces,
# so count from the closing parenthesis.
proc_stat_field() {
	local line rest f
	read -r line 2>/dev/null <"/proc/$1/stat" || return 1
	rest=${line##*) }
	read -ra f <<<"$rest"
	printf '%s\n' "${f[$(($2 - 3))]}"
}

pid_alive() {
	[ -n "${1:-}" ] && [ -d "/proc/$1" ] && [ "$(proc_stat_field "$1" 3)" != Z ]
}

proc_cmdline() { tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline"; }

# Pids of the live (not zombie) processes in process group PGID.
pgroup_pids() {
	local d line f
	for d in /proc/[0-9]*; do
		read -r line 2>/dev/null <"$d/stat" || continue
		read -ra f <<<"${line##*) }"
		[ "${f[2]}" = "$1" ] && [ "${f[0]}" != Z ] && echo "${d#/proc/}"
	done
	return 0
}

# Remember when PID started, so a pid file left over from before a reboot can never
# make us signal an unrelated process that reuses the number.
pid_stamp() { proc_stat_field "$1" 22 >"$2.start" 2>/dev/null || true; }

# Is the pid in this pid file a live process of this stack?
pidfile_ours() {
	local pidf=$1 pid start
	[ -s "$pidf" ] || return 1
	pid=$(tr -dc 0-9 <"$pidf")
	pid_alive "$pid" || return 1
	if [ -s "$pidf.start" ]; then
		start=$(cat "$pidf.start")
		[ "$(proc_stat_field "$pid" 22)" = "$start" ]
	else
		proc_cmdline "$pid" | grep -qF "$SDIR"
	fi
}

pidfile_pid() { tr -dc 0-9 2>/dev/null <"$1"; }

# start_daemon NAME [VAR=value...] COMMAND...: run COMMAND from the repo root in its own
# session, output appended to var/<stack>/log/NAME.log, pid in run/NAME.pid.
start_daemon() {
	local name=$1 pidf log pid
	shift
	pidf=$RUN_DIR/$name.pid
	log=$LOG_DIR/$name.log
	# Without job control a background job stays in our process group, so it is not a
	# group leader, setsid need not fork, and $! is the daemon's own pid.
	(cd "$REPO" && exec setsid env "$@" </dev/null >>"$log" 2>&1) &
	pid=$!
	echo "$pid" >"$pidf"
	pid_stamp "$pid" "$pidf"
}

# stop_pidfile NAME PIDFILE TIMEOUT: SIGTERM the process and wait for it and for every
# process of its group; SIGKILL what is left after TIMEOUT seconds.
stop_pidfile() {
	local name=$1 pidf=$2 timeout=$3 pid left i
	[ -f "$pidf" ] || return 0
	pid=$(pidfile_pid "$pidf")
	if pidfile_ours "$pidf"; then
		log "stopping $STACK $name (pid $pid)"
		kill -TERM "$pid" 2>/dev/null || true
	elif [ -n "$pid" ] && [ -s "$pidf.start" ] && [ -n "$(pgroup_pids "$pid")" ]; then
		# The leader died but left children in its group. While any of them lives the
		# kernel hands that number to no new process, so the group is still ours.
		log "stopping what is left of $STACK $name (process group $pid)"
		kill -TERM -- "-$pid" 2>/dev/null || true
	else
		rm -f "$pidf" "$pidf.start"
		return 0
	fi
	for ((i = 0; i < timeout * 10; i++)); do
		left=$(pgroup_pids "$pid")
		{ pid_alive "$pid" || [ -n "$left" ]; } || break
		sleep 0.1
	done
	left=$(pgroup_pids "$pid")
	if pid_alive "$pid" || [ -n "$left" ]; then
		warn "$STACK $name did not stop within ${timeout}s: SIGKILL to pid $pid and group"
		kill -KILL -- "-$pid" 2>/dev/null || true
		kill -KILL "$pid" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			{ pid_alive "$pid" || [ -n "$(pgroup_pids "$pid")" ]; } || break
			sleep 0.1
		done
	fi
	if pid_alive "$pid" || [ -n "$(pgroup_pids "$pid")" ]; then
		warn "$STACK $name: processes still present: $pid $(pgroup_pids "$pid")"
		return 1
	fi
	rm -f "$pidf" "$pidf.start"
}

# Processes whose command line names this stack's directory, other than ourselves and
# our ancestors: what is left when a pid file was lost.
stack_strays() {
	local d pid self=" $$ " p
	p=$BASHPID
	while [ -n "$p" ] && [ "$p" != 0 ] && [ "$p" != 1 ]; do
		self+="$p "
		p=$(proc_stat_field "$p" 4 2>/dev/null) || break
	done
	self+="$$ "
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		case "$self" in *" $pid "*) continue ;; esac
		proc_cmdline "$pid" | grep -qF "$SDIR/" || continue
		pid_alive "$pid" && echo "$pid"
	done
}

# ---------------------------------------------------------------- port checks

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ports_check() {
	local p busy=()
	for p in "$@"; do port_busy "$p" && busy+=("$p")
	done
	[ "${#busy[@]}" -eq 0 ] || die "127.0.0.1 port(s) ${busy[*]} already in use by another program; the $STACK stack needs them (scripts/dev status $STACK shows ours)"
}

# Each port of the stack must be free unless our own server already holds it.
stack_ports_check() {
	local ports=()
	pidfile_ours "$RUN_DIR/mariadb.pid" || ports+=("$DB_PORT")
	pidfile_ours "$RUN_DIR/warsha-notifier.pid" || ports+=("$NOTIFIER_PORT")
	pidfile_ours "$NGX_PREFIX/nginx.pid" || ports+=("$NGINX_PORT")
	ports_check "${ports[@]}"
}

# ---------------------------------------------------------------- MariaDB

db_admin() { # SQL as the MariaDB account of the OS user (unix_socket authentication)
	mariadb --no-defaults --socket="$DB_SOCKET" -u "$(id -un)" --batch --skip-column-names "$@"
}

db_init() {
	[ -d "$DB_DATA/mysql" ] && return 0
	log "initialising MariaDB data directory $DB_DATA"
	# --rpm keeps mariadb-install-db from chown'ing the system's auth_pam_tool_dir to
	# this user (it does so whenever --user is given) and from resolving the host name;
	# it changes nothing else. root@localhost and $(id -un)@localhost both log in by
	# unix_socket only: no password exists anywhere for them.
	mariadb-install-db --no-defaults --rpm --datadir="$DB_DATA" --user="$(id -un)" \
		--auth-root-authentication-method=socket --skip-test-db --skip-name-resolve \
		>"$LOG_DIR/mariadb-install.log" 2>&1 ||
		{ tail -n 30 "$LOG_DIR/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
}

db_start() {
	local pidf=$RUN_DIR/mariadb.pid pid i
	if pidfile_ours "$pidf"; then return 0; fi
	ports_check "$DB_PORT"
	rm -f "$DB_SOCKET" "$pidf" "$pidf.start"
	log "starting MariaDB on 127.0.0.1:$DB_PORT ($DB_SOCKET)"
	# innodb_flush_log_at_trx_commit=2 flushes the redo log once a second instead of at
	# every commit: faster tests, and a machine crash may lose the last second. Dev and
	# test stacks only; production keeps the default 1.
	# The dev stack's buffer pool is 1 GiB: with the million generated users of the list
	# benchmark (tests/load/gen_users.sh) the users table and its indexes are about
	# 500 MB, and a 128 MiB pool would measure disk reads instead of the list code. The
	# pool grows as pages are used, so an empty dev database stays small. The test
	# stack, with a few hundred rows, keeps 128 MiB.
	local pool=128M
	if [ "$STACK" = dev ]; then pool=1G; fi
	# Its own directory for temporary tables, not the machine's /tmp: several stacks
	# (checkouts, CI) run side by side, and a multi-table UPDATE of a migration or a
	# benchmark generator failed twice with "Error on delete of '/tmp/#sql-update-…MAI'"
	# when its on-disk temporary table was gone from the shared /tmp.
	mkdir -p "$SDIR/tmp"
	start_daemon mariadb mariadbd --no-defaults \
		--datadir="$DB_DATA" --socket="$DB_SOCKET" --port="$DB_PORT" --tmpdir="$SDIR/tmp" \
		--bind-address=127.0.0.1 --pid-file="$pidf" --log-error="$LOG_DIR/mariadb.log" \
		--user="$(id -un)" \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
		--innodb-buffer-pool-size="$pool" --innodb-flush-log-at-trx-commit=2 \
		--skip-name-resolve
	pid=$(pidfile_pid "$pidf")
	for ((i = 0; i < 600; i++)); do
		if ! pid_alive "$pid"; then
			tail -n 30 "$LOG_DIR/mariadb.log" >&2
			die "MariaDB exited during start-up (log: $LOG_DIR/mariadb.log)"
		fi
		db_admin -e 'SELECT 1' >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	tail -n 30 "$LOG_DIR/mariadb.log" >&2
	die "MariaDB did not answer within 60 s"
}

sql_quote() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\'\'}"; }

# The application's own account: all rights on its database and nothing else.
# Re-run on every start so the password always matches warsha.conf.
db_bootstrap() {
	local name pw
	name=$(conf_get db_name)
	pw=$(sql_quote "$(conf_get db_password)")
	[[ "$name" =~ ^[A-Za-z0-9_]+$ ]] || die "$CONF: db_name must be letters, digits and _"
	db_admin <<SQL || die "creating the database and the warsha account failed"
CREATE DATABASE IF NOT EXISTS \`$name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'warsha'@'localhost' IDENTIFIED BY $pw;
CREATE USER IF NOT EXISTS 'warsha'@'127.0.0.1' IDENTIFIED BY $pw;
ALTER USER 'warsha'@'localhost' IDENTIFIED BY $pw;
ALTER USER 'warsha'@'127.0.0.1' IDENTIFIED BY $pw;
GRANT ALL PRIVILEGES ON \`$name\`.* TO 'warsha'@'localhost';
GRANT ALL PRIVILEGES ON \`$name\`.* TO 'warsha'@'127.0.0.1';
SQL
	# The test stack's account may also create and drop scratch databases named
	# <db_name>_scratch_* (tests/api/test_migrations.py migrates one that holds data).
	# In a grant, _ and % are wildcards: the name's own underscores are escaped.
	if [ "$STACK" = test ]; then
		local scratch="${name//_/\\_}\\_scratch\\_%"
		db_admin <<SQL || die "granting the test account its scratch databases failed"
GRANT ALL PRIVILEGES ON \`$scratch\`.* TO 'warsha'@'localhost';
GRANT ALL PRIVILEGES ON \`$scratch\`.* TO 'warsha'@'127.0.0.1';
SQL
	fi
}

# ---------------------------------------------------------------- warsha-fcgi, notifier

# app_scrub_env: the environment the servers get. The test stack drops any WARSHA_<KEY>
# of the caller's shell so a developer's overrides cannot leak into a test run; the
# dev stack keeps them (WARSHA_LOG_LEVEL=debug scripts/dev up is a feature).
# WARSHA_PORT_OFFSET is no server setting and stays: this shell runs ctest next, and a
# test that calls scripts/dev (test_db_outage restarts MariaDB) must find its own ports.
app_scrub_env() {
	local v
	[ "$STACK" = test ] || return 0
	for v in $(compgen -e); do
		case "$v" in
		WARSHA_TEST_* | WARSHA_ADMIN_* | WARSHA_PORT_OFFSET) ;;
		WARSHA_*) unset "$v" ;;
		esac
	done
}

# sanitizer_env NAME: ASan/UBSan settings for a server started from build-asan.
# Reports go to var/<stack>/sanitizer/NAME.<pid>; the test pass fails if any exists.
# LeakSanitizer runs in the servers too: each worker checks at its exit (worker.c asks
# for it before _exit), so memory a request lost shows up when the test stack stops.
sanitizer_env() {
	printf '%s\n' \
		"ASAN_OPTIONS=log_path=$SAN_DIR/$1:halt_on_error=1:detect_leaks=1" \
		"UBSAN_OPTIONS=log_path=$SAN_DIR/$1:print_stacktrace=1:halt_on_error=1"
}

# app_oneshot BUILD SANITIZE NAME ARGS...: run warsha-fcgi once (migrate, create-admin).
app_oneshot() {
	local build=$1 sanitize=$2 name=$3 envs=()
	shift 3
	if [ "$sanitize" = 1 ]; then mapfile -t envs < <(sanitizer_env "$name"); fi
	(cd "$REPO" && env "${envs[@]}" "$REPO/$build/warsha-fcgi" --config "$CONF" "$@")
}

app_migrate() {
	log "applying migrations and seed data (sql/)"
	app_oneshot "$1" "$2" migrate --migrate >>"$LOG_DIR/migrate.log" 2>&1 ||
		{ tail -n 30 "$LOG_DIR/migrate.log" >&2; die "warsha-fcgi --migrate failed (log: $LOG_DIR/migrate.log)"; }
}

# Creates the first admin. Its stdout (which may hold a generated password) goes to
# the terminal only, never to a log file; ADMIN_CREATED keeps it for the summary.
ADMIN_CREATED=
app_create_admin() {
	local out
	if [ "$STACK" = test ]; then
		if [ ! -f "$ADMIN_ENV" ]; then
			(umask 077 && printf 'WARSHA_ADMIN_EMAIL=%s\nWARSHA_ADMIN_PASSWORD=%s\n' \
				admin@warsha.test "Wa$(openssl rand -hex 10)Z9" >"$ADMIN_ENV")
		fi
		set -a
		# shellcheck disable=SC1090
		. "$ADMIN_ENV"
		set +a
	else
		export WARSHA_ADMIN_EMAIL=${WARSHA_ADMIN_EMAIL:-admin@warsha.local}
	fi
	out=$(app_oneshot "$1" "$2" create-admin --create-admin 2>>"$LOG_DIR/create-admin.log") ||
		{ tail -n 20 "$LOG_DIR/create-admin.log" >&2; die "warsha-fcgi --create-admin failed (log: $LOG_DIR/create-admin.log)"; }
	# shellcheck disable=SC2034 # read by cmd_up in scripts/dev
	ADMIN_CREATED=$out
}

# app_start BUILD SANITIZE: start the FastCGI pool and the notifier from BUILD.
app_start() {
	local build=$1 sanitize=$2 envs=()
	local fcgi=$REPO/$build/warsha-fcgi notifier=$REPO/$build/warsha-notifier
	[ -x "$fcgi" ] || die "$fcgi not built"
	ports_check "$NOTIFIER_PORT"
	rm -f "$FCGI_ADDR"   # a socket file left by a killed pool
	if [ "$sanitize" = 1 ]; then mapfile -t envs < <(sanitizer_env warsha-fcgi); fi
	log "starting warsha-fcgi on $FCGI_ADDR from $build/"
	start_daemon warsha-fcgi "${envs[@]}" "$fcgi" --config "$CONF" --listen "$FCGI_ADDR"
	# CMakeLists.txt builds the notifier only once fcgi/notifier/ has sources.
	NOTIFIER_STARTED=0
	if [ ! -x "$notifier" ]; then
		warn "$notifier is not built: the $STACK stack runs without a notifier"
		return 0
	fi
	if [ "$sanitize" = 1 ]; then mapfile -t envs < <(sanitizer_env warsha-notifier); fi
	log "starting warsha-notifier on $NOTIFIER_ADDR from $build/"
	start_daemon warsha-notifier "${envs[@]}" "$notifier" --config "$CONF"
	NOTIFIER_STARTED=1
}

app_stop() {
	stop_pidfile notifier "$RUN_DIR/warsha-notifier.pid" 30
	stop_pidfile fcgi "$RUN_DIR/warsha-fcgi.pid" 30
}

# ---------------------------------------------------------------- nginx

sed_escape() { printf '%s' "$1" | sed 's/[&|\\]/\\&/g'; }

nginx_render() {
	local user_line='# (not root: nginx workers run as this user)' out=$NGX_PREFIX/nginx.conf
	# Run as root (CI, a fresh VM) the master would hand its workers to "nobody",
	# who may not be able to read static/ inside a checkout under /root. These are
	# loopback-only dev/test stacks, so the workers keep root's rights there.
	[ "$(id -u)" -eq 0 ] && user_line='user root root;  # dev/test only: see scripts/lib.sh'
	# the site's snippets, shared with production (nginx/warsha.conf), under the prefix
	# where the rendered file's relative includes find them
	rm -rf "$NGX_PREFIX/snippets.tmp"
	cp -R "$REPO/nginx/snippets" "$NGX_PREFIX/snippets.tmp"
	rm -rf "$NGX_PREFIX/snippets"
	mv "$NGX_PREFIX/snippets.tmp" "$NGX_PREFIX/snippets"
	sed -e "s|@USER_DIRECTIVE@|$user_line|" \
		-e "s|@PREFIX@|$(sed_escape "$NGX_PREFIX")|g" \
		-e "s|@NGINX_PORT@|$NGINX_PORT|g" \
		-e "s|@FCGI_ADDR@|unix:$FCGI_ADDR|g" \
		-e "s|@NOTIFIER_ADDR@|$NOTIFIER_ADDR|g" \
		-e "s|@STATIC_DIR@|$(sed_escape "$REPO/static")|g" \
		-e "s|@UPLOAD_DIR@|$(sed_escape "$UPLOAD_DIR")|g" \
		"$REPO/nginx/warsha-dev.conf.in" >"$out.tmp"
	if grep -nE '@[A-Z_]+@' "$out.tmp" >&2; then
		die "nginx/warsha-dev.conf.in: placeholder(s) above not substituted"
	fi
	mv "$out.tmp" "$out"
}

nginx_cmd() { nginx -p "$NGX_PREFIX/" -c nginx.conf -e "$NGX_PREFIX/logs/error.log" "$@"; }

nginx_start() {
	local pidf=$NGX_PREFIX/nginx.pid i
	if pidfile_ours "$pidf"; then return 0; fi
	rm -f "$pidf" "$pidf.start"
	ports_check "$NGINX_PORT"
	nginx_render
	nginx_cmd -q -t || die "nginx rejected $NGX_PREFIX/nginx.conf"
	log "starting nginx on 127.0.0.1:$NGINX_PORT"
	nginx_cmd || die "nginx failed to start (log: $NGX_PREFIX/logs/error.log)"
	for ((i = 0; i < 50; i++)); do [ -s "$pidf" ] && break; sleep 0.1; done
	[ -s "$pidf" ] || die "nginx wrote no pid file"
	pid_stamp "$(pidfile_pid "$pidf")" "$pidf"
}

# ---------------------------------------------------------------- whole stack

# wait_http URL SECONDS: until URL answers 2xx, failing early when a server has died.
wait_http() {
	local url=$1 secs=$2 i name pidf
	for ((i = 0; i < secs * 5; i++)); do
		curl -fsS -m 2 -o /dev/null "$url" 2>/dev/null && return 0
		for name in warsha-fcgi warsha-notifier; do
			pidf=$RUN_DIR/$name.pid
			if [ -f "$pidf" ] && ! pid_alive "$(pidfile_pid "$pidf")"; then
				tail -n 30 "$LOG_DIR/$name.log" >&2
				die "$name exited during start-up (log: $LOG_DIR/$name.log)"
			fi
		done
		sleep 0.2
	done
	curl -sS -m 2 -i "$url" >&2 || true
	die "$url did not answer within ${secs}s"
}

# stack_up NAME BUILD [SANITIZE]: bring the stack up with the servers from BUILD.
# MariaDB and nginx are started unless already running; the servers are restarted.
stack_up() {
	local build=$2 sanitize=${3:-0}
	stack_load "$1"
	stack_dirs
	conf_ensure
	stack_ports_check
	db_init
	db_start
	db_bootstrap
	app_stop
	app_scrub_env
	app_migrate "$build" "$sanitize"
	app_create_admin "$build" "$sanitize"
	app_start "$build" "$sanitize"
	nginx_start
	log "waiting for $BASE_URL/health"
	wait_http "$BASE_URL/health" 60
	if [ "$NOTIFIER_STARTED" = 1 ]; then
		log "waiting for $NOTIFIER_URL/health"
		wait_http "$NOTIFIER_URL/health" 60
	fi
}

# stack_down NAME: stop every process of the stack; fail if one survives.
stack_down() {
	local entry name pidf timeout strays pid i rc=0
	stack_load "$1"
	for entry in "${SERVICES[@]}"; do
		name=${entry%%:*}
		pidf=${entry#*:}
		timeout=30
		[ "$name" = mariadb ] && timeout=120
		stop_pidfile "$name" "$pidf" "$timeout" || rc=1
	done
	strays=$(stack_strays)
	if [ -n "$strays" ]; then
		for pid in $strays; do warn "stray $STACK process $pid: $(proc_cmdline "$pid")"; done
		# shellcheck disable=SC2086
		kill -TERM $strays 2>/dev/null || true
		for ((i = 0; i < 100; i++)); do
			[ -z "$(stack_strays)" ] && break
			sleep 0.1
		done
		strays=$(stack_strays)
		# shellcheck disable=SC2086
		[ -n "$strays" ] && { kill -KILL $strays 2>/dev/null || true; sleep 0.5; }
		[ -z "$(stack_strays)" ] || { warn "could not stop: $(stack_strays)"; rc=1; }
	fi
	rm -f "$DB_SOCKET"
	return "$rc"
}

http_code() { # HTTP status of a GET, or "down" when nothing answers
	local c
	c=$(curl -sS -m 2 -o /dev/null -w '%{http_code}' "$1" 2>/dev/null) || true
	[ -n "$c" ] && [ "$c" != 000 ] && echo "$c" || echo down
}

stack_status() {
	local entry name pidf pid state up=0
	stack_load "$1"
	echo "$STACK stack ($SDIR):"
	for entry in "${SERVICES[@]}"; do
		name=${entry%%:*}
		pidf=${entry#*:}
		pid=$(pidfile_pid "$pidf" 2>/dev/null || true)
		if pidfile_ours "$pidf"; then
			state="running (pid $pid, $(pgroup_pids "$pid" | wc -l) process(es))"
			up=$((up + 1))
		elif [ -n "$pid" ]; then
			state="stopped (stale pid file $pidf)"
		else
			state=stopped
		fi
		printf '  %-9s %s\n' "$name" "$state"
	done
	if [ "$up" -gt 0 ]; then
		printf '  %-9s %s  %s\n' health "$(http_code "$BASE_URL/health")" "$BASE_URL/health"
		printf '  %-9s %s  %s\n' notifier "$(http_code "$NOTIFIER_URL/health")" "$NOTIFIER_URL/health"
	fi
	[ "$up" -gt 0 ]
}
