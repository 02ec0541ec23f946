#!/usr/bin/env python3
"""Regenerates data/ecs/ecs_fields.tsv (field, type) from ECS's generated fields.csv.

Usage: tools/ecs_fields.py ../shared/data/ecs/fields.csv > data/ecs/ecs_fields.tsv
"""
import csv
import sys

rows = list(csv.DictReader(open(sys.argv[1], newline="")))
version = rows[0]["ECS_Version"] if rows else "?"
print(f"# ECS {version} fields and their Elasticsearch types: facts from elastic/ecs generated/csv/fields.csv")
print("# at tag v9.4.0 (commit 354fd8d0ca99faa15405d1ea1d3bb396724d3e5a), Apache License 2.0.")
print("# Regenerate with tools/ecs_fields.py. Columns: field, type.")
for row in rows:
    print(f"{row['Field']}\t{row['Type']}")
