#!/usr/bin/env python3
"""No text a citizen sees carries an error code or system text.

Scans every string of the service catalogue (data/catalog/*.json) and every
msgid and msgstr of the po files against tests/data/system-text.txt. The
fault-injected runs of the UI test check what is on screen with the same
list. Usage: check-visible-text.py SOURCE_ROOT
"""
import ast
import json
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
patterns = []
for line in (root / 'tests/data/system-text.txt').read_text(encoding='utf-8').splitlines():
    if line and not line.startswith('#'):
        patterns.append(re.compile(line))
failures = 0

# The list itself is checked first: each of these must be caught, and plain
# words with numbers must not be.
must_catch = [
    'Error 0x80070643', 'error code: 500', 'Failed (code=-5)', 'ENOENT', 'errno 2',
    'No such file or directory', 'Permission denied', 'Connection refused', 'Broken pipe',
    'Segmentation fault', 'HTTP 503', '404 Not Found', 'value is NULL', '(null)',
    'GError', 'G_IO_ERROR', 'TONGBAN_BACKEND_ERROR_UNAVAILABLE', 'JsonParserError',
    'Traceback (most recent call last)', 'assertion failed', 'see /var/log/tongban.log',
    'tongban-flow.c:346',
]
must_pass = [
    'Call 12345 for help.', 'Form BIR60, 2026-03-31', 'Fee HK$1,250.50', 'Booking 10:30',
    'The department’s system cannot be reached just now.', '错误', '請於 30 秒內',
    'Error in your answers: check the identity card number.',
]
for text in must_catch:
    if not any(p.search(text) for p in patterns):
        print(f'FAIL: the list misses "{text}"')
        failures += 1
for text in must_pass:
    for p in patterns:
        if p.search(text):
            print(f'FAIL: the list wrongly catches "{text}" (pattern {p.pattern})')
            failures += 1


def check(where, text):
    global failures
    for p in patterns:
        m = p.search(text)
        if m:
            print(f'FAIL: {where}: "{m.group(0)}" (pattern {p.pattern}) in: {text}')
            failures += 1


def walk(where, node):
    if isinstance(node, str):
        check(where, node)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk(f'{where}[{i}]', v)
    elif isinstance(node, dict):
        for k, v in node.items():
            walk(f'{where}.{k}', v)


n_strings = 0
for f in sorted((root / 'data/catalog').glob('*.json')):
    if f.name.endswith('.schema.json'):
        continue
    walk(f.relative_to(root).as_posix(), json.loads(f.read_text(encoding='utf-8')))

for po in sorted((root / 'po').glob('*.po')):
    entry, key = {}, None
    lines = po.read_text(encoding='utf-8').splitlines() + ['']
    for n, line in enumerate(lines, 1):
        m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line)
        if m:
            key = m.group(1)
            entry[key] = ast.literal_eval(m.group(2))
        elif line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)
        elif not line.strip():
            if entry.get('msgid'):   # not the header
                for k, v in entry.items():
                    n_strings += 1
                    check(f'{po.relative_to(root).as_posix()}:{n} {k}', v)
            entry, key = {}, None

if failures:
    sys.exit(1)
print(f'ok: catalogue and {n_strings} po strings carry no codes or system text')
