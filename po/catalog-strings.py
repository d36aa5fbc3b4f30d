#!/usr/bin/env python3
"""Extract the translatable texts of the service catalogue as a .pot file.

xgettext cannot read JSON, so this writes the catalogue's user-visible fields
(titles, subtitles, summaries, help) into a template that make-pot.sh merges
with xgettext's output. Each entry names the file and the entry it came from.
"""
import json
import sys

TRANSLATABLE = ("title", "subtitle", "summary", "help")


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: catalog-strings.py OUT.pot FILE.json...\n")
        return 2
    seen = {}
    order = []
    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        name = path.split("/")[-1]
        for list_name, entries in data.items():
            if not isinstance(entries, list):
                continue
            for entry in entries:
                for key in TRANSLATABLE:
                    text = entry.get(key)
                    if not isinstance(text, str) or not text:
                        continue
                    ref = "data/catalog/%s:%s/%s.%s" % (name, list_name, entry.get("id", "?"), key)
                    if text not in seen:
                        seen[text] = []
                        order.append(text)
                    seen[text].append(ref)
    with open(argv[1], "w", encoding="utf-8") as out:
        out.write('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n')
        for text in order:
            out.write("#. Service catalogue text\n")
            for ref in seen[text]:
                out.write("#: %s\n" % ref)
            out.write("msgid %s\nmsgstr \"\"\n\n" % quote(text))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
