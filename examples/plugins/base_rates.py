#!/usr/bin/env python3
"""An external scn plugin: reference-class base rates.

Speaks the JSON-lines protocol of docs/plugins.md on stdin/stdout. Standard library only.

    coup(years)            P(at least one coup attempt within `years`), from a yearly base
                           rate of 3% (a Powell & Thyne style reference class)
    ceasefire_holds(n)     Beta(successes + 1, failures + 1) over n past ceasefires, a
                           distribution (Laplace's rule as a prior)
    blend(p1, ..., pn)     arithmetic mean of the probabilities given

Test hooks (used by scn's own tests to exercise failure handling): a first argument of
"crash" (exit 3 before answering), "hang" (never answer), "garbage" (answer a line that is
not JSON) or "wrong-id".
"""
import json
import math
import sys
import time

YEARLY_COUP_RATE = 0.03
CEASEFIRES = {"held": 7, "failed": 13}

FUNCTIONS = [
    {"name": "coup", "arity": 1, "doc": "P(coup attempt within N years), 3%/year base rate"},
    {"name": "ceasefire_holds", "arity": 0, "doc": "Beta(8, 14): 7 of 20 past ceasefires held"},
    {"name": "blend", "arity": "any", "doc": "mean of the probabilities"},
]


def call(function, args):
    if function == "coup":
        (years,) = args
        if years <= 0:
            return {"error": "years must be positive"}
        return {"value": 1 - math.exp(-YEARLY_COUP_RATE * years)}
    if function == "ceasefire_holds":
        return {"dist": "beta", "params": [CEASEFIRES["held"] + 1, CEASEFIRES["failed"] + 1]}
    if function == "blend":
        return {"value": sum(args) / len(args)}
    return {"error": f"no function {function}"}


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    for line in sys.stdin:
        request = json.loads(line)
        if mode == "crash":
            print("plugin: simulated crash", file=sys.stderr)
            sys.exit(3)
        if mode == "hang":
            time.sleep(3600)
        if mode == "garbage":
            print("this is not json", flush=True)
            continue
        rid = request.get("id")
        if mode == "wrong-id":
            rid = -1
        if request.get("method") == "describe":
            answer = {"functions": FUNCTIONS}
        elif request.get("method") == "call":
            answer = call(request.get("function"), request.get("args", []))
        else:
            answer = {"error": f"unknown method {request.get('method')}"}
        answer["id"] = rid
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
