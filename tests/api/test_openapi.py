#!/usr/bin/env python3
"""static/openapi.yaml describes exactly the routes of fcgi/api/routes.c.

A static test: it needs no running server (so it never reports "skipped"). It reads the
route table and the OpenAPI document and fails, printing every disagreement, when

  - a route of the table has no operation in the document, or the document has an
    operation that is not in the table;
  - a path parameter differs (":id" in the table, "{id}" in the document), or a
    "{name}" of a path is not declared as a required path parameter ({id} as an integer);
  - an operationId is not the handler's name. OpenAPI wants operationIds unique, so
    when one handler serves several rows, the first row (in table order, methods in
    the order written) carries the bare name and the later ones "<handler>__<alias>";
    x-handler always holds the bare name;
  - x-roles differ from the roles the row admits ("public" for ROUTE_PUBLIC);
  - x-route-flags differ from the row's flags (ROUTE_OPTIONAL_AUTH -> optional-auth,
    ROUTE_MAINTENANCE -> maintenance), or the operation's security does not match its
    roles and flags;
  - the error codes of components/schemas/ErrorCode differ from fcgi/core/http.c's
    table;
  - an operation lacks nginx's own answers, 502 and 504 (components/responses/
    BadGateway and GatewayTimeout, in the common Error shape), the list envelope's data
    has no items, or servers do not describe /api/v1;
  - a "$ref" points at nothing, a tag is undeclared, or the document does not parse.

The standard library has no YAML parser, so this file carries a small one for the
regular subset of YAML that static/openapi.yaml keeps to (and says it keeps to, in its
opening comment): block mappings and sequences with two-space indentation, plain and
quoted scalars, flow sequences of scalars, block scalars (| and >), and no anchors,
aliases, tags or flow mappings other than {}. Anything outside that subset is an
error with its line number, so the file cannot drift into a shape this test misreads.

Usage: test_openapi.py [--routes FILE] [--openapi FILE]
The source tree is $WARSHA_SOURCE_DIR (CMake sets it) or two levels above this file.
"""

import argparse
import os
import re
import sys

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
ROLE_WORDS = ("customer", "technician", "admin", "moderator", "corporate")
PATH_ITEM_KEYS = set(HTTP_METHODS) | {"parameters", "summary", "description", "servers", "$ref"}


# --------------------------------------------------------------------------------------
# A parser for the YAML subset of static/openapi.yaml

class YamlError(Exception):
    pass


class Map(dict):
    """A mapping that remembers the line of each key."""

    def __init__(self):
        super().__init__()
        self.lines = {}


class Seq(list):
    def __init__(self):
        super().__init__()
        self.lines = []


class Line:
    __slots__ = ("no", "raw", "indent", "text")

    def __init__(self, no, raw, indent=None, text=None):
        self.no = no
        self.raw = raw
        if indent is None:
            stripped = raw.lstrip(" ")
            indent = len(raw) - len(stripped)
            text = stripped.rstrip()
        self.indent = indent
        self.text = text

    def blank_or_comment(self):
        return self.text == "" or self.text.startswith("#")


_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")
_PLAIN_BAD_START = set("&*!%@`|>{}[],?#'\"")


