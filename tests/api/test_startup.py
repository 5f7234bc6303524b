"""Start-up, configuration and reload, seen from outside: the built programs run with
configuration files of this test's own (the test stack's database account, everything
else chosen here), and their exit status and stderr are checked.

  - --version and --help of warsha-fcgi and warsha-notifier: stdout, exit 0, the
    version of CMakeLists.txt
  - a bad value (range, word list, address, inline comment) is refused at start and by
    --check-config, naming the file, the line and the key
  - placeholder and short secrets are refused (the example file does not start);
    secrets from *_file and from systemd credentials ($CREDENTIALS_DIRECTORY)
  - --migrate refuses a missing sql_dir or migrations, says what it applied or "up to
    date", and waits out a statement longer than the 30 s read timeout of requests
  - the notifier listens on exactly notifier_listen
  - SIGHUP: the stack's pool changes every worker without failing a request, and a
    pool of this test's own takes a changed workers/log_level and refuses a bad file
"""
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time

from warsha_test import (ENV, SOURCE_DIR, Skip, api, check, connection, db_query, fastcgi_get,
                         poll, run, uniq)

GOOD_SECRET = "0123456789abcdef0123456789abcdef"


# ------------------------------------------------------------------ helpers

def _fcgi_bin():
    b = ENV("WARSHA_TEST_FCGI_BIN")
    if not b or not os.path.exists(b):
        raise Skip("WARSHA_TEST_FCGI_BIN is not set")
    return b


def _notifier_bin():
    b = os.path.join(os.path.dirname(_fcgi_bin()), "warsha-notifier")
    if not os.path.exists(b):
        raise Skip("warsha-notifier is not built")
    return b


def _env(**extra):
    """The environment without WARSHA_<KEY> overrides (the test's files decide)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("WARSHA_") or k.startswith("WARSHA_TEST_")}
    env.pop("CREDENTIALS_DIRECTORY", None)
    env.update(extra)
    return env


def _stack_conf():
    """{key: value} of the test stack's warsha.conf (its database account)."""
    path = ENV("WARSHA_TEST_CONFIG")
    if not path:
        raise Skip("WARSHA_TEST_CONFIG is not set")
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, _, v = line.partition("=")
                out[k.strip()] = v.strip()
    return out


def _write_conf(d, lines, name="warsha.conf", mode=0o600):
    """Writes lines (strings) as a configuration file in d; returns its path."""
    path = os.path.join(d, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in lines))
    os.chmod(path, mode)
    return path


def _base_lines(d, drop=(), **over):
    """A configuration that starts: the stack's database, a socket in d, a free port for
    the notifier. Keys in drop are left out; keyword arguments replace values."""
    conf = _stack_conf()
    keys = ["db_host", "db_port", "db_socket", "db_user", "db_password", "db_name",
            "jwt_secret", "maintenance_token", "sql_dir", "spool_dir", "public_url"]
    vals = {k: conf[k] for k in keys if k in conf}
    vals.update(listen=os.path.join(d, "fcgi.sock"), workers="1", log_level="info",
                templates_dir=os.path.join(SOURCE_DIR, "templates"),
                notifier_listen="127.0.0.1:%d" % _free_port())
    vals.update(over)
    return ["%s = %s" % (k, v) for k, v in vals.items() if k not in drop]


def _run(args, env=None, timeout=60):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=SOURCE_DIR,
                       env=env if env is not None else _env(), timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _start_refused(binary, conf, extra=()):
    """Runs a server that must refuse to start; returns (status, stderr)."""
    try:
        rc, out, err = _run([binary, "--config", conf] + list(extra), timeout=15)
    except subprocess.TimeoutExpired:
        raise AssertionError("%s started with %s" % (os.path.basename(binary), conf))
    check(rc != 0, "%s exited 0 with %s" % (os.path.basename(binary), conf))
    return rc, err


# ------------------------------------------------------------------ --version, --help

