"""The installed tree: what `cmake --install` puts on a host, checked without one.

Two separate configure + build trees (under the calling build tree, kept between runs so
a rerun builds only what changed), each installed into a fresh DESTDIR:

  prefix /usr          Debian's layout (docs/deploy.md): /usr, /etc, /var. The units,
                       the nginx site, sysusers.d and tmpfiles.d are checked with the
                       tools that will read them on the host: systemd-analyze verify and
                       security, nginx -t, systemd-sysusers and systemd-tmpfiles --root.
  prefix /opt/warsha   GNUInstallDirs gives /opt/warsha, /etc/opt/warsha and
                       /var/opt/warsha: any path still written into fcgi/ or into an
                       installed file instead of coming from the prefix shows up here.

Nothing here needs the running stack or a systemd PID 1; `systemd-analyze verify` runs
offline against a root made of the DESTDIR plus the host's own units and the few
programs the units call (see verify_root()).

Environment: WARSHA_SOURCE_DIR (the checkout), WARSHA_BUILD_DIR (where the trees go),
WARSHA_CMAKE (the cmake to run), all set by CMakeLists.txt. `python3 tests/install/test_install.py test_nginx_site`
runs only the named tests. Prints `ok name` / `FAIL name: why`; exits 1 on a failure.
"""

import glob
import http.server
import os
import re
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("WARSHA_SOURCE_DIR") or os.path.abspath(os.path.join(HERE, "..", ".."))
BUILD_DIR = os.environ.get("WARSHA_BUILD_DIR") or os.path.join(SOURCE_DIR, "build")
WORK = os.path.join(BUILD_DIR, "install-test")
CMAKE = os.environ.get("WARSHA_CMAKE") or "cmake"     # the cmake that configured BUILD_DIR

# For each prefix: GNUInstallDirs' sysconfdir and localstatedir for it.
LAYOUTS = {
    "usr": {"prefix": "/usr", "etc": "/etc", "var": "/var"},
    "opt": {"prefix": "/opt/warsha", "etc": "/etc/opt/warsha", "var": "/var/opt/warsha"},
}


class TestFailure(AssertionError):
    pass


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)


