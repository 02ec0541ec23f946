#!/usr/bin/env python3
"""Writes tests/bad/: malformed inputs of every kind sigmac reads, each of which must give a
clear diagnostic at its place and exit status 1, never a crash, a hang or an output file
(tests/test_bad.c runs them; UPDATE_GOLDEN=1 writes each one's .err golden). Run from the
repository root:
    python3 tools/bad_inputs.py
The inputs are made here rather than by hand so that each category is covered systematically;
files whose name ends in .ndjson are events, read by `sigmac test` with rules/t1553_002.yml."""
import os

OUT = "tests/bad"

GOOD = """title: Whoami
id: 0b4ea9b8-0b1f-4c56-9d7f-6b0c5d2f6a11
status: test
level: high
date: 2024-01-01
tags:
    - attack.discovery
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\\whoami.exe'
        CommandLine|contains:
            - ' /all'
            - ' /priv'
    filter:
        User: SYSTEM
    condition: selection and not filter
falsepositives:
    - Administrators
"""

CORRELATION = """title: Base
name: base
logsource: {product: windows, category: process_creation}
detection:
    selection: {Image|endswith: x.exe}
    condition: selection
---
title: Many
correlation:
    type: event_count
    rules: [base]
    group-by: [Computer]
    timespan: 5m
    condition: {gte: 3}
"""

cases = {}


def add(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    assert name not in cases, name
    cases[name] = data


# ---- YAML that is not YAML -------------------------------------------------------------------
for i, cut in enumerate([7, 23, 60, 95, 131, 160, 205, 236, 262, 300, 330, 352, 371]):
    add(f"yaml-truncated-{i:02}.yml", GOOD[:cut])
add("yaml-tab-indent.yml", GOOD.replace("    selection:", "\tselection:"))
add("yaml-tab-in-list.yml", GOOD.replace("            - ' /all'", "\t\t\t- ' /all'"))
add("yaml-bom-broken.yml", "\ufeff" + GOOD.replace("condition: selection", "condition: [selection"))
add("yaml-crlf-broken.yml", GOOD.replace("\n", "\r\n").replace("level: high", "level: [high"))
add("yaml-crlf-unknown-modifier.yml", GOOD.replace("\n", "\r\n").replace("|endswith", "|endwith"))
add("yaml-unclosed-quote.yml", GOOD.replace("' /priv'", "' /priv"))
add("yaml-unclosed-double-quote.yml", GOOD.replace("' /priv'", '" /priv'))
add("yaml-unclosed-flow-map.yml", CORRELATION.replace("{gte: 3}", "{gte: 3"))
add("yaml-unclosed-flow-seq.yml", CORRELATION.replace("[base]", "[base"))
add("yaml-bad-indent.yml", GOOD.replace("    filter:", "   filter:"))
add("yaml-duplicate-key.yml", GOOD.replace("level: high", "level: high\nlevel: low"))
add("yaml-duplicate-selection.yml", GOOD.replace("    filter:", "    selection:"))
add("yaml-undefined-alias.yml", GOOD.replace("User: SYSTEM", "User: *nothing"))
add("yaml-alias-bomb.yml",
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n" +
    "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n"
            for i in range(8)) + "title: t\n")
add("yaml-deep-nesting.yml", "title: t\ndetection:\n  sel: " + "[" * 5000 + "]" * 5000 + "\n")
add("yaml-deep-maps.yml", "title: t\nx: " + "{a: " * 3000 + "b" + "}" * 3000 + "\n")
add("yaml-nul-in-scalar.yml", GOOD.replace("Whoami", "Who\x00ami", 1))
add("yaml-invalid-utf8.yml", GOOD.encode().replace(b"Whoami", b"Who\xffami", 1))
add("yaml-overlong-utf8.yml", GOOD.encode().replace(b"Whoami", b"Who\xc0\xafami", 1))
add("yaml-binary.yml", bytes(range(256)))
add("yaml-empty.yml", "")
add("yaml-only-comments.yml", "# nothing here\n# at all\n")
add("yaml-only-separators.yml", "---\n---\n---\n")
add("yaml-scalar-document.yml", "just a string\n")
add("yaml-list-document.yml", "- title: x\n- logsource: y\n")
add("yaml-control-character.yml", GOOD.replace("Administrators", "Admin\x07istrators"))
add("yaml-tag-unknown.yml", GOOD.replace("level: high", "level: !!python/object high"))

