# shellcheck shell=bash disable=SC2154  # conf is the sourcing script's
# The database of a Warsha stack as its warsha.conf describes it, for the scripts of
# tests/load/ that read or write rows: the generators (gen_lib.sh) and bench_bookings.sh.
#
# The script sets conf (the warsha.conf) and calls db_connect. It gets:
#   conf_get KEY            KEY's value in $conf
#   db [ARG…]               the mariadb client on $conf's database as the application's
#                           account, tab-separated, no column names

conf_get() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$conf" | tail -n 1 | sed 's/[[:space:]]*$//'; }

# The application's own account: a socket path wins over host and port, as in the
# servers. The password goes by the environment, never argv.
db_args=()
db_connect() {
	local socket
	db_args=(--no-defaults --default-character-set=utf8mb4 -u "$(conf_get db_user)")
	socket=$(conf_get db_socket)
	if [ -n "$socket" ]; then
		db_args+=(--socket="$socket")
	else
		db_args+=(--host="$(conf_get db_host)" --port="$(conf_get db_port)" --protocol=tcp)
	fi
	db_args+=("$(conf_get db_name)")
	export MYSQL_PWD
	MYSQL_PWD=$(conf_get db_password)
}
db() { mariadb "${db_args[@]}" --batch --skip-column-names "$@"; }
