#!/usr/bin/env python3
"""Make a pseudo-locale catalogue from the template: every msgstr is its
msgid inside ⟦ ⟧, so a screen in this locale shows at a glance any text that
did not come through gettext. Usage: pseudo-po.py TEMPLATE.pot OUT.mo"""
import ast
import os
import re
import subprocess
import sys
import tempfile


def parse(path):
    entries, cur, key = [], {}, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            if cur.get("msgid") is not None and not line.strip():
                entries.append(cur)
                cur, key = {}, None
            continue
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$', line)
        if m:
            key = m.group(1)
            cur[key] = ast.literal_eval(m.group(2))
        elif line.startswith('"') and key:
            cur[key] += ast.literal_eval(line)
    if cur.get("msgid") is not None:
        entries.append(cur)
    return [e for e in entries if e["msgid"]]


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(pot, mo):
    out = ['msgid ""', 'msgstr ""', '"Project-Id-Version: tongban\\n"', '"Language: eo\\n"',
           '"MIME-Version: 1.0\\n"', '"Content-Type: text/plain; charset=UTF-8\\n"',
           '"Content-Transfer-Encoding: 8bit\\n"',
           '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"', ""]
    for e in parse(pot):
        if "msgctxt" in e:
            out.append("msgctxt " + quote(e["msgctxt"]))
        out.append("msgid " + quote(e["msgid"]))
        if "msgid_plural" in e:
            out.append("msgid_plural " + quote(e["msgid_plural"]))
            out.append("msgstr[0] " + quote("⟦" + e["msgid"] + "⟧"))
            out.append("msgstr[1] " + quote("⟦" + e["msgid_plural"] + "⟧"))
        else:
            out.append("msgstr " + quote("⟦" + e["msgid"] + "⟧"))
        out.append("")
    with tempfile.NamedTemporaryFile("w", suffix=".po", delete=False, encoding="utf-8") as f:
        f.write("\n".join(out))
        name = f.name
    try:
        subprocess.run(["msgfmt", "--check-format", "-o", mo, name], check=True)
    finally:
        os.unlink(name)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