def run(cmd, **kw):
    """Runs cmd; output captured (text). Fails the test, with the output, on a non-zero exit."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if p.returncode != 0:
        raise TestFailure("%s: exit %d\n%s" % (" ".join(cmd), p.returncode, p.stdout[-4000:]))
    return p.stdout


# ------------------------------------------------------------------ the installed trees

_trees = {}
_builds = {}


def tree(name):
    """Configures, builds and installs layout `name` once; returns (layout, destdir)."""
    if name in _trees:
        return _trees[name]
    lay = LAYOUTS[name]
    build = os.path.join(WORK, name, "build")
    dest = os.path.join(WORK, name, "dest")
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(build, exist_ok=True)
    run([CMAKE, "-S", SOURCE_DIR, "-B", build, "-DCMAKE_BUILD_TYPE=Release",
         "-DCMAKE_INSTALL_PREFIX=" + lay["prefix"]])
    run([CMAKE, "--build", build, "-j2"])
    run([CMAKE, "--install", build], env=dict(os.environ, DESTDIR=dest))
    _trees[name] = (lay, dest)
    _builds[name] = build
    return _trees[name]


def installed_files(dest):
    """Every installed file (and symlink), as a path relative to the DESTDIR."""
    out = set()
    for d, dirs, files in os.walk(dest):
        for f in files:
            out.add(os.path.relpath(os.path.join(d, f), dest))
    return out


def source_files(sub):
    base = os.path.join(SOURCE_DIR, sub)
    return {os.path.relpath(os.path.join(d, f), base)
            for d, _, files in os.walk(base) for f in files}


def expected_files(lay):
    """What an install must hold, relative to the DESTDIR; derived from the source tree."""
    p, etc = lay["prefix"].lstrip("/"), lay["etc"].lstrip("/")
    data, doc = p + "/share/warsha", p + "/share/doc/warsha"
    exp = {p + "/bin/warsha-fcgi", p + "/bin/warsha-notifier", p + "/bin/warsha-template",
           etc + "/nginx/sites-available/warsha", etc + "/nginx/conf.d/warsha-http.conf",
           p + "/lib/sysusers.d/warsha.conf", p + "/lib/tmpfiles.d/warsha.conf",
           doc + "/README.md", doc + "/warsha.conf.example", doc + "/deploy.md"}
    for sub in ("sql", "templates", "static"):
        exp |= {"%s/%s/%s" % (data, sub, f) for f in source_files(sub)}
    exp |= {doc + "/" + os.path.basename(f) for f in glob.glob(os.path.join(SOURCE_DIR, "docs", "*.md"))}
    for pattern in ("*.service", "*.socket", "*.timer"):
        exp |= {p + "/lib/systemd/system/" + os.path.basename(f)
                for f in glob.glob(os.path.join(SOURCE_DIR, "systemd", pattern))}
    # added by other parts of the tree when they exist
    exp |= {etc + "/nginx/snippets/" + os.path.basename(f)
            for f in glob.glob(os.path.join(SOURCE_DIR, "nginx", "snippets", "*.conf"))}
    if os.path.exists(os.path.join(SOURCE_DIR, "nginx", "fail2ban")):
        exp |= {etc + "/fail2ban/filter.d/warsha-nginx-limit-req.conf",
                etc + "/fail2ban/jail.d/warsha.conf"}
    if os.path.exists(os.path.join(SOURCE_DIR, "nginx", "logrotate.warsha")):
        exp.add(etc + "/logrotate.d/warsha")
    if os.path.exists(os.path.join(SOURCE_DIR, "apache", "warsha.conf")):
        exp.add(etc + "/apache2/sites-available/warsha.conf")
    return exp


def config_files(lay, dest):
    """The installed files that name paths: units, sites, sysusers/tmpfiles, examples."""
    docs = lay["prefix"].lstrip("/") + "/share/doc/warsha/"
    out = []
    for rel in sorted(installed_files(dest)):
        if "/bin/" in rel or rel.endswith(".md") or "/share/warsha/" in rel:
            continue
        check(not rel.startswith(docs) or rel.endswith(".example"), "unexpected doc file " + rel)
        out.append(rel)
    return out


PATH_RE = re.compile(r"(?<![\w.-])/(?:usr|etc|var|opt|srv|lib|run|home)(?:/[\w.@%-]+)+")


# Other programs' places, which the installed files name as they are on any Debian host
# (an nginx or Apache site's own path, their logs, certificates): not Warsha's to move.
FOREIGN = ("/etc/nginx/", "/etc/apache2/", "/var/log/nginx/", "/var/log/apache2/",
           "/etc/letsencrypt/", "/etc/logrotate.d/", "/etc/ssl/", "/var/www/", "/etc/fail2ban/")


def warsha_paths(text):
    return sorted({m for m in PATH_RE.findall(text) if "warsha" in m and not m.startswith(FOREIGN)})


def allowed_roots(lay):
    """Where Warsha's paths may be: the prefix, its sysconfdir and localstatedir; and
    /run/warsha, the socket's directory, which systemd owns (not prefix-dependent)."""
    return (lay["prefix"] + "/", lay["etc"] + "/", lay["var"] + "/", "/run/warsha/")


def under(lay, path):
    return path.startswith(allowed_roots(lay)) or path == "/run/warsha"


# ------------------------------------------------------------------ tree and defaults

def check_tree(name):
    lay, dest = tree(name)
    have, want = installed_files(dest), expected_files(lay)
    check(not (want - have), "missing from the install: %s" % sorted(want - have))
    check(not (have - want), "installed but not expected: %s" % sorted(have - want))
    for rel in have:
        check(("/" + rel).startswith(allowed_roots(lay)[:3]),
              "%s is outside %s" % (rel, ", ".join(allowed_roots(lay)[:3])))
    for b in ("warsha-fcgi", "warsha-notifier", "warsha-template"):
        mode = os.stat(os.path.join(dest, lay["prefix"].lstrip("/"), "bin", b)).st_mode
        check(mode & stat.S_IXOTH, "%s is not executable" % b)


def test_tree_usr():
    check_tree("usr")


def test_tree_opt():
    check_tree("opt")


