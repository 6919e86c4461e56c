#!/usr/bin/env python3
"""Write a small ITBench-style incident snapshot, deterministically, for compatibility tests.

It follows data/itbench/FORMATS.md: alerts/ JSON arrays, metrics/ TSVs, and the four raw TSVs
written with RFC 4180 quoting and a tab separator (embedded quotes, tabs and newlines occur).
The telemetry is synthetic; only its shape follows the real recorder.

usage: make_snapshot.py OUT_DIR [--seed N] [--fault netpol|flagd|oom] [--rows N]
"""
import argparse
import csv
import datetime as dt
import json
import os
import random

SERVICES = ["frontend", "frontend-proxy", "ad", "cart", "checkout", "currency", "email",
            "fraud-detection", "image-provider", "kafka", "load-generator", "payment",
            "product-catalog", "quote", "recommendation", "shipping", "valkey-cart", "flagd",
            "accounting", "product-reviews"]
CALLS = {"frontend-proxy": ["frontend"], "frontend": ["ad", "cart", "checkout", "currency",
         "product-catalog", "recommendation", "shipping", "product-reviews"],
         "checkout": ["cart", "currency", "email", "payment", "product-catalog", "shipping", "kafka"],
         "cart": ["valkey-cart"], "recommendation": ["product-catalog"], "shipping": ["quote"],
         "kafka": ["accounting", "fraud-detection"], "load-generator": ["frontend-proxy"]}
LOG_COLS = ["Timestamp", "TimestampTime", "TraceId", "SpanId", "TraceFlags", "SeverityText",
            "SeverityNumber", "ServiceName", "Body", "ResourceSchemaUrl", "ResourceAttributes",
            "ScopeSchemaUrl", "ScopeName", "ScopeVersion", "ScopeAttributes", "LogAttributes"]
TRACE_COLS = ["Timestamp", "TraceId", "SpanId", "ParentSpanId", "TraceState", "SpanName",
              "SpanKind", "ServiceName", "ResourceAttributes", "ScopeName", "ScopeVersion",
              "SpanAttributes", "Duration", "StatusCode", "StatusMessage"]
FAULTS = {
    "netpol": dict(victim="frontend", kind="NetworkPolicy", ns="otel-demo",
                   name="frontend-block-all-ports", reason="connection refused",
                   alerts=[("frontend-proxy", "HighRequestErrorRate"), ("frontend", "NoRequestsReceived")]),
    "flagd": dict(victim="payment", kind="ConfigMap", ns="otel-demo", name="flagd-config",
                  reason="Payment request failed. Invalid token. app.loyalty.level=gold",
                  alerts=[("checkout", "RequestErrorRate"), ("payment", "RequestErrorRate")]),
    "oom": dict(victim="recommendation", kind="StressChaos", ns="chaos-mesh",
                name="otel-demo-recommendation-memory-stress", reason="OOMKilled",
                alerts=[("recommendation", "KubePodCrashLooping"), ("frontend", "HighRequestLatency")]),
}