# ---- Sigma: a type where another is expected, everywhere -------------------------------------
types = {
    "title-list": ("title: Whoami", "title: [Whoami]"),
    "title-map": ("title: Whoami", "title: {a: b}"),
    "title-empty": ("title: Whoami", "title:"),
    "id-list": ("id: 0b4ea9b8-0b1f-4c56-9d7f-6b0c5d2f6a11", "id: [x]"),
    "status-list": ("status: test", "status: [test]"),
    "status-unknown": ("status: test", "status: beta"),
    "level-number": ("level: high", "level: 5"),
    "level-unknown": ("level: high", "level: severe"),
    "date-list": ("date: 2024-01-01", "date: [2024-01-01]"),
    "tags-string": ("tags:\n    - attack.discovery", "tags: attack.discovery"),
    "tags-map": ("tags:\n    - attack.discovery", "tags: {a: b}"),
    "tags-nested": ("    - attack.discovery", "    - [attack.discovery]"),
    "logsource-list": ("logsource:\n    product: windows\n    category: process_creation",
                       "logsource: [windows]"),
    "logsource-string": ("logsource:\n    product: windows\n    category: process_creation",
                         "logsource: windows"),
    "logsource-product-list": ("    product: windows", "    product: [windows]"),
    "detection-list": ("detection:\n    selection:", "detection:\n  - selection:"),
    "detection-string": ("detection:\n", "detection: everything\nx:\n"),
    "condition-number": ("condition: selection and not filter", "condition: 5"),
    "condition-map": ("condition: selection and not filter", "condition: {a: b}"),
    "condition-empty": ("condition: selection and not filter", "condition: ''"),
    "selection-number": ("    filter:\n        User: SYSTEM", "    filter: 5"),
    "selection-string": ("    filter:\n        User: SYSTEM", "    filter: SYSTEM"),
    "value-map": ("        User: SYSTEM", "        User: {a: b}"),
    "value-nested-list": ("        User: SYSTEM", "        User: [[SYSTEM]]"),
    "falsepositives-map": ("falsepositives:\n    - Administrators", "falsepositives: {a: b}"),
    "related-string": ("level: high", "level: high\nrelated: 0b4ea9b8"),
    "related-no-type": ("level: high",
                        "level: high\nrelated:\n    - id: 0b4ea9b8-0b1f-4c56-9d7f-6b0c5d2f6a12"),
    "related-bad-type": ("level: high", "level: high\nrelated:\n    - id: 0b4ea9b8-0b1f-4c56-9d7f-"
                                        "6b0c5d2f6a12\n      type: cousin"),
    "references-map": ("level: high", "level: high\nreferences: {a: b}"),
    "fields-string": ("level: high", "level: high\nfields: Image"),
}
for name, (old, new) in types.items():
    assert old in GOOD, name
    add(f"sigma-type-{name}.yml", GOOD.replace(old, new, 1))

