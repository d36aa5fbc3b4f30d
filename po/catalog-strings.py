#!/usr/bin/env python3
"""Extract the translatable texts of the service catalogue (and of the
certificate templates, data/documents) as a .pot file.

xgettext cannot read JSON, so this writes the catalogue's user-visible fields
(titles, subtitles, summaries, help) into a template that make-pot.sh merges
with xgettext's output. Each entry names the file and the entry it came from.
"""
import json
import sys

TRANSLATABLE = ("title", "subtitle", "summary", "help", "instruction", "label", "hint", "next_steps",
                "conditions", "materials", "process", "fees", "time_limit", "legal_basis",
                "office", "contact", "question", "answer", "detail", "item")


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: catalog-strings.py OUT.pot FILE.json...\n")
        return 2
    seen = {}
    order = []

    def add(text, ref):
        if text not in seen:
            seen[text] = []
            order.append(text)
        if ref not in seen[text]:
            seen[text].append(ref)

    def walk(node, ref):
        if isinstance(node, list):
            for item in node:
                walk(item, ref)
        elif isinstance(node, dict):
            here = "%s/%s" % (ref, node["id"]) if isinstance(node.get("id"), str) else ref
            for key, value in node.items():
                if key in TRANSLATABLE and isinstance(value, str) and value:
                    add(value, "%s.%s" % (here, key))
                elif key == "values" and isinstance(value, dict):
                    for text in value.values():
                        add(text, "%s.values" % here)
                else:
                    walk(value, here)

    for path in argv[2:]:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        walk(data, "data/" + "/".join(path.split("/")[-2:]) + ":")
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