class MiniYaml:
    def __init__(self, text, name):
        self.name = name
        self.lines = [Line(i + 1, raw) for i, raw in enumerate(text.split("\n"))]
        self.i = 0

    def error(self, line, msg):
        no = line.no if isinstance(line, Line) else line
        raise YamlError("%s:%s: %s" % (self.name, no, msg))

    # -- lines

    def peek(self):
        while self.i < len(self.lines):
            ln = self.lines[self.i]
            if "\t" in ln.raw[:len(ln.raw) - len(ln.raw.lstrip(" \t"))]:
                self.error(ln, "tab in indentation")
            if ln.blank_or_comment():
                self.i += 1
                continue
            return ln
        return None

    # -- structure

    def parse(self):
        first = self.peek()
        if first is None:
            self.error(1, "empty document")
        if first.text.startswith("%") or first.text in ("---", "..."):
            self.error(first, "directives and document markers are not used in this file")
        if first.indent != 0:
            self.error(first, "the document must start at column 0")
        node = self.block(0)
        rest = self.peek()
        if rest is not None:
            self.error(rest, "unexpected content (indentation %d)" % rest.indent)
        return node

    def block(self, indent):
        ln = self.peek()
        if ln.indent % 2:
            self.error(ln, "indentation of %d is not a multiple of two" % ln.indent)
        if self.is_seq_item(ln.text):
            return self.seq(indent)
        return self.mapping(indent)

    @staticmethod
    def is_seq_item(text):
        return text == "-" or text.startswith("- ")

    def mapping(self, indent):
        out = Map()
        while True:
            ln = self.peek()
            if ln is None or ln.indent < indent:
                return out
            if ln.indent > indent:
                self.error(ln, "unexpected indentation (expected %d, found %d)" % (indent, ln.indent))
            if self.is_seq_item(ln.text):
                return out  # "key:\n- item" at the parent's indentation ends here
            key, rest = self.split_key(ln)
            self.i += 1
            if key in out:
                self.error(ln, "duplicate key %r (first on line %d)" % (key, out.lines[key]))
            out[key] = self.value(rest, indent, ln)
            out.lines[key] = ln.no

    def seq(self, indent):
        out = Seq()
        while True:
            ln = self.peek()
            if ln is None or ln.indent < indent:
                return out
            if ln.indent > indent:
                self.error(ln, "unexpected indentation (expected %d, found %d)" % (indent, ln.indent))
            if not self.is_seq_item(ln.text):
                return out
            body = ln.text[1:].lstrip(" ")
            item_indent = ln.indent + (len(ln.text) - len(body))
            out.lines.append(ln.no)
            if body == "" or body.startswith("#"):
                self.i += 1
                nxt = self.peek()
                if nxt is not None and nxt.indent > indent:
                    out.append(self.block(nxt.indent))
                else:
                    out.append(None)
            elif self.is_seq_item(body):
                self.error(ln, "nested '- -' sequences are not used in this file")
            elif self.looks_like_key(body, ln):
                # "- key: value" opens a mapping whose keys sit at item_indent
                if item_indent % 2:
                    self.error(ln, "indentation of %d is not a multiple of two" % item_indent)
                self.lines[self.i] = Line(ln.no, ln.raw, item_indent, body)
                out.append(self.mapping(item_indent))
            else:
                self.i += 1
                out.append(self.scalar(body, ln))

    def value(self, rest, indent, ln):
        if rest == "" or rest.startswith("#"):
            nxt = self.peek()
            if nxt is not None and nxt.indent > indent:
                return self.block(nxt.indent)
            if nxt is not None and nxt.indent == indent and self.is_seq_item(nxt.text):
                return self.seq(indent)
            return None
        header = rest.split(" #", 1)[0].strip()
        if re.match(r"^[|>][-+]?$", header):
            return self.block_scalar(header, indent, ln)
        return self.scalar(rest, ln)

    def block_scalar(self, header, indent, ln):
        # the key line is consumed already; the content is every following line that is
        # blank or indented deeper than the key
        body = []
        block_indent = None
        while self.i < len(self.lines):
            cur = self.lines[self.i]
            if cur.text == "":
                body.append("")
                self.i += 1
                continue
            if cur.indent <= indent:
                break
            if block_indent is None:
                block_indent = cur.indent
            if cur.indent < block_indent:
                self.error(cur, "block scalar line indented less than its first line")
            body.append(cur.raw[block_indent:].rstrip())
            self.i += 1
        while body and body[-1] == "":
            body.pop()
        if header[0] == "|":
            text = "\n".join(body)
        else:
            paras, cur = [], []
            for b in body:
                if b == "":
                    paras.append(" ".join(cur))
                    cur = []
                else:
                    cur.append(b.strip())
            paras.append(" ".join(cur))
            text = "\n".join(paras)
        return text if header.endswith("-") else text + "\n"

    # -- scalars and keys

    def quoted(self, s, ln):
        """Parses a quoted scalar at the start of s; returns (value, remainder)."""
        q = s[0]
        i, out = 1, []
        while i < len(s):
            c = s[i]
            if q == "'" and c == "'":
                if i + 1 < len(s) and s[i + 1] == "'":
                    out.append("'")
                    i += 2
                    continue
                return "".join(out), s[i + 1:]
            if q == '"' and c == "\\":
                if i + 1 >= len(s):
                    break
                esc = s[i + 1]
                table = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "/": "/", "0": "\0"}
                if esc in table:
                    out.append(table[esc])
                    i += 2
                    continue
                if esc == "u" and re.match(r"^[0-9a-fA-F]{4}$", s[i + 2:i + 6]):
                    out.append(chr(int(s[i + 2:i + 6], 16)))
                    i += 6
                    continue
                self.error(ln, "unsupported escape \\%s" % esc)
            if q == '"' and c == '"':
                return "".join(out), s[i + 1:]
            out.append(c)
            i += 1
        self.error(ln, "unterminated quoted scalar (multi-line quoted scalars are not used)")

    @staticmethod
    def after_value_ok(rest):
        rest = rest.strip()
        return rest == "" or rest.startswith("#")

    def looks_like_key(self, text, ln):
        if text[0] in "'\"":
            _, rest = self.quoted(text, ln)
            return rest.startswith(":") and (len(rest) == 1 or rest[1] == " ")
        return re.search(r": |:$", text) is not None

    def split_key(self, ln):
        text = ln.text
        if text.startswith("? "):
            self.error(ln, "complex keys are not used in this file")
        if text[0] in "'\"":
            key, rest = self.quoted(text, ln)
            if not rest.startswith(":") or (len(rest) > 1 and rest[1] != " "):
                self.error(ln, "expected ':' after the quoted key")
            return key, rest[1:].strip()
        m = re.search(r": |:$", text)
        if m is None:
            self.error(ln, "expected 'key: value' in a mapping")
        key = text[:m.start()]
        if key == "" or key[0] in _PLAIN_BAD_START:
            self.error(ln, "unsupported key %r" % key)
        if " #" in key:
            self.error(ln, "comment inside a key")
        return key, text[m.end():].strip()

    def scalar(self, s, ln):
        s = s.strip()
        if s[0] in "'\"":
            value, rest = self.quoted(s, ln)
            if not self.after_value_ok(rest):
                self.error(ln, "unexpected text after a quoted scalar: %r" % rest.strip())
            return value
        if s.startswith("["):
            return self.flow_seq(s, ln)
        if s.startswith("{"):
            body = s.split("#", 1)[0].strip() if " #" in s else s
            if body == "{}":
                return Map()
            self.error(ln, "flow mappings are not used in this file (only {})")
        if s[0] in _PLAIN_BAD_START or s.startswith("- "):
            self.error(ln, "unsupported plain scalar starting with %r (quote it)" % s[0])
        if " #" in s:
            s = s.split(" #", 1)[0].rstrip()
        if ": " in s or s.endswith(":"):
            self.error(ln, "': ' inside a plain scalar (quote it or use a block scalar)")
        return self.resolve(s)

    def flow_seq(self, s, ln):
        end = s.rfind("]")
        if end < 0 or not self.after_value_ok(s[end + 1:]):
            self.error(ln, "flow sequence must end the line")
        inner = s[1:end].strip()
        out = Seq()
        if inner == "":
            return out
        i = 0
        while i <= len(inner):
            rest = inner[i:].lstrip()
            i = len(inner) - len(rest)
            if rest == "":
                self.error(ln, "empty item in a flow sequence")
            if rest[0] in "'\"":
                value, after = self.quoted(rest, ln)
                out.append(value)
                after = after.lstrip()
                i = len(inner) - len(after)
            else:
                m = re.match(r"[^,\[\]{}]*", rest)
                item = m.group(0).strip()
                if item == "" or item[0] in _PLAIN_BAD_START or ": " in item:
                    self.error(ln, "unsupported item in a flow sequence: %r" % item)
                out.append(self.resolve(item))
                after = rest[m.end():]
                i = len(inner) - len(after)
            if after == "":
                break
            if not after.startswith(","):
                self.error(ln, "expected ',' in a flow sequence")
            i += 1
        return out

    @staticmethod
    def resolve(s):
        if s in ("null", "Null", "NULL", "~"):
            return None
        if s in ("true", "True", "TRUE"):
            return True
        if s in ("false", "False", "FALSE"):
            return False
        if _INT.match(s):
            return int(s)
        if _FLOAT.match(s):
            return float(s)
        return s