def ts(t):
    return t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def write_tsv(path, cols, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(cols)
        w.writerows(rows)


def pod(rng, svc):
    return f"{svc}-{rng.randrange(16**9):09x}-{''.join(rng.choice('bcdfghjklmnpqrstvwxz2456789') for _ in range(5))}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fault", choices=sorted(FAULTS), default="netpol")
    ap.add_argument("--rows", type=int, default=20000)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    fault = FAULTS[a.fault]
    start = dt.datetime(2025, 12, 15, 17, 20, 0)
    inject = start + dt.timedelta(minutes=10)
    end = start + dt.timedelta(minutes=30)
    pods = {s: pod(rng, s) for s in SERVICES}
    os.makedirs(os.path.join(a.out, "alerts"), exist_ok=True)
    os.makedirs(os.path.join(a.out, "metrics"), exist_ok=True)

    def when():
        return start + dt.timedelta(seconds=rng.uniform(0, 1800))

    def res(svc):
        return json.dumps({"k8s.pod.name": pods[svc], "k8s.namespace.name": "otel-demo",
                           "k8s.deployment.name": svc, "service.name": svc}, sort_keys=True)

    # logs
    rows = []
    for _ in range(a.rows):
        t = when()
        svc = rng.choice(SERVICES)
        bad = t > inject and (svc == fault["victim"] or fault["victim"] in CALLS.get(svc, [])) and rng.random() < 0.4
        sev = "ERROR" if bad else rng.choice(["INFO"] * 12 + ["DEBUG", "WARN"])
        msg = (f'failed to call {fault["victim"]}: {fault["reason"]} (attempt {rng.randint(1, 5)})' if bad
               else rng.choice([f"request served path=\"/api/products/{rng.randrange(10**6)}\" status=200",
                                f"GET /api/cart\tuser={rng.randrange(1000)} latency_ms={rng.randint(1, 900)}",
                                "order placed\nitems=3 currency=USD",
                                f"cache hit ratio {rng.random():.3f}"]))
        rows.append([ts(t), t.strftime("%Y-%m-%d %H:%M:%S"), f"{rng.getrandbits(128):032x}",
                     f"{rng.getrandbits(64):016x}", "1", sev, {"DEBUG": 5, "INFO": 9, "WARN": 13, "ERROR": 17}[sev],
                     svc, msg, "", res(svc), "", "otel", "1.0", "{}", "{}"])
    rows.sort(key=lambda r: r[0])
    write_tsv(os.path.join(a.out, "otel_logs_raw.tsv"), LOG_COLS, rows)

    # traces
    rows = []
    for _ in range(a.rows):
        t = when()
        parent = rng.choice(list(CALLS))
        child = rng.choice(CALLS[parent])
        err = t > inject and child == fault["victim"] and rng.random() < 0.7
        rows.append([ts(t), f"{rng.getrandbits(128):032x}", f"{rng.getrandbits(64):016x}",
                     f"{rng.getrandbits(64):016x}", "", f"{child}/{rng.choice(['Get', 'List', 'Charge', 'Quote', 'Add'])}",
                     rng.choice(["Server", "Client", "Internal"]), child, res(child), "otel", "1.0",
                     json.dumps({"rpc.system": "grpc", "peer.service": parent}),
                     rng.randint(200_000, 900_000_000) * (30 if err else 1),
                     "Error" if err else rng.choice(["Unset", "Ok"]), fault["reason"] if err else ""])
    rows.sort(key=lambda r: r[0])
    write_tsv(os.path.join(a.out, "otel_traces_raw.tsv"), TRACE_COLS, rows)

    # k8s events
    rows = []
    for _ in range(a.rows // 10):
        t = when()
        svc = rng.choice(SERVICES)
        warn = t > inject and svc == fault["victim"] and rng.random() < 0.5
        reason = ("BackOff" if warn else rng.choice(["Scheduled", "Pulled", "Created", "Started", "SuccessfulCreate"]))
        body = {"object": {"involvedObject": {"kind": "Pod", "name": pods[svc], "namespace": "otel-demo"},
                           "reason": reason, "message": (f'Back-off restarting failed container {svc} in pod {pods[svc]}' if warn
                                                         else f'Successfully assigned otel-demo/{pods[svc]} to ip-10-0-{rng.randrange(255)}-{rng.randrange(255)}'),
                           "type": "Warning" if warn else "Normal", "count": rng.randint(1, 9),
                           "firstTimestamp": t.strftime("%Y-%m-%dT%H:%M:%SZ"), "lastTimestamp": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                           "source": {"component": "kubelet"}}, "type": "ADDED"}
        rows.append([ts(t), t.strftime("%Y-%m-%d %H:%M:%S"), "", "", "0", "", 0, "", json.dumps(body), "",
                     "{}", "", "", "", "{}", json.dumps({"k8s.resource.name": "events"})])
    rows.sort(key=lambda r: r[0])
    write_tsv(os.path.join(a.out, "k8s_events_raw.tsv"), LOG_COLS, rows)

    # k8s objects
    rows = []
    for svc in SERVICES:
        for kind in ("Deployment", "Service", "Pod"):
            name = pods[svc] if kind == "Pod" else svc
            obj = {"apiVersion": "v1" if kind != "Deployment" else "apps/v1", "kind": kind,
                   "metadata": {"name": name, "namespace": "otel-demo", "labels": {"app.kubernetes.io/name": svc}}}
            rows.append([ts(start), start.strftime("%Y-%m-%d %H:%M:%S"), "", "", "0", "", 0, "", json.dumps(obj), "",
                         "{}", "", "", "", "{}", json.dumps({"k8s.resource.name": kind.lower() + "s"})])
    fobj = {"apiVersion": "v1", "kind": fault["kind"],
            "metadata": {"name": fault["name"], "namespace": fault["ns"], "creationTimestamp": inject.strftime("%Y-%m-%dT%H:%M:%SZ")}}
    rows.append([ts(inject), inject.strftime("%Y-%m-%d %H:%M:%S"), "", "", "0", "", 0, "", json.dumps(fobj), "",
                 "{}", "", "", "", "{}", json.dumps({"k8s.resource.name": fault["kind"].lower() + "s"})])
    write_tsv(os.path.join(a.out, "k8s_objects_raw.tsv"), LOG_COLS, rows)

    # metrics
    for svc in SERVICES:
        prow = []
        for m in range(30):
            t = start + dt.timedelta(minutes=m)
            hot = t > inject and svc == fault["victim"]
            prow.append(["container_cpu_usage_seconds_total", ts(t), round(rng.uniform(0.01, 0.4) * (5 if hot else 1) * (m + 1), 4),
                         pods[svc], "otel-demo", str({"container": svc, "pod": pods[svc]})])
            prow.append(["container_memory_working_set_bytes", ts(t), rng.randint(50, 200) * (8 if hot else 1) * 1048576,
                         pods[svc], "otel-demo", str({"container": svc, "pod": pods[svc]})])
        write_tsv(os.path.join(a.out, "metrics", f"pod_{pods[svc]}_raw.tsv"),
                  ["metric_name", "timestamp", "value", "pod_name", "namespace", "tags"], prow)
        srow = []
        for m in range(30):
            t = start + dt.timedelta(minutes=m)
            errs = rng.randint(20, 90) if (t > inject and svc == fault["victim"]) else rng.randint(0, 2)
            srow.append(["traces_span_metrics_calls_total", ts(t), errs, svc, "otel-demo", "STATUS_CODE_ERROR",
                         str({"service_name": svc, "status_code": "STATUS_CODE_ERROR"})])
        write_tsv(os.path.join(a.out, "metrics", f"service_{svc}_raw.tsv"),
                  ["metric_name", "timestamp", "value", "service_name", "namespace", "status_code", "tags"], srow)

    # alerts, one file a minute
    for m in range(30):
        t = start + dt.timedelta(minutes=m)
        firing = []
        if t > inject:
            for svc, name in fault["alerts"]:
                firing.append({"labels": {"alertname": name, "namespace": "otel-demo", "service_name": svc,
                                          "severity": "warning"},
                               "annotations": {"description": f"{name} on {svc}"}, "state": "firing",
                               "activeAt": (inject + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                               "value": f"{rng.uniform(0.1, 0.9):.3f}"})
        with open(os.path.join(a.out, "alerts", f"alerts_at_{t.strftime('%Y-%m-%dT%H-%M-%S.%f')}.json"), "w") as f:
            json.dump(firing, f, indent=4)

    with open(os.path.join(a.out, "ground_truth.yaml"), "w") as f:
        f.write(f"groups:\n  - id: fault-1\n    kind: {fault['kind']}\n    namespace: {fault['ns']}\n"
                f"    filter: ['{fault['name']}']\n    root_cause: true\n")


if __name__ == "__main__":
    main()