# ---- Sigma: keys, conditions, modifiers, values ----------------------------------------------
sigma = {
    "missing-title": GOOD.replace("title: Whoami\n", ""),
    "missing-logsource": GOOD[:GOOD.index("logsource:")] + GOOD[GOOD.index("detection:"):],
    "missing-detection": GOOD[:GOOD.index("detection:")],
    "missing-condition": GOOD.replace("    condition: selection and not filter\n", ""),
    "condition-unknown-identifier": GOOD.replace("not filter", "not filters"),
    "condition-unbalanced": GOOD.replace("selection and not filter", "(selection and not filter"),
    "condition-dangling-and": GOOD.replace("selection and not filter", "selection and"),
    "condition-double-not": GOOD.replace("selection and not filter", "selection and not not"),
    "condition-bad-of": GOOD.replace("selection and not filter", "2 of"),
    "condition-of-nothing": GOOD.replace("selection and not filter", "1 of nothing_*"),
    "condition-pipe-aggregation": GOOD.replace("selection and not filter",
                                               "selection | count() > 5"),
    "condition-near": GOOD.replace("selection and not filter", "selection near filter"),
    "condition-deep": GOOD.replace("selection and not filter",
                                   "(" * 2000 + "selection" + ")" * 2000),
    "modifier-unknown": GOOD.replace("|endswith", "|endwith"),
    "modifier-conflict": GOOD.replace("|endswith", "|endswith|startswith"),
    "modifier-re-flag-alone": GOOD.replace("|endswith", "|i"),
    "modifier-re-bad": GOOD.replace("Image|endswith: '\\whoami.exe'", "Image|re: '(unclosed'"),
    "modifier-cidr-bad": GOOD.replace("Image|endswith: '\\whoami.exe'", "SourceIp|cidr: 10.0.0.0/33"),
    "modifier-cidr-text": GOOD.replace("Image|endswith: '\\whoami.exe'", "SourceIp|cidr: local"),
    "modifier-gt-text": GOOD.replace("Image|endswith: '\\whoami.exe'", "ProcessId|gt: many"),
    "modifier-exists-text": GOOD.replace("Image|endswith: '\\whoami.exe'", "Image|exists: maybe"),
    "modifier-expand-missing": GOOD.replace("Image|endswith: '\\whoami.exe'",
                                            "Image|expand: '%nothing%'"),
    "modifier-empty": GOOD.replace("|endswith", "|"),
    "modifier-fieldref-list": GOOD.replace("Image|endswith: '\\whoami.exe'",
                                           "Image|fieldref: [a, b]"),
    "timeframe-bad": GOOD.replace("    condition:", "    timeframe: forever\n    condition:"),
    "correlation-bad-type": CORRELATION.replace("event_count", "sometimes"),
    "correlation-no-rules": CORRELATION.replace("    rules: [base]\n", ""),
    "correlation-unknown-rule": CORRELATION.replace("[base]", "[nobody]"),
    "correlation-bad-timespan": CORRELATION.replace("5m", "5 minutes"),
    "correlation-bad-condition": CORRELATION.replace("{gte: 3}", "{above: 3}"),
    "correlation-condition-text": CORRELATION.replace("{gte: 3}", "{gte: lots}"),
    "correlation-self-reference": CORRELATION.replace("title: Many\n", "title: Many\nname: many\n")
                                             .replace("[base]", "[many]"),
    "filter-no-rules-target": """title: A filter
logsource: {product: windows, category: process_creation}
filter:
    rules: [nothing]
    selection: {User: SYSTEM}
    condition: not selection
""",
    "filter-no-condition": """title: A filter
logsource: {product: windows, category: process_creation}
filter:
    selection: {User: SYSTEM}
""",
}
for name, text in sigma.items():
    add(f"sigma-{name}.yml", text)

