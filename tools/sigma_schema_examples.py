#!/usr/bin/env python3
"""Converts the Sigma specification's schema examples (YAML) to JSON test fixtures.

The examples are the specification repository's own CI fixtures (tests/schema/{rules,correlation,
filter}/*.yml, copied to ../shared/data/sigma-schema/examples). tests/test_json_schema.c validates
each fixture against its schema, so the test does not need ../shared.

YAML dates (2017-05-09) are loaded as strings, as the schemas expect and as sigmac's own YAML
loader does: PyYAML's safe loader would make them datetime.date objects.

Usage: tools/sigma_schema_examples.py [EXAMPLES_DIR] [OUT_DIR]
  defaults: ../shared/data/sigma-schema/examples  tests/data/json_schema/examples
"""
import json
import pathlib
import sys

import yaml


class StringDateLoader(yaml.SafeLoader):
    """The safe loader without the timestamp resolver: dates stay strings."""


StringDateLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def convert(source: pathlib.Path, out_dir: pathlib.Path) -> int:
    count = 0
    for folder in ("rules", "correlation", "filter"):
        for path in sorted((source / folder).glob("*.yml")):
            with path.open(encoding="utf-8") as stream:
                document = yaml.load(stream, Loader=StringDateLoader)
            target = out_dir / folder / (path.stem + ".json")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                              encoding="utf-8")
            count += 1
    return count


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent
    source = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else \
        root.parent / "shared" / "data" / "sigma-schema" / "examples"
    out_dir = pathlib.Path(sys.argv[2]) if len(sys.argv) > 2 else \
        root / "tests" / "data" / "json_schema" / "examples"
    if not source.is_dir():
        print(f"{source}: not a folder", file=sys.stderr)
        return 2
    print(f"{convert(source, out_dir)} examples written to {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
