#!/usr/bin/python3
"""The catalogue against its JSON schema: every problem is named by file,
service (or entry) and field, so a broken entry is found before it ships."""
import json
import sys

import jsonschema


def where(path):
    out = []
    node = catalog
    for part in path:
        node = node[part]
        if isinstance(node, dict) and "id" in node:
            out.append(str(node["id"]))
        elif not isinstance(part, int):
            out.append(str(part))
    return "/".join(out)


root = sys.argv[1]
schema = json.load(open(root + "/data/catalog/services.schema.json", encoding="utf-8"))
catalog = json.load(open(root + "/data/catalog/services.json", encoding="utf-8"))
validator = jsonschema.Draft202012Validator(schema)
errors = sorted(validator.iter_errors(catalog), key=lambda e: list(e.absolute_path))
for e in errors:
    print("services.json: %s: %s" % (where(e.absolute_path), e.message))
if errors:
    sys.exit(1)
print("ok: services.json matches services.schema.json (%d services)" % len(catalog["services"]))
