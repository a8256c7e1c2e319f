#!/usr/bin/env python3
"""Validates OCSF JSON lines against the OCSF schema (test helper, not shipped).

Usage: validate.py VERSION FILE...  Every line must be one OCSF event whose class_uid names a
class of that schema version; it is checked with the JSON Schema that ocsf-json-schema
generates for that class and the profiles the event declares in metadata.profiles.
Prints one line per invalid event and exits 1 if any; exits 0 and prints a count otherwise.
Needs: pip install ocsf-json-schema jsonschema (the Makefile's test setup installs them).
"""
import json
import sys

import jsonschema
from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema


def main() -> int:
    version, files = sys.argv[1], sys.argv[2:]
    schema = OcsfJsonSchemaEmbedded(get_ocsf_schema(version=version))
    validators = {}
    checked, bad = 0, 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                event = json.loads(line)
                uid = event.get("class_uid")
                profiles = tuple(sorted(event.get("metadata", {}).get("profiles", [])))
                key = (uid, profiles)
                if key not in validators:
                    name = "base_event" if uid == 0 else schema.lookup_class_name_from_uid(uid)
                    js = schema.get_class_schema(name, list(profiles))
                    validators[key] = jsonschema.Draft202012Validator(js)
                errors = sorted(validators[key].iter_errors(event), key=lambda e: list(e.path))
                checked += 1
                for e in errors:
                    bad += 1
                    where = "/".join(str(p) for p in e.absolute_path)
                    print(f"{path}:{number}: class {uid}: {where}: {e.message[:300]}")
    print(f"{checked} events checked, {bad} errors")
    return 1 if bad or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