def check_compiled_defaults(name):
    """The defaults compiled into the binaries are the prefix's, and nothing else."""
    lay, dest = tree(name)
    want = {lay["etc"] + "/warsha/warsha.conf", lay["prefix"] + "/share/warsha/sql",
            lay["var"] + "/lib/warsha/spool"}
    for b in ("warsha-fcgi", "warsha-notifier"):
        data = open(os.path.join(dest, lay["prefix"].lstrip("/"), "bin", b), "rb").read()
        # (a checkout's own path may sit in the binary, e.g. as debug information)
        found = {f for f in warsha_paths(data.decode("latin-1"))
                 if not f.startswith((SOURCE_DIR + "/", os.path.realpath(SOURCE_DIR) + "/", WORK + "/"))}
        for path in found:
            check(under(lay, path), "%s has %s compiled in" % (b, path))
        if b == "warsha-fcgi":
            check(want <= found, "%s: expected defaults %s, found %s" % (b, sorted(want), sorted(found)))
        else:
            check(lay["etc"] + "/warsha/warsha.conf" in found, "%s: no default config %s" % (b, found))


def test_compiled_defaults_usr():
    check_compiled_defaults("usr")


def test_compiled_defaults_opt():
    check_compiled_defaults("opt")


def test_default_config_path():
    """Without --config and WARSHA_CONFIG both programs read the prefix's warsha.conf."""
    lay, dest = tree("opt")
    conf = lay["etc"] + "/warsha/warsha.conf"
    if os.path.exists(conf):
        raise TestFailure("%s exists on this machine; cannot tell a default from a find" % conf)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARSHA_")}
    for b in ("warsha-fcgi", "warsha-notifier"):
        p = subprocess.run([os.path.join(dest, lay["prefix"].lstrip("/"), "bin", b)], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=30)
        check(p.returncode == 2 and conf + ": No such file or directory" in p.stdout,
              "%s without --config: exit %d, %r (expected it to read %s)" % (b, p.returncode, p.stdout, conf))


def check_config_paths(name):
    """Every Warsha path an installed unit, site or example names is the prefix's."""
    lay, dest = tree(name)
    for rel in config_files(lay, dest):
        text = open(os.path.join(dest, rel), encoding="utf-8").read()
        for path in warsha_paths(text):
            check(under(lay, path), "%s names %s" % (rel, path))
    unit = open(os.path.join(dest, lay["prefix"].lstrip("/"), "lib/systemd/system/warsha-fcgi.service")).read()
    check("ExecStart=%s/bin/warsha-fcgi " % lay["prefix"] in unit, "warsha-fcgi.service: ExecStart")
    check("--config %s/warsha/warsha.conf" % lay["etc"] in unit, "warsha-fcgi.service: --config")


def test_config_paths_usr():
    check_config_paths("usr")


def test_config_paths_opt():
    check_config_paths("opt")


def test_edited_conffile_kept():
    """An install over an edited file under /etc keeps the edit and puts the new version
    beside it as .dpkg-dist; an unedited one is simply up to date."""
    lay, dest = tree("usr")
    with tempfile.TemporaryDirectory(prefix="warsha-reinstall-") as tmp:
        root = os.path.join(tmp, "root")
        shutil.copytree(dest, root, symlinks=True)
        site = os.path.join(root, "etc/nginx/sites-available/warsha")
        fresh = open(site).read()
        with open(site, "a") as f:
            f.write("# the administrator's TLS lines\n")
        out = run([CMAKE, "--install", _builds["usr"]], env=dict(os.environ, DESTDIR=root))
        check(open(site).read() == fresh + "# the administrator's TLS lines\n", "the edited site was replaced")
        check(open(site + ".dpkg-dist").read() == fresh, "no new version beside the edited site")
        check("Kept: " + site in out, "the install did not say it kept the site:\n" + out[-2000:])
        check(not os.path.exists(os.path.join(root, "etc/nginx/conf.d/warsha-http.conf.dpkg-dist")),
              "an unedited file got a .dpkg-dist")


# ------------------------------------------------------------------ nginx

NGINX_CONF = """worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    fastcgi_temp_path {tmp}/fastcgi;
    proxy_temp_path {tmp}/proxy;
    include {http};
    include {site};
}}
"""


def nginx_t(http, site):
    """nginx -t on the installed files, with the installed snippets where /etc/nginx
    would hold them (beside nginx.conf: "include snippets/NAME" is relative to it)."""
    with tempfile.TemporaryDirectory(prefix="warsha-nginx-") as tmp:
        os.symlink(os.path.join(os.path.dirname(os.path.dirname(http)), "snippets"),
                   os.path.join(tmp, "snippets"))
        conf = os.path.join(tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(tmp=tmp, http=http, site=site))
        run(["nginx", "-t", "-q", "-p", tmp + "/", "-c", conf, "-e", os.path.join(tmp, "error.log")])


