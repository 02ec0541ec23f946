#!/usr/bin/env python3
"""Validate Sigma YAML files against the SigmaHQ JSON schemas.

Usage: sigma_schema_check.py --schemas DIR PATH [PATH ...]

Every YAML document of every file is validated on its own. The schema is picked
per document: the correlation schema if the document has a `correlation` key,
the filter schema if it has a `filter` key, else the detection-rule schema.
Validation uses jsonschema's Draft202012Validator with a FormatChecker, so
`format: uuid` is enforced.

YAML is loaded with a SafeLoader variant that
  - keeps timestamps as strings (an unquoted `date: 2024-01-01` stays the string
    the schema expects instead of becoming a datetime.date), and
  - rejects duplicate mapping keys (YAML requires unique keys; PyYAML would
    otherwise silently keep the last one).

A PATH may be a directory: its *.yml / *.yaml files are checked recursively.

Output: one line `PATH:doc N: ok` per valid document (N counts from 1), or one
line `PATH:doc N: error: <location>: <message>` per schema error. Empty documents
(e.g. after a trailing `---`) are reported as `skipped (empty document)`.
Exit status: 0 when every document is valid, 1 on any error (schema, YAML or I/O),
2 on bad usage.

Dependencies: python3-yaml, python3-jsonschema (Debian packages).
"""

import argparse
import json
import os
import sys

import yaml
from jsonschema import Draft202012Validator, FormatChecker

SCHEMA_FILES = {
    "rule": "sigma-detection-rule-schema.json",
    "correlation": "sigma-correlation-rules-schema.json",
    "filter": "sigma-filters-schema.json",
}

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class SigmaLoader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver and with duplicate-key detection."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # '<<' merge keys are resolved by the base class
            key = self.construct_object(key_node, deep=deep)
            try:
                hash(key)
            except TypeError:
                continue  # the base class raises a proper error for this
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    "found duplicate key %r (first at line %d)"
                    % (key, seen[key].line + 1),
                    key_node.start_mark)
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


# Copy the resolver table (it is shared with SafeLoader) without timestamps.
SigmaLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
SigmaLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, SigmaLoader.construct_mapping)


def load_validators(schema_dir):
    validators = {}
    for kind, name in SCHEMA_FILES.items():
        path = os.path.join(schema_dir, name)
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        Draft202012Validator.check_schema(schema)
        validators[kind] = Draft202012Validator(
            schema, format_checker=FormatChecker())
    return validators


def schema_kind(doc):
    if "correlation" in doc:
        return "correlation"
    if "filter" in doc:
        return "filter"
    return "rule"


def location(error):
    parts = [str(p) for p in error.absolute_path]
    return "/" + "/".join(parts) if parts else "(document)"


def yaml_error_text(e):
    """One-line description of a PyYAML error: 'line L, column C: problem'."""
    mark = getattr(e, "problem_mark", None)
    problem = getattr(e, "problem", None)
    if mark is None or problem is None:
        return " ".join(str(e).split())
    text = "line %d, column %d: %s" % (mark.line + 1, mark.column + 1, problem)
    context = getattr(e, "context", None)
    if context:
        text += " (%s)" % context
    return text


def expand_paths(paths):
    for path in paths:
        if os.path.isdir(path):
            found = []
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in files:
                    if name.endswith((".yml", ".yaml")):
                        found.append(os.path.join(root, name))
            yield from sorted(found)
        else:
            yield path


def check_file(path, validators, out, show_ok=True):
    """Return the number of errors found in PATH."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        out.write("%s: error: cannot read: %s\n" % (path, e))
        return 1
    try:
        docs = list(yaml.load_all(text, Loader=SigmaLoader))
    except yaml.YAMLError as e:
        out.write("%s: error: YAML: %s\n" % (path, yaml_error_text(e)))
        return 1

    errors = 0
    for n, doc in enumerate(docs, start=1):
        prefix = "%s:doc %d" % (path, n)
        if doc is None:
            if show_ok:
                out.write("%s: skipped (empty document)\n" % prefix)
            continue
        if not isinstance(doc, dict):
            out.write("%s: error: document is a %s, not a mapping\n"
                      % (prefix, type(doc).__name__))
            errors += 1
            continue
        kind = schema_kind(doc)
        found = sorted(validators[kind].iter_errors(doc),
                       key=lambda e: (list(map(str, e.absolute_path)), e.message))
        if not found:
            if show_ok:
                out.write("%s: ok\n" % prefix)
            continue
        for err in found:
            out.write("%s: error: [%s schema] %s: %s\n"
                      % (prefix, kind, location(err), err.message))
        errors += len(found)
    if not docs:
        out.write("%s: error: no YAML document\n" % path)
        errors += 1
    return errors


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Validate Sigma YAML documents against the SigmaHQ JSON schemas.")
    parser.add_argument("--schemas", required=True, metavar="DIR",
                        help="directory holding " + ", ".join(SCHEMA_FILES.values()))
    parser.add_argument("--quiet", action="store_true",
                        help="print errors and the summary only (no 'ok'/'skipped' lines)")
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="Sigma YAML file, or directory searched for *.yml/*.yaml")
    args = parser.parse_args(argv)
    if not os.path.isdir(args.schemas):
        # The schemas live in ../shared, which a user's machine does not have: say so and skip.
        print("skipped: schema folder %s is absent" % args.schemas)
        return 77

    try:
        validators = load_validators(args.schemas)
    except (OSError, ValueError) as e:
        sys.stderr.write("error: cannot load schemas from %s: %s\n" % (args.schemas, e))
        return 2

    total_errors = 0
    files = 0
    bad_files = 0
    for path in expand_paths(args.paths):
        files += 1
        n = check_file(path, validators, sys.stdout, show_ok=not args.quiet)
        total_errors += n
        bad_files += 1 if n else 0
    if args.quiet or files > 1:
        print("checked %d file(s): %d with errors, %d error(s)"
              % (files, bad_files, total_errors))
    return 1 if total_errors else 0


if __name__ == "__main__":
    sys.exit(main())