def test_version_and_help_on_stdout_for_both_programs():
    with open(os.path.join(SOURCE_DIR, "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"project\(\s*warsha\s+VERSION\s+([0-9.]+)", f.read())
    check(m, "no project(warsha VERSION x.y.z) in CMakeLists.txt")
    for binary in (_fcgi_bin(), _notifier_bin()):
        name = os.path.basename(binary)
        rc, out, err = _run([binary, "--version"])
        check(rc == 0, "%s --version exited %d: %s" % (name, rc, err))
        check(out.strip() == "%s %s" % (name, m.group(1)),
              "%s --version printed %r, expected %r" % (name, out, "%s %s" % (name, m.group(1))))
        check(err == "", "%s --version wrote to stderr: %r" % (name, err))
        rc, out, err = _run([binary, "--help"])
        check(rc == 0, "%s --help exited %d" % (name, rc))
        check(out.startswith("usage: " + name) and "--config" in out and "--version" in out,
              "%s --help printed %r" % (name, out))
        check(err == "", "%s --help wrote to stderr: %r" % (name, err))
        rc, out, err = _run([binary, "--no-such-flag"])
        check(rc == 2 and "usage:" in err and out == "",
              "%s with an unknown flag: exit %d, stdout %r, stderr %r" % (name, rc, out, err))


# ------------------------------------------------------------------ bad values

BAD_VALUES = [
    ("log_level", "loud"), ("log_level", "info # chatty"), ("email_provider", "pigeon"),
    ("sms_provider", "twilio"), ("db_port", "0"), ("db_port", "70000"), ("workers", "0"),
    ("access_token_ttl", "0"), ("refresh_token_ttl", "-1"), ("login_max_failures", "0"),
    ("listen", "127.0.0.1:99999"), ("listen", "no-port"),
    ("notifier_listen", "localhost:8090"), ("notifier_listen", "127.0.0.1"),
    ("public_url", "warsha.example"), ("scrypt_n", "1000"),
]


def test_bad_values_are_refused_naming_file_line_and_key():
    fcgi, notifier = _fcgi_bin(), _notifier_bin()
    with tempfile.TemporaryDirectory() as d:
        for key, value in BAD_VALUES:
            lines = _base_lines(d, drop=(key,))
            lines.insert(3, "%s = %s" % (key, value))   # line 4
            conf = _write_conf(d, lines)
            where = "%s:4:" % conf
            rc, out, err = _run([fcgi, "--check-config", conf])
            check(rc == 1, "--check-config exited %d for %s = %s: %s" % (rc, key, value, err))
            check(where in err and key in err,
                  "--check-config for %s = %s does not name %s and the key: %r"
                  % (key, value, where, err))
            check("configuration OK" not in err, "said OK: %r" % err)
            for binary in (fcgi, notifier):
                rc, err = _start_refused(binary, conf)
                check(where in err and key in err,
                      "%s refused %s = %s without naming %s and the key: %r"
                      % (os.path.basename(binary), key, value, where, err))


def test_check_config_passes_a_good_file_and_warns():
    fcgi = _fcgi_bin()
    with tempfile.TemporaryDirectory() as d:
        conf = _write_conf(d, _base_lines(d))
        rc, out, err = _run([fcgi, "--check-config", conf])
        check(rc == 0 and "configuration OK" in err and "warning" not in err,
              "a good file: exit %d, stderr %r" % (rc, err))
        rc, out, err = _run([fcgi, "--check-config=" + conf])
        check(rc == 0, "--check-config=FILE exited %d: %s" % (rc, err))
        rc, out, err = _run([fcgi, "--check-config"], env=_env(WARSHA_CONFIG=conf))
        check(rc == 0 and conf in err, "--check-config with WARSHA_CONFIG: %d %r" % (rc, err))
        # a duplicate key: a warning that names both lines; the file still passes
        lines = _base_lines(d) + ["workers = 2"]
        conf = _write_conf(d, lines)
        rc, out, err = _run([fcgi, "--check-config", conf])
        dup = "%s:%d:" % (conf, len(lines))
        check(rc == 0 and "warning" in err and dup in err and "workers" in err,
              "a duplicate key: exit %d, stderr %r" % (rc, err))
        # a file every user may read, holding secrets
        conf = _write_conf(d, _base_lines(d), mode=0o644)
        rc, out, err = _run([fcgi, "--check-config", conf])
        check(rc == 0 and "warning" in err and "readable" in err and conf in err,
              "a file others may read: exit %d, stderr %r" % (rc, err))
        # no jwt_secret: a pool that serves needs one
        conf = _write_conf(d, _base_lines(d, drop=("jwt_secret",)))
        rc, out, err = _run([fcgi, "--check-config", conf])
        check(rc == 1 and "jwt_secret" in err, "no jwt_secret: exit %d, stderr %r" % (rc, err))


# ------------------------------------------------------------------ secrets

def test_placeholder_and_short_secrets_do_not_start():
    fcgi, notifier = _fcgi_bin(), _notifier_bin()
    example = os.path.join(SOURCE_DIR, "docs", "warsha.conf.example")
    for binary in (fcgi, notifier):
        rc, err = _start_refused(binary, example)
        check("warsha.conf.example:" in err and "placeholder" in err,
              "%s on the example file: %r" % (os.path.basename(binary), err))
    cases = [("jwt_secret", "change-me-change-me-change-me-change-me", "placeholder"),
             ("jwt_secret", GOOD_SECRET + "-CHANGE-ME", "placeholder"),
             ("db_password", "change-me", "placeholder"),
             ("maintenance_token", "change-me", "placeholder"),
             ("maintenance_token", GOOD_SECRET[:31], "32"),
             ("jwt_secret", "too-short", "32")]
    with tempfile.TemporaryDirectory() as d:
        for key, value, why in cases:
            lines = _base_lines(d, drop=(key,)) + ["%s = %s" % (key, value)]
            conf = _write_conf(d, lines)
            where = "%s:%d:" % (conf, len(lines))
            for binary in (fcgi, notifier):
                rc, err = _start_refused(binary, conf)
                check(where in err and key in err and why in err,
                      "%s with %s = %s: %r" % (os.path.basename(binary), key, value, err))


def _secret(d, name, value, mode=0o600):
    p = os.path.join(d, name)
    with open(p, "w", encoding="utf-8") as f:
        f.write(value)
    os.chmod(p, mode)
    return p


def test_secrets_from_files_and_systemd_credentials():
    """The database password from db_password_file (and from a credential) is the one
    that connects: --check-sql prepares every statement over that connection."""
    fcgi = _fcgi_bin()
    conf = _stack_conf()
    with tempfile.TemporaryDirectory() as d:
        pw = _secret(d, "db_password", conf["db_password"] + "\n")
        jwt = _secret(d, "jwt", GOOD_SECRET + "\n")
        path = _write_conf(d, _base_lines(d, drop=("db_password", "jwt_secret"))
                           + ["db_password_file = " + pw, "jwt_secret_file = " + jwt])
        rc, out, err = _run([fcgi, "--check-config", path])
        check(rc == 0, "--check-config with *_file: %d %r" % (rc, err))
        rc, out, err = _run([fcgi, "--config", path, "--check-sql"], timeout=120)
        check(rc == 0, "--check-sql with db_password_file failed (%d): %s" % (rc, err[-800:]))
        # a wrong password in the file: the connection fails (so the file is what counts)
        _secret(d, "db_password", "wrong-" + uniq(8) + "\n")
        rc, out, err = _run([fcgi, "--config", path, "--check-sql"], timeout=120)
        check(rc != 0, "--check-sql connected with a wrong db_password_file")
        # both the value and its file: refused, naming the line
        lines = _base_lines(d, drop=("jwt_secret",)) + ["jwt_secret = " + GOOD_SECRET,
                                                        "jwt_secret_file = " + jwt]
        path = _write_conf(d, lines)
        rc, out, err = _run([fcgi, "--check-config", path])
        check(rc == 1 and "%s:%d:" % (path, len(lines)) in err and "jwt_secret_file" in err,
              "the value and its file: %d %r" % (rc, err))
        # systemd credentials: $CREDENTIALS_DIRECTORY/<key> for a key set nowhere else
        creds = os.path.join(d, "credentials")
        os.mkdir(creds)
        _secret(creds, "db_password", conf["db_password"] + "\n", 0o400)
        _secret(creds, "jwt_secret", GOOD_SECRET + "\n", 0o400)
        path = _write_conf(d, _base_lines(d, drop=("db_password", "jwt_secret")))
        env = _env(CREDENTIALS_DIRECTORY=creds)
        rc, out, err = _run([fcgi, "--check-config", path], env=env)
        check(rc == 0, "--check-config with credentials: %d %r" % (rc, err))
        rc, out, err = _run([fcgi, "--config", path, "--check-sql"], env=env, timeout=120)
        check(rc == 0, "--check-sql with a credential db_password failed (%d): %s" % (rc, err[-800:]))
        rc, out, err = _run([fcgi, "--check-config", path])
        check(rc == 1 and "jwt_secret" in err, "without the credentials: %d %r" % (rc, err))


# ------------------------------------------------------------------ --migrate

def test_migrate_needs_its_migrations_and_says_what_it_did():
    fcgi = _fcgi_bin()
    with tempfile.TemporaryDirectory() as d:
        conf = _write_conf(d, _base_lines(d))
        for sql_dir, why in ((os.path.join(d, "nowhere"), "No such file"),
                             (d, "migrations")):
            rc, out, err = _run([fcgi, "--config", conf, "--migrate"],
                                env=_env(WARSHA_SQL_DIR=sql_dir))
            check(rc == 1, "--migrate with sql_dir %s exited %d" % (sql_dir, rc))
            check(sql_dir in err and why in err, "--migrate with sql_dir %s: %r" % (sql_dir, err))
        os.mkdir(os.path.join(d, "migrations"))
        rc, out, err = _run([fcgi, "--config", conf, "--migrate"], env=_env(WARSHA_SQL_DIR=d))
        check(rc == 1 and "no .sql" in err, "--migrate with no migrations: %d %r" % (rc, err))
        # the stack's database is migrated already
        rc, out, err = _run([fcgi, "--config", conf, "--migrate"])
        check(rc == 0 and out == "up to date\n", "--migrate on the stack: %d %r %r" % (rc, out, err))


def test_migrate_outlasts_the_request_read_timeout():
    """A migration statement of 32 s (an ALTER of a large table takes minutes) on a
    scratch database: requests' connections give up reading after 30 s, --migrate's
    must not."""
    fcgi = _fcgi_bin()
    conf = _stack_conf()
    if os.sep + os.path.join("var", "test") + os.sep not in (ENV("WARSHA_TEST_CONFIG") or ""):
        raise Skip("only on the test stack of scripts/dev test (it creates a scratch database)")
    db = "%s_scratch_%s" % (conf.get("db_name", "warsha"), uniq(10))
    with tempfile.TemporaryDirectory() as d:
        os.mkdir(os.path.join(d, "migrations"))
        with open(os.path.join(d, "migrations", "0001_slow.sql"), "w") as f:
            f.write("CREATE TABLE slow (id INT PRIMARY KEY);\nDO SLEEP(32);\n"
                    "INSERT INTO slow (id) VALUES (1);\n")
        with open(os.path.join(d, "migrations", "0002_after.sql"), "w") as f:
            f.write("INSERT INTO slow (id) VALUES (2);\n")
        path = _write_conf(d, _base_lines(d, sql_dir=d, db_name=db))
        db_query("CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" % db)
        try:
            t0 = time.time()
            rc, out, err = _run([fcgi, "--config", path, "--migrate"], timeout=120)
            check(rc == 0, "--migrate with a 32 s statement exited %d after %.0f s: %s"
                  % (rc, time.time() - t0, err[-600:]))
            check(out == "applied migrations/0001_slow.sql\napplied migrations/0002_after.sql\n",
                  "--migrate printed %r" % out)
            rows = db_query("SELECT id FROM slow ORDER BY id", database=db)
            check(rows == [["1"], ["2"]], "rows after --migrate: %s" % rows)
            rc, out, err = _run([fcgi, "--config", path, "--migrate"])
            check(rc == 0 and out == "up to date\n", "a second --migrate: %d %r" % (rc, out))
        finally:
            db_query("DROP DATABASE IF EXISTS `%s`" % db)


# ------------------------------------------------------------------ the notifier's address

def _listening(port):
    """{(family, local address)} of the sockets listening on port (/proc/net/tcp*)."""
    out = set()
    for fam, name in (("ipv4", "/proc/net/tcp"), ("ipv6", "/proc/net/tcp6")):
        try:
            with open(name) as f:
                next(f)
                for line in f:
                    parts = line.split()
                    addr, p = parts[1].rsplit(":", 1)
                    if int(p, 16) == port and parts[3] == "0A":
                        out.add((fam, addr))
        except OSError:
            pass
    return out


def _other_local_ipv4():
    """An address of this machine that is not loopback, or None."""
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect(("192.0.2.1", 9))   # no packet is sent
        addr = s.getsockname()[0]
        s.close()
        return None if addr.startswith("127.") else addr
    except OSError:
        return None


def _notifier_on(listen, d):
    conf = _write_conf(d, _base_lines(d, notifier_listen=listen), name="notifier.conf")
    return subprocess.Popen([_notifier_bin(), "--config", conf], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, cwd=SOURCE_DIR, env=_env())


def _stop_notifier(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("the notifier did not stop on SIGTERM")
    err = proc.stderr.read().decode("utf-8", "replace")
    check(rc == 0, "the notifier exited %d: %s" % (rc, err[-500:]))


def test_notifier_listens_on_exactly_its_address():
    _notifier_bin()
    with tempfile.TemporaryDirectory() as d:
        port = _free_port()
        proc = _notifier_on("127.0.0.1:%d" % port, d)
        try:
            check(poll(lambda: _listening(port), timeout=10), "the notifier does not listen")
            got = _listening(port)
            check(got == {("ipv4", "0100007F")},
                  "notifier_listen = 127.0.0.1:%d, listening on %s" % (port, sorted(got)))
            other = _other_local_ipv4()
            if other:
                s = socket.socket()
                s.settimeout(2)
                try:
                    reached = s.connect_ex((other, port)) == 0
                finally:
                    s.close()
                check(not reached, "the notifier answers on %s:%d" % (other, port))
            # SIGHUP: no reload in the notifier, and no death either
            proc.send_signal(signal.SIGHUP)
            time.sleep(0.3)
            check(proc.poll() is None, "the notifier died of SIGHUP")
            c = socket.create_connection(("127.0.0.1", port), timeout=5)
            c.sendall(b"GET /health HTTP/1.0\r\n\r\n")
            check(c.recv(64).startswith(b"HTTP/1."), "no HTTP answer on 127.0.0.1")
            c.close()
        finally:
            _stop_notifier(proc)
        if not socket.has_ipv6 or not os.path.exists("/proc/net/tcp6"):
            return
        port = _free_port()
        proc = _notifier_on("[::1]:%d" % port, d)
        try:
            if not poll(lambda: _listening(port), timeout=10):
                raise Skip("no IPv6 loopback here")
            got = _listening(port)
            check(got == {("ipv6", "00000000000000000000000001000000")},
                  "notifier_listen = [::1]:%d, listening on %s" % (port, sorted(got)))
        finally:
            _stop_notifier(proc)


# ------------------------------------------------------------------ SIGHUP

def _children(pid):
    """Pids of pid's children."""
    out = set()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                rest = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(rest[1]) == pid and rest[0] != "Z":
            out.add(int(name))
    return out


def _master():
    pidfile = ENV("WARSHA_TEST_FCGI_PIDFILE")
    if not pidfile:
        raise Skip("WARSHA_TEST_FCGI_PIDFILE is not set")
    with open(pidfile) as f:
        return int(f.read().strip())


def test_sighup_recycles_the_stack_pool_without_failing_a_request():
    master = _master()
    before = _children(master)
    check(before, "the pool %d has no workers" % master)
    log_path = os.path.join(ENV("WARSHA_TEST_LOG_DIR") or "", "warsha-fcgi.log")
    log_start = os.path.getsize(log_path) if os.path.exists(log_path) else 0
    results, stop = [], threading.Event()
    lock = threading.Lock()

    def hammer():
        while not stop.is_set():
            try:
                r = api("GET", "/api/services?limit=1", conn=connection(timeout=20))
                st = r.status
            except Exception as e:   # noqa: BLE001 - every failure counts
                st = repr(e)
            with lock:
                results.append(st)

    threads = [threading.Thread(target=hammer) for _ in range(6)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.0)
        os.kill(master, signal.SIGHUP)
        changed = poll(lambda: _children(master) and not (_children(master) & before),
                       timeout=20, interval=0.1)
        time.sleep(1.0)   # requests keep coming to the new generation
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    failed = [r for r in results if r != 200]
    check(len(results) > 50, "only %d requests during the reload" % len(results))
    check(not failed, "%d of %d requests failed during the reload: %s"
          % (len(failed), len(results), sorted(set(map(str, failed)))[:5]))
    check(changed, "the workers are still %s after SIGHUP (now %s)" % (sorted(before),
                                                                      sorted(_children(master))))
    check(_master() == master and os.path.exists("/proc/%d" % master),
          "the master changed or died")
    check(len(_children(master)) == len(before),
          "%d workers after the reload, %d before" % (len(_children(master)), len(before)))
    if os.path.exists(log_path):
        with open(log_path, "rb") as f:
            f.seek(log_start)
            text = f.read().decode("utf-8", "replace")
        check(re.search(r"msg=reloading workers=%d " % len(before), text),
              "the pool did not log that it read its configuration again")


def _fastcgi_get(path, sock_path):
    """One GET over FastCGI, as nginx sends it; returns the answer's text."""
    return fastcgi_get(path, sock_path)[0].decode("utf-8", "replace")


def test_sighup_applies_a_changed_file_and_refuses_a_bad_one():
    """A pool of this test's own: workers 2 -> 3 and log_level info -> warn take effect
    at SIGHUP (the master stays); a bad file is refused with an error line naming it, and
    the running pool carries on as it was."""
    fcgi = _fcgi_bin()
    with tempfile.TemporaryDirectory() as d:
        sock = os.path.join(d, "fcgi.sock")
        conf = _write_conf(d, _base_lines(d, workers="2"))
        log_path = os.path.join(d, "fcgi.log")
        log = open(log_path, "wb")
        proc = subprocess.Popen([fcgi, "--config", conf], stdout=subprocess.DEVNULL, stderr=log,
                                cwd=SOURCE_DIR, env=_env())
        log.close()

        def log_text():
            with open(log_path, encoding="utf-8", errors="replace") as f:
                return f.read()

        def answers(path):
            try:
                return _fastcgi_get(path, sock).startswith("Status: ")
            except OSError:
                return False

        try:
            check(poll(lambda: answers("/health"), timeout=15), "the pool does not answer: %s"
                  % log_text()[-500:])
            check(poll(lambda: len(_children(proc.pid)) == 2, timeout=5), "not 2 workers")
            first = _children(proc.pid)
            mark = "/api/reload-before-" + uniq(8)
            _fastcgi_get(mark, sock)
            check(poll(lambda: mark in log_text(), timeout=5), "no access line at log_level info")

            _write_conf(d, _base_lines(d, workers="3", log_level="warn"))
            proc.send_signal(signal.SIGHUP)
            check(poll(lambda: len(_children(proc.pid)) == 3 and not (_children(proc.pid) & first),
                       timeout=20), "after SIGHUP with workers = 3: workers %s (were %s)"
                  % (sorted(_children(proc.pid)), sorted(first)))
            check(proc.poll() is None, "the master exited on SIGHUP")
            check("msg=reloading" in log_text(), "no reload line: %s" % log_text()[-500:])
            second = _children(proc.pid)
            mark = "/api/reload-after-" + uniq(8)
            for _ in range(6):   # every worker, likely
                check(_fastcgi_get(mark, sock).startswith("Status: 404"), "no 404 for %s" % mark)
            time.sleep(1.5)      # an access line would be written within a second
            check(mark not in log_text(), "an access line at log_level warn")

            # a bad file: refused, named, and nothing changes
            bad = _base_lines(d, workers="1", drop=("log_level",))
            bad.insert(2, "log_level = loud")
            _write_conf(d, bad)
            proc.send_signal(signal.SIGHUP)
            check(poll(lambda: "msg=reload_refused" in log_text(), timeout=10),
                  "no reload_refused line: %s" % log_text()[-500:])
            line = [l for l in log_text().splitlines() if "msg=reload_refused" in l][0]
            check("level=error" in line and "%s:3:" % conf in line and "log_level" in line,
                  "the refusal does not name the file, line and key: %s" % line)
            time.sleep(0.5)
            check(_children(proc.pid) == second, "the workers changed after a refused reload")
            check(_fastcgi_get("/health", sock).startswith("Status: 200"), "no answer after it")
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                rc = proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise AssertionError("the pool did not stop on SIGTERM")
        check(rc == 0, "the pool exited %d: %s" % (rc, log_text()[-500:]))
        check(not _children(proc.pid), "workers left behind")


run(globals())