def shown(path):
    """path relative to the current directory (the source tree) when inside it."""
    rel = os.path.relpath(path)
    return os.path.abspath(path) if rel.startswith("..") else rel


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return MiniYaml(text, shown(path)).parse()


# --------------------------------------------------------------------------------------
# The route table

def strip_c_comments(src):
    """Blanks out comments, keeping offsets (and so line numbers) and string literals."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if c == '"':
            j = i + 1
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def role_model(root):
    """ROLE_* bit names -> role words (router.c's table) and the multi-role macros
    (http.h's #defines), so ROLE_ANY and ROLE_STAFF are expanded from the source."""
    names = {}
    router = strip_c_comments(read(os.path.join(root, "fcgi/core/router.c")))
    for m in re.finditer(r"\{\s*(ROLE_[A-Z_]+)\s*,\s*\"([a-z]+)\"\s*\}", router):
        names[m.group(1)] = m.group(2)
    if not names:
        names = {"ROLE_" + w.upper(): w for w in ROLE_WORDS}
    macros = {}
    http_h = strip_c_comments(read(os.path.join(root, "fcgi/core/http.h")))
    for m in re.finditer(r"#define\s+(ROLE_[A-Z_]+)\s+\(?([A-Z_|\s]+)\)?\s*\n", http_h):
        macros[m.group(1)] = [t.strip() for t in m.group(2).split("|") if t.strip()]
    return names, macros


class Route:
    def __init__(self, line, methods, pattern, handler, roles, flags):
        self.line = line
        self.methods = methods
        self.pattern = pattern
        self.handler = handler
        self.roles = roles
        self.flags = flags


def expand_roles(expr, names, macros, problems, where):
    tokens = [t.strip() for t in expr.split("|")]
    out = set()
    public = False

    def add(tok, depth=0):
        nonlocal public
        if tok in ("ROUTE_PUBLIC", "0"):
            public = True
        elif tok in names:
            out.add(names[tok])
        elif tok in macros and depth < 8:
            for t in macros[tok]:
                add(t, depth + 1)
        else:
            problems.append("%s: unknown role %r" % (where, tok))

    for tok in tokens:
        add(tok)
    if public and out:
        problems.append("%s: ROUTE_PUBLIC combined with roles %s" % (where, sorted(out)))
    return {"public"} if public and not out else out


def flag_word(tok):
    # ROUTE_OPTIONAL_AUTH -> optional-auth, ROUTE_MAINTENANCE -> maintenance
    return tok[len("ROUTE_"):].lower().replace("_", "-")


def parse_routes(path, root, problems):
    src = strip_c_comments(read(path))
    rel = shown(path)
    m = re.search(r"app_routes\s*\[\s*\]\s*=\s*\{", src)
    if m is None:
        problems.append("%s: no 'app_routes[] = {' table" % rel)
        return []
    start = m.end()
    end = src.find("};", start)
    if end < 0:
        problems.append("%s: the app_routes table does not end" % rel)
        return []
    names, macros = role_model(root)
    method_words = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
    # { METHODS, "pattern", handler, ROLES, FLAGS[, .body = &x, .query = &y, .legacy = h] }
    row_re = re.compile(r"^\{\s*([A-Z_|\s]+?)\s*,\s*\"([^\"]*)\"\s*,\s*([A-Za-z_]\w*)\s*,"
                        r"\s*([A-Z_0-9|\s]+?)\s*,\s*([A-Z_0-9|\s]+?)\s*"
                        r"((?:,\s*\.\w+\s*=\s*&?\w+\s*)*),?\s*\}$", re.S)
    routes = []
    for row in re.finditer(r"\{[^{}]*\}", src[start:end]):
        line = src.count("\n", 0, start + row.start()) + 1
        where = "%s:%d" % (rel, line)
        rm = row_re.match(row.group(0))
        if rm is None:
            problems.append("%s: cannot read the row %s" % (where, " ".join(row.group(0).split())))
            continue
        methods = []
        for tok in (t.strip() for t in rm.group(1).split("|")):
            word = tok[5:] if tok.startswith("HTTP_") else tok
            if word not in method_words:
                problems.append("%s: unknown method %r" % (where, tok))
                continue
            methods.append(word)
        flags = set()
        for tok in (t.strip() for t in rm.group(5).split("|")):
            if tok == "0":
                continue
            if not tok.startswith("ROUTE_"):
                problems.append("%s: unknown flag %r" % (where, tok))
                continue
            flags.add(flag_word(tok))
        roles = expand_roles(rm.group(4), names, macros, problems, where)
        handler = rm.group(3)
        legacy = re.search(r"\.legacy\s*=\s*(\w+)", rm.group(6) or "")
        if handler == "NULL" and legacy is not None:
            handler = legacy.group(1)
        routes.append(Route(line, methods, rm.group(2), handler, roles, flags))
    if not routes:
        problems.append("%s: the app_routes table has no rows" % rel)
    return routes


def openapi_path(pattern):
    return re.sub(r":([A-Za-z_][A-Za-z0-9_]*)", r"{\1}", pattern)


def path_shape(path):
    """/api/users/{id} and /api/users/:userId both -> /api/users/{}"""
    return re.sub(r"\{[^}/]*\}|:[A-Za-z_][A-Za-z0-9_]*", "{}", path)


def path_params(path):
    return re.findall(r"\{([^}/]*)\}", path)


# --------------------------------------------------------------------------------------
# Checks

def resolve_pointer(doc, ref):
    node = doc
    for part in ref[2:].split("/") if ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None, False
    return node, True


def walk(node, path=""):
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, path + "/" + str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, path + "/" + str(i))


def deref(doc, node):
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 16:
        target, ok = resolve_pointer(doc, node["$ref"]) if isinstance(node["$ref"], str) \
            and node["$ref"].startswith("#/") else (None, False)
        if not ok:
            return None
        node = target
        seen += 1
    return node


def as_list(v):
    if v is None:
        return []
    return list(v) if isinstance(v, list) else [v]


def check_refs(doc, spec_rel, problems):
    for path, node in walk(doc):
        if isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if isinstance(node, Map) and "$ref" in node.lines:
                path = "%d: %s" % (node.lines["$ref"], path)
            if not isinstance(ref, str):
                problems.append("%s:%s: $ref is not a string" % (spec_rel, path))
            elif ref.startswith("#"):
                if not ref.startswith("#/components/"):
                    problems.append("%s:%s: $ref %s is not under #/components/" % (spec_rel, path, ref))
                _, ok = resolve_pointer(doc, ref)
                if not ok:
                    problems.append("%s:%s: $ref %s points at nothing" % (spec_rel, path, ref))
            else:
                problems.append("%s:%s: external $ref %s (the document is self-contained)"
                                % (spec_rel, path, ref))


def expected_security(route):
    if "maintenance" in route.flags:
        return [{"maintenanceToken"}]
    if route.roles == {"public"}:
        if "optional-auth" in route.flags:
            return [set(), {"bearerAuth"}, {"cookieAuth"}]
        return []
    return [{"bearerAuth"}, {"cookieAuth"}]


def security_of(op):
    sec = op.get("security")
    if sec is None:
        return None
    if not isinstance(sec, list):
        return "not a list"
    out = []
    for req in sec:
        if not isinstance(req, dict):
            return "not a list of mappings"
        out.append(set(req.keys()))
    return out


def sec_text(sec):
    return "[" + ", ".join("{" + ", ".join(sorted(s)) + "}" for s in sec) + "]"


def check(routes, doc, spec_rel, routes_rel, root, problems):
    if not isinstance(doc, dict):
        problems.append("%s: the document is not a mapping" % spec_rel)
        return 0
    if not str(doc.get("openapi", "")).startswith("3.1"):
        problems.append("%s: openapi: must be 3.1.x (found %r)" % (spec_rel, doc.get("openapi")))
    paths = doc.get("paths")
    if not isinstance(paths, dict) or not paths:
        problems.append("%s: no paths" % spec_rel)
        return 0

    # every operation of the document
    doc_ops = {}
    for p, item in paths.items():
        line = paths.lines.get(p, "?") if isinstance(paths, Map) else "?"
        if not isinstance(p, str) or not p.startswith("/"):
            problems.append("%s:%s: path %r does not start with /" % (spec_rel, line, p))
            continue
        if not isinstance(item, dict):
            problems.append("%s:%s: path %s is not a mapping" % (spec_rel, line, p))
            continue
        for k, op in item.items():
            kline = item.lines.get(k, line) if isinstance(item, Map) else line
            if k not in PATH_ITEM_KEYS and not str(k).startswith("x-"):
                problems.append("%s:%s: %s: unknown key %r under a path (a misindented "
                                "operation?)" % (spec_rel, kline, p, k))
            if k in HTTP_METHODS:
                if not isinstance(op, dict):
                    problems.append("%s:%s: %s %s is not a mapping" % (spec_rel, kline, k.upper(), p))
                    continue
                doc_ops[(k.upper(), p)] = (op, item, kline)

    # every (method, path) of the table, and the operationId it should carry
    want = {}
    first_of_handler = set()
    for rt in routes:
        p = openapi_path(rt.pattern)
        for meth in rt.methods:
            key = (meth, p)
            if key in want:
                problems.append("%s:%d: %s %s repeats the row on line %d (unreachable)"
                                % (routes_rel, rt.line, meth, rt.pattern, want[key][0].line))
                continue
            bare = rt.handler not in first_of_handler
            first_of_handler.add(rt.handler)
            want[key] = (rt, bare)

    # missing and extra operations; a renamed path parameter is told apart
    by_shape_doc = {}
    for (meth, p) in doc_ops:
        by_shape_doc.setdefault((meth, path_shape(p)), []).append(p)
    matched_doc = set()
    for (meth, p), (rt, bare) in want.items():
        if (meth, p) in doc_ops:
            matched_doc.add((meth, p))
            continue
        near = [q for q in by_shape_doc.get((meth, path_shape(p)), []) if (meth, q) not in want]
        if near:
            problems.append("%s:%d: %s %s: the path parameters differ; the description has %s %s"
                            % (routes_rel, rt.line, meth, rt.pattern, meth, near[0]))
            matched_doc.add((meth, near[0]))
        else:
            problems.append("%s:%d: %s %s (%s) is missing from %s"
                            % (routes_rel, rt.line, meth, rt.pattern, rt.handler, spec_rel))
    for (meth, p), (op, item, line) in doc_ops.items():
        if (meth, p) not in matched_doc:
            problems.append("%s:%s: %s %s (operationId %s) is not in %s"
                            % (spec_rel, line, meth, p, op.get("operationId"), routes_rel))

    # the operations that match a row
    declared_tags = {t.get("name") for t in as_list(doc.get("tags")) if isinstance(t, dict)}
    op_ids = {}
    for (meth, p), (op, item, line) in doc_ops.items():
        where = "%s:%s: %s %s" % (spec_rel, line, meth, p)
        oid = op.get("operationId")
        if oid is None:
            problems.append("%s: no operationId" % where)
        elif oid in op_ids:
            problems.append("%s: operationId %s is also used by %s" % (where, oid, op_ids[oid]))
        else:
            op_ids[oid] = "%s %s" % (meth, p)
        if not op.get("summary"):
            problems.append("%s: no summary" % where)
        tags = as_list(op.get("tags"))
        if not tags:
            problems.append("%s: no tags" % where)
        for t in tags:
            if t not in declared_tags:
                problems.append("%s: tag %r is not declared in the top-level tags" % (where, t))
        if not isinstance(op.get("responses"), dict) or not op.get("responses"):
            problems.append("%s: no responses" % where)

        # path parameters: declared, required, {id} an integer
        declared = {}
        for prm in as_list(item.get("parameters")) + as_list(op.get("parameters")):
            prm = deref(doc, prm)
            if isinstance(prm, dict) and prm.get("in") == "path":
                declared[prm.get("name")] = prm
        for name in path_params(p):
            prm = declared.get(name)
            if prm is None:
                problems.append("%s: path parameter {%s} is not declared (in: path)" % (where, name))
                continue
            if prm.get("required") is not True:
                problems.append("%s: path parameter {%s} is not required: true" % (where, name))
            if name == "id" or name.endswith("Id"):
                schema = deref(doc, prm.get("schema"))
                if not isinstance(schema, dict) or schema.get("type") != "integer":
                    problems.append("%s: path parameter {%s} is not an integer" % (where, name))
        for name in declared:
            if name not in path_params(p):
                problems.append("%s: parameter %r is declared in: path but not in the path"
                                % (where, name))

        key = (meth, p)
        if key not in want:
            # a renamed path parameter: compare with the row of the same shape
            cands = [k for k in want if k[0] == meth and path_shape(k[1]) == path_shape(p)
                     and k not in doc_ops]
            if not cands:
                continue
            key = cands[0]
        rt, bare = want[key]
        rwhere = "%s (%s:%d)" % (where, routes_rel, rt.line)

        if oid is not None:
            if bare and oid != rt.handler:
                problems.append("%s: operationId is %s, the handler is %s"
                                % (rwhere, oid, rt.handler))
            elif not bare and not re.fullmatch(re.escape(rt.handler) + r"__[a-z0-9_]+", str(oid)):
                problems.append("%s: operationId is %s; %s serves an earlier row, so this one "
                                "must be %s__<alias>" % (rwhere, oid, rt.handler, rt.handler))
        if op.get("x-handler") != rt.handler:
            problems.append("%s: x-handler is %s, the handler is %s"
                            % (rwhere, op.get("x-handler"), rt.handler))

        xr = op.get("x-roles")
        if xr is None:
            problems.append("%s: no x-roles (routes.c admits %s)" % (rwhere, sorted(rt.roles)))
        else:
            xr = as_list(xr)
            bad = [r for r in xr if r not in ROLE_WORDS and r != "public"]
            if bad:
                problems.append("%s: x-roles has unknown words %s" % (rwhere, bad))
            if len(set(xr)) != len(xr):
                problems.append("%s: x-roles repeats a role" % rwhere)
            if set(xr) != rt.roles:
                problems.append("%s: x-roles are %s, routes.c admits %s"
                                % (rwhere, sorted(set(xr)), sorted(rt.roles)))

        xf = set(as_list(op.get("x-route-flags")))
        if xf != rt.flags:
            problems.append("%s: x-route-flags are %s, routes.c has %s"
                            % (rwhere, sorted(xf), sorted(rt.flags)))

        sec = security_of(op)
        exp = expected_security(rt)
        if sec is None:
            problems.append("%s: no security (expected %s)" % (rwhere, sec_text(exp)))
        elif isinstance(sec, str):
            problems.append("%s: security is %s" % (rwhere, sec))
        elif sorted(map(sorted, sec)) != sorted(map(sorted, exp)):
            problems.append("%s: security is %s, expected %s for roles %s flags %s"
                            % (rwhere, sec_text(sec), sec_text(exp), sorted(rt.roles),
                               sorted(rt.flags)))

    # the security schemes the operations name
    schemes = (doc.get("components") or {}).get("securitySchemes") or {}
    for name, kind, field, value in (("bearerAuth", "http", "scheme", "bearer"),
                                     ("cookieAuth", "apiKey", "name", "accessToken"),
                                     ("maintenanceToken", "apiKey", "name", "X-Maintenance-Token")):
        s = schemes.get(name)
        if not isinstance(s, dict) or s.get("type") != kind or s.get(field) != value:
            problems.append("%s: components/securitySchemes/%s must be %s with %s %s"
                            % (spec_rel, name, kind, field, value))

    # error codes: http.c's table and ErrorCode's enum
    http_c = strip_c_comments(read(os.path.join(root, "fcgi/core/http.c")))
    codes = set(re.findall(r"\[ERR_[A-Z_]+\]\s*=\s*\{\s*[45]\d\d\s*,\s*\"([A-Z_]+)\"", http_c))  # errors only, not ERR_OK
    enum = ((((doc.get("components") or {}).get("schemas") or {}).get("ErrorCode") or {})
            .get("enum"))
    if not codes:
        problems.append("fcgi/core/http.c: cannot read the error table")
    elif enum is None:
        problems.append("%s: components/schemas/ErrorCode has no enum" % spec_rel)
    elif set(enum) != codes:
        problems.append("%s: components/schemas/ErrorCode differs from fcgi/core/http.c: "
                        "missing %s, extra %s" % (spec_rel, sorted(codes - set(enum)),
                                                  sorted(set(enum) - codes)))

    check_nginx_answers(doc, doc_ops, spec_rel, problems)
    check_refs(doc, spec_rel, problems)
    return len(doc_ops)


def check_nginx_answers(doc, doc_ops, spec_rel, problems):
    """What nginx adds in front of every operation (nginx/snippets/warsha-site.conf):
    502 and 504 in the common error shape; the list envelope's items; /api/v1."""
    comps = doc.get("components") or {}
    responses = comps.get("responses") or {}
    for name, status in (("BadGateway", "502"), ("GatewayTimeout", "504")):
        r = responses.get(name)
        if not isinstance(r, dict) or not str(r.get("description", "")).startswith(status + " UNAVAILABLE"):
            problems.append("%s: components/responses/%s must describe %s UNAVAILABLE"
                            % (spec_rel, name, status))
            continue
        schema = ((((r.get("content") or {}).get("application/json") or {}).get("schema")) or {})
        if schema.get("$ref") != "#/components/schemas/Error":
            problems.append("%s: components/responses/%s: the body is not the common Error shape"
                            % (spec_rel, name))
    for (meth, p), (op, item, line) in sorted(doc_ops.items(), key=lambda kv: str(kv[1][2])):
        rs = op.get("responses") or {}
        for status, name in (("502", "BadGateway"), ("504", "GatewayTimeout")):
            r = rs.get(status)
            if not isinstance(r, dict) or r.get("$ref") != "#/components/responses/" + name:
                problems.append("%s:%s: %s %s: responses lack '%s': $ref "
                                "'#/components/responses/%s' (nginx answers it when the pool is "
                                "down or slow)" % (spec_rel, line, meth, p, status, name))
    env = (comps.get("schemas") or {}).get("ListEnvelope") or {}
    data = None
    for part in as_list(env.get("allOf")):
        if isinstance(part, dict) and isinstance(part.get("properties"), dict):
            data = part["properties"].get("data")
    if not isinstance(data, dict) or data.get("type") != "array" or not isinstance(data.get("items"), dict):
        problems.append("%s: components/schemas/ListEnvelope: data must be an array with items"
                        % spec_rel)
    servers = as_list(doc.get("servers"))
    if not any(isinstance(sv, dict) and "/api/v1" in str(sv.get("description", "")) for sv in servers):
        problems.append("%s: servers: no description of /api/v1" % spec_rel)


def source_root():
    env = os.environ.get("WARSHA_SOURCE_DIR")
    if env:
        return os.path.abspath(env)
    return os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--routes", help="the route table (default fcgi/api/routes.c)")
    ap.add_argument("--openapi", help="the description (default static/openapi.yaml)")
    args = ap.parse_args(argv)
    root = source_root()
    routes_path = args.routes or os.path.join(root, "fcgi/api/routes.c")
    spec_path = args.openapi or os.path.join(root, "static/openapi.yaml")
    os.chdir(root)
    routes_rel, spec_rel = shown(routes_path), shown(spec_path)

    problems = []
    for p in (routes_path, spec_path):
        if not os.path.isfile(p):
            print("FAIL: %s does not exist" % p)
            return 1
    routes = parse_routes(routes_path, root, problems)
    try:
        doc = load_yaml(spec_path)
    except YamlError as e:
        print("FAIL: %s does not parse: %s" % (spec_rel, e))
        return 1
    nops = check(routes, doc, spec_rel, routes_rel, root, problems)

    if problems:
        for p in problems:
            print("FAIL: " + p)
        print("%d disagreement(s) between %s and %s" % (len(problems), routes_rel, spec_rel))
        return 1
    nrows = sum(len(r.methods) for r in routes)
    print("ok: %d operations of %s match the %d routes of %s" % (nops, spec_rel, nrows, routes_rel))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
