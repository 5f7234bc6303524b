#!/usr/bin/env python3
"""warsha-template, black-box: a template directory made in a temporary directory,
rendered, then each kind of failure with its exit status and message.

usage: test_template_cli.py PATH/TO/warsha-template"""
import json
import os
import subprocess
import sys
import tempfile

BIN = sys.argv[1]
failures = 0


def run(*args, stdin=None):
    p = subprocess.run([BIN, *args], input=stdin, capture_output=True, timeout=30)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def check(what, cond, detail=""):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures += 1
        if detail:
            print("     " + detail.replace("\n", "\n     "))


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


with tempfile.TemporaryDirectory(prefix="warsha-template-") as tmp:
    tpl = os.path.join(tmp, "templates")
    write(tpl, "email/welcome.ar.html.mustache",
          '<p dir="rtl">مرحباً {{name}}</p>\n{{#items}}\n  {{> item}}\n{{/items}}\n')
    write(tpl, "email/item.mustache", "<li>{{title}}: {{price}}</li>\n")
    write(tpl, "admin/page.mustache", "{{{html}}}|{{html}}")
    data = os.path.join(tmp, "data.json")
    with open(data, "w", encoding="utf-8") as f:
        json.dump({"name": "<سارة>", "items": [{"title": "حجز", "price": 150.5},
                                              {"title": "B&B", "price": 20}]}, f)

    rc, out, err = run("render", tpl, "email/welcome.ar.html", data)
    check("renders, escaped, partial indented", rc == 0 and out ==
          '<p dir="rtl">مرحباً &lt;سارة&gt;</p>\n  <li>حجز: 150.5</li>\n  <li>B&amp;B: 20</li>\n',
          f"rc={rc} out={out!r} err={err!r}")
    rc, out2, _ = run("render", tpl, "email/welcome.ar.html.mustache", data)
    check("the file name works too", rc == 0 and out2 == out)
    rc, out, _ = run("render", tpl, "admin/page", "-", stdin=b'{"html": "<b>"}')
    check("data from stdin", rc == 0 and out == "<b>|&lt;b&gt;", f"rc={rc} out={out!r}")

    rc, out, _ = run("--version")
    check("--version", rc == 0 and out.startswith("warsha-template "), out)
    rc, out, _ = run("--help")
    check("--help", rc == 0 and "render TEMPLATE_DIR NAME DATA.json" in out, out)

    for args in [(), ("--bogus",), ("draw", tpl, "x", data), ("render", tpl, "x")]:
        rc, _, err = run(*args)
        check(f"usage error {args[:1]} exits 2", rc == 2 and "usage:" in err, f"rc={rc} {err}")

    rc, _, err = run("render", tpl, "email/nope", data)
    check("unknown template exits 1", rc == 1 and "no template" in err and "email/nope" in err, err)
    rc, _, err = run("render", tpl, "admin/page", os.path.join(tmp, "missing.json"))
    check("missing data file exits 1", rc == 1 and "missing.json" in err, err)
    rc, _, err = run("render", tpl, "admin/page", "-", stdin=b'{"html": ')
    check("bad JSON exits 1", rc == 1 and "not JSON" in err, err)
    rc, out, _ = run("render", tpl, "admin/page", "-", stdin=b"null")
    check("null data renders empty values", rc == 0 and out == "|", repr(out))

    # a template error names file:line:column
    write(tpl, "email/broken.mustache", "ok\n{{#items}}\n{{/item}}\n")
    rc, _, err = run("render", tpl, "email/welcome.ar.html", data)
    check("parse error exits 1 naming file:line",
          rc == 1 and f"{tpl}/email/broken.mustache:3:1:" in err and "{{/item}}" in err, err)
    os.remove(os.path.join(tpl, "email/broken.mustache"))
    write(tpl, "admin/uses.mustache", "x\n  {{> admin/nothing}}\n")
    rc, _, err = run("render", tpl, "admin/page", data)
    check("missing partial exits 1 naming file:line",
          rc == 1 and f"{tpl}/admin/uses.mustache:2:3:" in err and "nothing" in err, err)
    os.remove(os.path.join(tpl, "admin/uses.mustache"))
    write(tpl, "admin/loop.mustache", "{{> loop}}")
    rc, _, err = run("render", tpl, "admin/loop", data)
    check("render error exits 1 naming file:line",
          rc == 1 and f"{tpl}/admin/loop.mustache:1:1:" in err and "nested" in err, err)
    rc, _, err = run("render", os.path.join(tmp, "none"), "x", data)
    check("missing directory exits 1", rc == 1 and "cannot open directory" in err, err)

print(f"test_template_cli: {failures} failed")
sys.exit(1 if failures else 0)