def test_nginx_site():
    """The installed site and its http-context file, as Debian's nginx.conf includes them."""
    lay, dest = tree("usr")
    nginx_t(os.path.join(dest, "etc/nginx/conf.d/warsha-http.conf"),
            os.path.join(dest, "etc/nginx/sites-available/warsha"))


def test_nginx_site_with_tls():
    """The TLS lines the runbook tells to uncomment, uncommented, with a throwaway certificate."""
    lay, dest = tree("usr")
    site = open(os.path.join(dest, "etc/nginx/sites-available/warsha")).read()
    with tempfile.TemporaryDirectory(prefix="warsha-tls-") as tmp:
        crt, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=warsha.example.com", "-keyout", key, "-out", crt])
        n = 0
        lines = []
        for line in site.splitlines():
            m = re.match(r"^(\s*)# ((?:listen 443|ssl_)\S*.*;)$", line)
            if m:
                line, n = m.group(1) + m.group(2), n + 1
                line = re.sub(r"ssl_certificate\s+\S+;", "ssl_certificate %s;" % crt, line)
                line = re.sub(r"ssl_certificate_key\s+\S+;", "ssl_certificate_key %s;" % key, line)
            lines.append(line)
        check(n >= 4, "expected the commented TLS lines in the site, found %d" % n)
        tls_site = os.path.join(tmp, "warsha")
        with open(tls_site, "w") as f:
            f.write("\n".join(lines) + "\n")
        nginx_t(os.path.join(dest, "etc/nginx/conf.d/warsha-http.conf"), tls_site)


# ------------------------------------------------------------------ systemd

def units(dest):
    udir = os.path.join(dest, "usr/lib/systemd/system")
    return udir, sorted(os.listdir(udir))


def verify_root(dest, tmp):
    """A root for `systemd-analyze verify --root`: the DESTDIR, Debian's merged-/usr
    links, the host's own units (sysinit.target, sockets.target, ...: what every unit
    depends on) and the programs the units run that are not ours (/bin/kill, /bin/sh,
    /usr/bin/curl), copied, since --root resolves every path inside the root."""
    root = os.path.join(tmp, "root")
    shutil.copytree(dest, root, symlinks=True)
    for link in ("bin", "sbin", "lib"):
        if not os.path.exists(os.path.join(root, link)):
            os.symlink("usr/" + link, os.path.join(root, link))
    udir = os.path.join(root, "usr/lib/systemd/system")
    for f in os.listdir("/usr/lib/systemd/system"):
        if not os.path.lexists(os.path.join(udir, f)):
            src = os.path.join("/usr/lib/systemd/system", f)
            if os.path.islink(src):
                os.symlink(os.readlink(src), os.path.join(udir, f))
            elif os.path.isfile(src):
                shutil.copy2(src, udir)
    for prog in ("/bin/kill", "/bin/sh", "/usr/bin/curl"):
        real = os.path.realpath(prog)
        check(os.path.exists(real), "%s is missing on this machine (Debian packages: procps, curl)" % prog)
        shutil.copy2(real, os.path.join(root, "usr/bin", os.path.basename(prog)))
    return root


# The unit names to verify: a template is verified through an instance of it.
INSTANCES = {
    "warsha-maintenance@.service": "warsha-maintenance@cleanup.service",
    "warsha-notify-failure@.service": "warsha-notify-failure@warsha-maintenance@cleanup.service.service",
}


