#!/usr/bin/env python3
"""Says whether a failed schemathesis run found a defect in Gugus or failed inside itself.

Reads the JSON summaries that `schemathesis run --report-json-path` wrote (scripts/fuzz.sh
writes one per run) and prints one verdict line. Exit status: 1 when any check failed or an
error came from the server (a crash, a timeout, a broken OpenAPI document); 3 when every
error was schemathesis's or hypothesis's own (a "Runtime Error" raised in their code, a
health check, their configuration), which says nothing about Gugus.
"""
import json
import sys

# Errors that are about the server or its document: the API did not answer, or answered
# in a way that broke the run, or docs/openapi.yaml is wrong.
GUGUS_ERRORS = {
    "Network Error", "Server Unavailable", "Unresponsive Operation", "Unhealthy API",
    "Schema Error", "Invalid Link Definition", "Invalid OpenAPI Links Definition",
    "Missing Open API links", "Authentication Error",
}


def main(paths):
    failures, gugus, tool, unreadable = [], [], [], []
    for path in paths:
        try:
            with open(path, encoding="utf-8") as file:
                summary = json.load(file)
        except (OSError, ValueError) as error:
            unreadable.append(f"{path}: {error}")
            continue
        for failure in summary.get("failures", []):
            failures.append(f"{failure.get('title')} ×{failure.get('count')} in {', '.join(failure.get('operations') or [])}")
        for error in summary.get("errors", []):
            entry = f"{error.get('title')} ×{error.get('count')}"
            (gugus if error.get("title") in GUGUS_ERRORS else tool).append(entry)
    if failures or gugus:
        print("fuzz.sh: schemathesis found defects in Gugus: " + "; ".join(failures + gugus)
              + " (details above)", file=sys.stderr)
        return 1
    if tool:
        print("fuzz.sh: schemathesis failed inside itself, not because of Gugus: " + "; ".join(tool)
              + ". The tool's message and traceback are in the ERRORS section above; if it repeats,"
              " pin another version in Tests/Support/requirements.in and run scripts/lock-python.sh.",
              file=sys.stderr)
        return 3
    if unreadable:
        print("fuzz.sh: schemathesis failed before writing its summary (its output above says why): "
              + "; ".join(unreadable), file=sys.stderr)
        return 3
    print("fuzz.sh: schemathesis exited with an error but reported no failure or error; see its output above",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