# ---- EQL --------------------------------------------------------------------------------------
eql = {
    "empty": "",
    "only-comment": "// nothing\n",
    "no-where": "process process.name : \"a\"\n",
    "unknown-category-word": "process wher process.name : \"a\"\n",
    "unterminated-string": "process where process.name : \"a\n",
    "single-quotes": "process where process.name : 'a'\n",
    "single-equals": "process where process.name = \"a\"\n",
    "unbalanced-paren": "process where (process.name : \"a\"\n",
    "extra-paren": "process where process.name : \"a\")\n",
    "dangling-and": "process where process.name : \"a\" and\n",
    "unknown-function": "process where frobnicate(process.name)\n",
    "function-arity": "process where startsWith(process.name)\n",
    "function-argument": "process where cidrMatch(process.name, 5)\n",
    "function-tilde": "process where length~(process.name) > 3\n",
    "where-pipe": "process where true\n| where process.pid > 4\n",
    "unknown-pipe": "process where true\n| sort process.pid\n",
    "head-text": "process where true\n| head many\n",
    "sequence-one-step": "sequence by host.name with maxspan=5m\n  [process where true]\n",
    "sequence-no-steps": "sequence by host.name\n",
    "sequence-bad-maxspan": "sequence with maxspan=5parsecs\n  [process where true]\n  [file where true]\n",
    "sequence-join-mismatch": "sequence\n  [process where true] by process.pid, host.name\n  [file where true] by process.pid\n",
    "sequence-runs-zero": "sequence\n  [process where true] with runs=0\n  [file where true]\n",
    "sequence-unclosed-step": "sequence\n  [process where true\n  [file where true]\n",
    "sample-until": "sample by host.name\n  [process where true]\n  [file where true]\nuntil [network where true]\n",
    "sample-one-step": "sample by host.name\n  [process where true]\n",
    "two-queries": "process where true\nfile where true\n",
    "regex-bad": "process where process.name regex \"(unclosed\"\n",
    "deep-parens": "process where " + "(" * 3000 + "true" + ")" * 3000 + "\n",
    "deep-not": "process where " + "not " * 3000 + "true\n",
    "invalid-utf8": b"process where process.name : \"a\xffb\"\n",
    "lineage-endgame": "process where descendant of [process where true]\n",
    "bare-operator": "process where == \"a\"\n",
    "in-empty": "process where process.name in ()\n",
    "like-number": "process where process.name like 5\n",
    "optional-everything": "process where ?\n",
}
for name, text in eql.items():
    add(f"eql-{name}.eql", text)

# ---- KQL and SPL ------------------------------------------------------------------------------
kql = {
    "unclosed-quote": 'process.name:"a\n',
    "unclosed-paren": "process.name:(a or b\n",
    "range-text": "process.pid < many\n",
    "nested-unclosed": "p:{ f:a \n",
    "empty-value": "process.name:\n",
    "match-all": "*\n",
}
for name, text in kql.items():
    add(f"kql-{name}.kql", text)
spl = {
    "unclosed-quote": 'Image="a\n',
    "unclosed-paren": "(Image=a OR Image=b\n",
    "stats": "Image=a | stats count\n",
    "regex-no-quotes": "Image=a | regex Image=cmd\n",
    "everything": "*\n",
    "double-equals": "Image==a\n",
    "bad-correlation": "Image=a\n| sort 0 _time\n| streamstats time_window=5m count AS sigmac_count\n| where sigmac_count >= 2\n",
    "multisearch-one": '| multisearch [search a=1 | eval sigmac_rule="x"]\n| sort 0 _time\n',
}
for name, text in spl.items():
    add(f"spl-{name}.spl", text)

# ---- events (sigmac test) ---------------------------------------------------------------------
events = {
    "not-json": "this is not json\n",
    "truncated": '{"process": {"name": "whoami.exe"\n',
    "array-line": '[1, 2, 3]\n',
    "string-line": '"just a string"\n',
    "number-too-long": '{"n": ' + "9" * 500 + "e999999}\n",
    "trailing-garbage": '{"a": 1} {"b": 2}\n',
    "bad-escape": '{"a": "\\q"}\n',
    "nul": b'{"a": "b\x00c"}\n',
    "invalid-utf8": b'{"a": "b\xffc"}\n',
    "deep": '{"a": ' * 3000 + "1" + "}" * 3000 + "\n",
    "duplicate-and-broken": '{"a": 1, "a": 2}\n{"b":\n',
}
for name, text in events.items():
    add(f"events-{name}.ndjson", text)

os.makedirs(OUT, exist_ok=True)
for name, data in sorted(cases.items()):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
print(f"{len(cases)} inputs written to {OUT}/")