def test_systemd_verify():
    """systemd-analyze verify, offline: every directive known and well-formed, every
    specifier valid, every dependency (Requires=, Unit=, OnFailure=...) found, every
    Exec*= program present. Warnings count as failures."""
    check(shutil.which("systemd-analyze"), "systemd-analyze is missing (Debian package: systemd)")
    lay, dest = tree("usr")
    with tempfile.TemporaryDirectory(prefix="warsha-verify-") as tmp:
        root = verify_root(dest, tmp)
        udir, names = units(dest)
        args = ["usr/lib/systemd/system/" + INSTANCES.get(n, n) for n in names]
        p = subprocess.run(["systemd-analyze", "verify", "--man=no", "--generators=no",
                            "--root=" + root] + args, cwd=root,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        check(p.returncode == 0 and p.stdout.strip() == "",
              "systemd-analyze verify: exit %d\n%s" % (p.returncode, p.stdout))


def test_systemd_security():
    """systemd-analyze security (offline): every service stays at exposure 2.0 or below."""
    lay, dest = tree("usr")
    with tempfile.TemporaryDirectory(prefix="warsha-verify-") as tmp:
        root = verify_root(dest, tmp)
        udir, names = units(dest)
        for n in names:
            if not n.endswith(".service"):
                continue
            p = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--threshold=20",
                                "--no-pager", "--root=" + root,
                                "usr/lib/systemd/system/" + INSTANCES.get(n, n)], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            last = p.stdout.strip().splitlines()[-1:] or [""]
            check(p.returncode == 0, "%s: %s" % (n, last[0]))


def unit_text(name):
    lay, dest = tree("usr")
    return open(os.path.join(dest, "usr/lib/systemd/system", name)).read()


def directives(text, key):
    return [l.split("=", 1)[1] for l in text.splitlines() if l.startswith(key + "=")]


