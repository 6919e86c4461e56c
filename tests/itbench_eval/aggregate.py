#!/usr/bin/env python3
"""Read an rcabox results.json the way ITBench-Evaluations' aggregator reads its own results.

ITBench-Evaluations (itbench-hub/ITBench-Evaluations, `itbench_evaluations/aggregator.py`)
groups `raw_results` by `incident_id`, takes each trial's `scores[metric]` dict and, for each
of `calculation_precision`, `calculation_recall` and `calculation_f1`, appends the value to
`<metric>_<precision|recall|f1>`; per incident it reports `mean`, `stderr = np.std / sqrt(n)`
(population, ddof 0) and `n`; overall the mean of the incident means, `scipy.stats.sem` of them
(ddof 1, None for one incident) and `n_incidents`, plus `total_bad_runs`. This script makes the
same accesses with the standard library (no numpy or scipy needed) and prints the statistics it
gets as JSON, for tests/run.rs to compare with what rcabox wrote.

usage: aggregate.py RESULTS_JSON
"""
import json
import math
import statistics
import sys

METRICS = ["root_cause_entity", "root_cause_entity_k", "root_cause_reasoning", "propagation_chain"]
VALUE_KEYS = ["calculation", "calculation_precision", "calculation_recall", "calculation_f1"]


def main():
    doc = json.load(open(sys.argv[1]))
    by_incident = {}
    for r in doc["raw_results"]:
        by_incident.setdefault(r["incident_id"], []).append(r)
    per_incident = {}
    for incident_id, trials in by_incident.items():
        values = {}
        for t in trials:
            scores = t.get("scores")
            if not scores:
                continue
            for metric in METRICS:
                data = scores.get(metric)
                if isinstance(data, dict):
                    for key in VALUE_KEYS:
                        v = data.get(key)
                        if v is None:
                            continue
                        name = f"{metric}_{key.split('_')[1]}" if key != "calculation" else metric
                        values.setdefault(name, []).append(v)
                elif isinstance(data, (int, float)):
                    values.setdefault(metric, []).append(data)
        per_incident[incident_id] = {
            name: {"mean": statistics.fmean(xs), "stderr": statistics.pstdev(xs) / math.sqrt(len(xs)),
                   "n": len(xs)}
            for name, xs in values.items()
        }
    overall = {}
    names = sorted({n for m in per_incident.values() for n in m})
    for name in names:
        means = [m[name]["mean"] for m in per_incident.values() if name in m]
        overall[name] = {"mean": statistics.fmean(means),
                         "stderr": statistics.stdev(means) / math.sqrt(len(means)) if len(means) > 1 else None,
                         "n_incidents": len(means)}
    overall["total_bad_runs"] = sum(1 for r in doc["raw_results"] if "error" in r)
    json.dump({"per_incident": per_incident, "overall": overall}, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
