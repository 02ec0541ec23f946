#!/usr/bin/env python3
"""Regenerates data/attack/attack.tsv from the compact ATT&CK table in ../shared/data/attack/.

Usage: tools/attack_tsv.py ../shared/data/attack/enterprise-attack-18.1.json > data/attack/attack.tsv
Rows: tactic<TAB>id<TAB>shortname<TAB>name | technique<TAB>id<TAB>name<TAB>tactics,comma,separated
      | group<TAB>id<TAB>name | software<TAB>id<TAB>name  (deprecated or revoked entries are left out)
"""
import json
import sys

data = json.load(open(sys.argv[1]))
print(f"# MITRE ATT&CK Enterprise {data['attack_version']} ({data['source']}).")
print('# "This work is reproduced and distributed with the permission of The MITRE Corporation."')
print("# Regenerate with tools/attack_tsv.py.")
for t in data["tactics"]:
    print(f"tactic\t{t['id']}\t{t['shortname']}\t{t['name']}")
for t in data["techniques"]:
    if not t.get("deprecated") and not t.get("revoked"):
        print(f"technique\t{t['id']}\t{t['name']}\t{','.join(t['tactics'])}")
for kind in ("groups", "software"):
    for g in data[kind]:
        if not g.get("deprecated") and not g.get("revoked"):
            print(f"{kind.rstrip('s') if kind == 'groups' else kind}\t{g['id']}\t{g['name']}")