def test_socket_outlives_service():
    """A restart of the pool keeps the socket (and the requests waiting on it)."""
    sock = unit_text("warsha-fcgi.socket")
    check(not directives(sock, "PartOf") and not directives(sock, "BindsTo"),
          "warsha-fcgi.socket must not follow the service")
    check(directives(sock, "SocketGroup") == ["warsha"] and directives(sock, "SocketMode") == ["0660"],
          "the socket is for group warsha only")
    svc = unit_text("warsha-fcgi.service")
    check(directives(svc, "ExecReload") == ["/bin/kill -HUP $MAINPID"], "ExecReload sends SIGHUP")
    for key, value in (("SystemCallFilter", "@system-service"), ("ProtectProc", "invisible"),
                       ("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("PrivateTmp", "yes")):
        check(value in directives(svc, key), "warsha-fcgi.service: %s=%s" % (key, value))


def exec_argv(text, key, specifiers, env):
    """argv of an Exec*= line as systemd would run it (for these units' simple
    quoting): words split, %x specifiers replaced, then $VAR / ${VAR} from env and "$$"
    as "$"."""
    line = directives(text, key)[0]

    def spec(m):
        return "%" if m.group(1) == "%" else specifiers[m.group(1)]

    argv = []
    for w in shlex.split(line):
        w = re.sub(r"%(.)", spec, w)
        w = re.sub(r"\$\$|\$\{(\w+)\}|\$(\w+)$",
                   lambda m: "$" if m.group(0) == "$$" else env.get(m.group(1) or m.group(2), ""), w)
        argv.append(w)
    return argv


class TokenServer(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_POST(self):
        TokenServer.seen.append((self.path, self.headers.get("X-Maintenance-Token")))
        time.sleep(1.0)   # while curl waits, the test reads its command line
        body = b'{"success":true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_maintenance_token_not_in_argv():
    """The maintenance unit's curl sends the token from its credential file: the server
    gets it, and neither curl's command line nor its environment holds it."""
    text = unit_text("warsha-maintenance@.service")
    check(directives(text, "LoadCredential") == ["maintenance-header:/etc/warsha/maintenance.header"],
          "LoadCredential of /etc/warsha/maintenance.header")
    check(not directives(text, "EnvironmentFile") and not directives(text, "Environment"),
          "no token in the environment")
    check(directives(text, "OnFailure") == ["warsha-notify-failure@%n.service"], "OnFailure=")
    token = "t0k3n-" + os.urandom(16).hex()
    srv = http.server.HTTPServer(("127.0.0.1", 0), TokenServer)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        with tempfile.TemporaryDirectory(prefix="warsha-cred-") as creds:
            with open(os.path.join(creds, "maintenance-header"), "w") as f:
                f.write("X-Maintenance-Token: %s\n" % token)
            argv = exec_argv(text, "ExecStart", {"d": creds, "i": "cleanup"}, {})
            argv = [a.replace("http://127.0.0.1/", "http://127.0.0.1:%d/" % srv.server_port) for a in argv]
            p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env={"PATH": "/usr/bin:/bin"})
            time.sleep(0.5)
            cmdline = open("/proc/%d/cmdline" % p.pid, "rb").read()
            environ = open("/proc/%d/environ" % p.pid, "rb").read()
            out, err = p.communicate(timeout=30)
        check(p.returncode == 0, "curl: exit %d %s" % (p.returncode, err))
        check(token.encode() not in cmdline, "the token is on curl's command line: %r" % cmdline)
        check(token.encode() not in environ, "the token is in curl's environment")
        check(TokenServer.seen == [("/api/maintenance/cleanup", token)],
              "the server got %r" % TokenServer.seen)
    finally:
        srv.shutdown()


def test_notify_failure_marks():
    """warsha-notify-failure@.service logs at error priority and writes its mark file."""
    text = unit_text("warsha-notify-failure@.service")
    with tempfile.TemporaryDirectory(prefix="warsha-failed-") as state:
        env = {"PATH": "/usr/bin:/bin", "STATE_DIRECTORY": state, "MONITOR_SERVICE_RESULT": "exit-code",
               "MONITOR_EXIT_CODE": "exited", "MONITOR_EXIT_STATUS": "22"}
        unit = "warsha-maintenance@cleanup.service"
        argv = exec_argv(text, "ExecStart", {"i": unit}, env)
        out = run(argv, env=env)
        check(out.startswith("<3>msg=unit_failed unit=%s result=exit-code exit=exited status=22" % unit),
              "journal line: %r" % out)
        mark = open(os.path.join(state, unit)).read()
        check(re.match(r"^time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ unit=%s result=exit-code exit=exited "
                       r"status=22\n$" % re.escape(unit), mark), "mark file: %r" % mark)


def test_sysusers_tmpfiles():
    """systemd-sysusers and systemd-tmpfiles --root, into a scratch root: the user, www-data
    in its group, and the directories with their owners and modes."""
    lay, dest = tree("usr")
    with tempfile.TemporaryDirectory(prefix="warsha-sysroot-") as root:
        os.makedirs(os.path.join(root, "etc"))
        with open(os.path.join(root, "etc/passwd"), "w") as f:
            f.write("root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n")
        with open(os.path.join(root, "etc/group"), "w") as f:
            f.write("root:x:0:\nwww-data:x:33:\n")
        run(["systemd-sysusers", "--root=" + root, os.path.join(dest, "usr/lib/sysusers.d/warsha.conf")])
        users = {l.split(":")[0]: l.split(":") for l in open(os.path.join(root, "etc/passwd"))}
        groups = {l.split(":")[0]: l.strip().split(":") for l in open(os.path.join(root, "etc/group"))}
        check("warsha" in users and users["warsha"][6].strip() == "/usr/sbin/nologin", "user warsha: %s" % users)
        check("warsha" in groups and "www-data" in groups["warsha"][3].split(","),
              "www-data in group warsha: %s" % groups.get("warsha"))
        if os.geteuid() != 0:
            return   # tmpfiles needs root to chown; the user part is checked
        uid, gid = int(users["warsha"][2]), int(groups["warsha"][2])
        run(["systemd-tmpfiles", "--create", "--root=" + root, os.path.join(dest, "usr/lib/tmpfiles.d/warsha.conf")])
        for path, owner, mode in (("etc/warsha", (0, gid), 0o750),
                                  ("var/lib/warsha", (uid, gid), 0o750),
                                  ("var/lib/warsha/uploads", (uid, gid), 0o750),
                                  ("var/lib/warsha/spool", (uid, gid), 0o750),
                                  ("var/log/warsha", (uid, gid), 0o750)):
            st = os.stat(os.path.join(root, path))
            check((st.st_uid, st.st_gid) == owner and stat.S_IMODE(st.st_mode) == mode,
                  "/%s: %d:%d %o, expected %d:%d %o" % (path, st.st_uid, st.st_gid,
                                                        stat.S_IMODE(st.st_mode), owner[0], owner[1], mode))


# ------------------------------------------------------------------ runner

def main():
    only = set(sys.argv[1:])
    tests = [(n, f) for n, f in globals().items() if n.startswith("test_") and callable(f)]
    failed = 0
    for name, fn in tests:
        if only and name not in only:
            continue
        start = time.time()
        try:
            fn()
            print("ok %s (%.1f s)" % (name, time.time() - start), flush=True)
        except TestFailure as e:
            failed += 1
            print("FAIL %s: %s" % (name, e), flush=True)
        except Exception:
            failed += 1
            print("FAIL %s:\n%s" % (name, traceback.format_exc()), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
