//! What each ITBench fault family leaves behind: the changed or created objects, the
//! Kubernetes events with the reasons and messages the real controllers write, the log lines
//! of the failing service and its callers, and the effect on metrics and spans.

use serde_json::{Value, json};

use super::world::World;

/// One injected fault as the spec describes it, after retargeting to the ground truth.
#[derive(Debug, Clone)]
pub struct Injection {
    /// ITBench fault id (`scheduled-chaos-mesh-experiment`, ...).
    pub id: String,
    /// The spec's `args`.
    pub args: Value,
    /// Kind of the object the fault acts on.
    pub kind: String,
    /// Its name (possibly renamed so the ground truth's pattern matches it).
    pub name: String,
    /// Its namespace.
    pub namespace: String,
    /// The service that fails first.
    pub victim: String,
}

/// A Kubernetes event to emit, repeatedly, after the injection.
#[derive(Debug, Clone)]
pub struct EventSpec {
    /// `Normal` or `Warning`.
    pub kind_of: &'static str,
    /// Event reason.
    pub reason: String,
    /// Event message.
    pub message: String,
    /// Involved object kind.
    pub object_kind: String,
    /// Involved object name.
    pub object_name: String,
    /// Involved object namespace.
    pub namespace: String,
    /// Reporting component.
    pub component: String,
    /// Emit once, or every few minutes.
    pub repeat: bool,
}

/// How the fault shows in telemetry.
#[derive(Debug, Clone, Default)]
pub struct Effects {
    /// Share of the victim's requests that fail.
    pub error_rate: f64,
    /// Extra latency of requests into the victim, in milliseconds.
    pub latency_ms: f64,
    /// CPU multiplier on the victim pod.
    pub cpu: f64,
    /// Memory multiplier on the victim pod.
    pub mem: f64,
    /// The victim pod restarts.
    pub restarts: bool,
    /// The victim serves nothing (not scheduled, not ready, no endpoints).
    pub down: bool,
}

/// Everything one injection adds to the snapshot.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// Objects created or changed by the fault: (resource plural, body). Written at injection.
    pub objects: Vec<(String, Value)>,
    /// Objects deleted by the fault: (resource plural, body).
    pub deleted: Vec<(String, Value)>,
    /// Events.
    pub events: Vec<EventSpec>,
    /// Error line the victim logs.
    pub victim_log: String,
    /// Error line a caller logs; `{callee}` is replaced.
    pub caller_log: String,
    /// Span status message for failed calls into the victim.
    pub span_error: String,
    /// Telemetry effects.
    pub effects: Effects,
    /// The failure leaves no error log: a feature flag makes calls return an error status
    /// that only spans and span metrics record.
    pub quiet: bool,
}

fn meta(name: &str, ns: &str, w: &mut World) -> Value {
    json!({"name": name, "namespace": ns, "uid": uid(w), "resourceVersion": w.rng_u32().to_string(),
           "creationTimestamp": "2025-12-15T16:02:11Z"})
}

/// A Kubernetes-style UID.
pub fn uid(w: &mut World) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        w.hex(8),
        w.hex(4),
        w.hex(4),
        w.hex(4),
        w.hex(12)
    )
}

fn event(
    kind_of: &'static str,
    reason: &str,
    message: String,
    kind: &str,
    name: &str,
    ns: &str,
    component: &str,
) -> EventSpec {
    EventSpec {
        kind_of,
        reason: reason.into(),
        message,
        object_kind: kind.into(),
        object_name: name.into(),
        namespace: ns.into(),
        component: component.into(),
        repeat: true,
    }
}

/// The Deployment body of a service, with optional changes to its pod template.
pub fn deployment(w: &mut World, svc: &str, patch: impl FnOnce(&mut Value)) -> Value {
    let ns = w.namespace.clone();
    let image = format!("ghcr.io/open-telemetry/demo:2.1.3-{svc}");
    let mut d = json!({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(svc, &ns, w),
        "spec": {"replicas": 1, "selector": {"matchLabels": {"opentelemetry.io/name": svc}},
            "template": {"metadata": {"labels": {"opentelemetry.io/name": svc, "app.kubernetes.io/component": svc}},
                "spec": {"containers": [{"name": svc, "image": image,
                    "env": [{"name": "OTEL_SERVICE_NAME", "value": svc}, {"name": "FLAGD_HOST", "value": "flagd"}],
                    "resources": {"limits": {"memory": "300Mi"}, "requests": {"cpu": "100m", "memory": "150Mi"}},
                    "readinessProbe": {"httpGet": {"path": "/", "port": 8080}, "periodSeconds": 10}}]}}},
        "status": {"replicas": 1, "readyReplicas": 1, "availableReplicas": 1}
    });
    patch(&mut d);
    d
}

fn container(d: &mut Value) -> &mut Value {
    &mut d["spec"]["template"]["spec"]["containers"][0]
}

fn chaos_kind(args: &Value) -> String {
    let t = args
        .pointer("/scheduleSpec/type")
        .and_then(Value::as_str)
        .unwrap_or("PodChaos");
    match t {
        "HttpChaos" => "HTTPChaos".into(),
        "JvmChaos" => "JVMChaos".into(),
        other => other.into(),
    }
}

/// The evidence of one injection.
pub fn evidence(inj: &Injection, w: &mut World) -> Evidence {
    let ns = w.namespace.clone();
    let v = inj.victim.clone();
    let pod = w
        .services
        .get(&v)
        .map(|s| s.pod.clone())
        .unwrap_or_else(|| format!("{v}-0"));
    let node = w
        .services
        .get(&v)
        .map(|s| s.node.clone())
        .unwrap_or_default();
    let mut e = Evidence {
        caller_log:
            "failed to call {callee}: rpc error: code = Unavailable desc = connection error".into(),
        span_error: "rpc error: code = Unavailable".into(),
        effects: Effects {
            error_rate: 0.6,
            cpu: 1.0,
            mem: 1.0,
            ..Effects::default()
        },
        ..Evidence::default()
    };
    let deploy_name = if inj.kind == "Deployment" {
        inj.name.clone()
    } else {
        v.clone()
    };
    match inj.id.as_str() {
        "opentelemetry-demo-feature-flag" => {
            let flag = inj
                .args
                .pointer("/flag/name")
                .and_then(Value::as_str)
                .unwrap_or("unknownFlag");
            let mut flags = serde_json::Map::new();
            for f in [
                "adFailure",
                "adHighCpu",
                "adManualGc",
                "cartFailure",
                "imageSlowLoad",
                "kafkaQueueProblems",
                "loadGeneratorFloodHomepage",
                "paymentFailure",
                "paymentUnreachable",
                "productCatalogFailure",
                "recommendationCacheFailure",
            ] {
                let on = f == flag;
                flags.insert(
                    f.into(),
                    json!({"state": "ENABLED", "variants": {"on": true, "off": false},
                    "defaultVariant": if on { "on" } else { "off" }}),
                );
            }
            let flagd =
                json!({"$schema": "https://flagd.dev/schema/v0/flags.json", "flags": flags});
            let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(&inj.name, &ns, w),
                "data": {"demo.flagd.json": serde_json::to_string_pretty(&flagd).unwrap_or_default()}});
            e.objects.push(("configmaps".into(), body));
            let flagd_pod = w
                .services
                .get("flagd")
                .map(|s| s.pod.clone())
                .unwrap_or_default();
            let mut once = event(
                "Normal",
                "Killing",
                "Stopping container flagd".into(),
                "Pod",
                &flagd_pod,
                &ns,
                "kubelet",
            );
            once.repeat = false;
            e.events.push(once);
            e.victim_log = format!("Error: feature flag {flag} is enabled, failing request");
            e.span_error = format!("{flag} feature flag is enabled");
            e.quiet = flag.contains("Failure") || flag.contains("Unreachable");
            if flag.contains("Cpu") || flag.contains("Gc") {
                e.effects = Effects {
                    error_rate: 0.05,
                    latency_ms: 900.0,
                    cpu: 6.0,
                    mem: 1.5,
                    ..Effects::default()
                };
                e.victim_log = format!("GC pause: heap {}MB; request exceeded deadline", 400);
            } else if flag.contains("Flood") {
                e.effects = Effects {
                    error_rate: 0.35,
                    latency_ms: 1500.0,
                    cpu: 4.0,
                    mem: 1.2,
                    ..Effects::default()
                };
                e.victim_log = "upstream request timeout: overflow, too many requests".into();
            } else if flag.contains("Slow") {
                e.effects = Effects {
                    error_rate: 0.02,
                    latency_ms: 5000.0,
                    cpu: 1.0,
                    mem: 1.0,
                    ..Effects::default()
                };
                e.victim_log = "image request took 5012ms".into();
            }
        }
        "modified-kubernetes-workload-container-environment-variable" => {
            let name = inj
                .args
                .pointer("/container/env/name")
                .and_then(Value::as_str)
                .unwrap_or("SERVICE_ADDR");
            let value = inj
                .args
                .pointer("/container/env/value")
                .and_then(Value::as_str)
                .unwrap_or("invalid:0000");
            let d = deployment(w, &deploy_name, |d| {
                if let Some(env) = container(d)["env"].as_array_mut() {
                    env.push(json!({"name": name, "value": value}));
                }
            });
            e.objects.push(("deployments".into(), d));
            e.victim_log = format!(
                "failed to connect to {value} ({name}): dial tcp: address {value}: invalid port"
            );
            e.span_error = format!("dial tcp: address {value}: invalid port");
        }
        "nonexistent-kubernetes-workload-container-image"
        | "unsupported-architecture-kubernetes-workload-container-image" => {
            let bad = inj.id.starts_with("nonexistent");
            let image = if bad {
                format!("ghcr.io/open-telemetry/demo:2.1.3-{deploy_name}-doesnotexist")
            } else {
                format!("ghcr.io/open-telemetry/demo:2.1.3-{deploy_name}-arm64")
            };
            let img = image.clone();
            e.objects.push((
                "deployments".into(),
                deployment(w, &deploy_name, |d| container(d)["image"] = json!(img)),
            ));
            let newpod = format!("{deploy_name}-{}-{}", w.suffix(10), w.suffix(5));
            if bad {
                e.events.push(event("Warning", "Failed", format!("Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": failed to resolve reference \"{image}\": {image}: not found"), "Pod", &newpod, &ns, "kubelet"));
                e.events.push(event(
                    "Warning",
                    "Failed",
                    "Error: ErrImagePull".into(),
                    "Pod",
                    &newpod,
                    &ns,
                    "kubelet",
                ));
                e.events.push(event(
                    "Normal",
                    "BackOff",
                    format!("Back-off pulling image \"{image}\""),
                    "Pod",
                    &newpod,
                    &ns,
                    "kubelet",
                ));
                e.events.push(event(
                    "Warning",
                    "Failed",
                    "Error: ImagePullBackOff".into(),
                    "Pod",
                    &newpod,
                    &ns,
                    "kubelet",
                ));
            } else {
                e.events.push(event("Warning", "BackOff", format!("Back-off restarting failed container {deploy_name} in pod {newpod}_{ns}({})", uid(w)), "Pod", &newpod, &ns, "kubelet"));
                e.victim_log = "exec /usr/src/app/main: exec format error".into();
            }
            e.effects = Effects {
                error_rate: 1.0,
                down: true,
                restarts: !bad,
                cpu: 1.0,
                mem: 1.0,
                ..Effects::default()
            };
        }
        "modified-target-port-kubernetes-service"
        | "invalid-kubernetes-service-selector"
        | "deleted-kubernetes-service" => {
            let port = inj
                .args
                .get("targetPort")
                .and_then(Value::as_u64)
                .unwrap_or(8080);
            let mut svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": meta(&inj.name, &ns, w),
                "spec": {"type": "ClusterIP", "ports": [{"name": "tcp-service", "port": 8080, "protocol": "TCP", "targetPort": 8080}],
                         "selector": {"opentelemetry.io/name": v}}});
            match inj.id.as_str() {
                "modified-target-port-kubernetes-service" => {
                    svc["spec"]["ports"][0]["targetPort"] = json!(port + 1);
                    e.caller_log = format!(
                        "failed to call {{callee}}: rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial tcp 10.96.{}.{}:8080: connect: connection refused\"",
                        w.rng_u32() % 255,
                        w.rng_u32() % 255
                    );
                    e.objects.push(("services".into(), svc));
                }
                "invalid-kubernetes-service-selector" => {
                    svc["spec"]["selector"] = json!({"app": format!("{v}-invalid")});
                    e.caller_log = "Error fetching from {callee}: 503 Service Unavailable: no healthy upstream".into();
                    e.objects.push(("services".into(), svc));
                    e.objects.push(("endpoints".into(), json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": meta(&inj.name, &ns, w), "subsets": []})));
                }
                _ => {
                    e.caller_log = format!(
                        "failed to call {{callee}}: dial tcp: lookup {}.{ns}.svc.cluster.local: no such host",
                        inj.name
                    );
                    e.deleted.push(("services".into(), svc));
                }
            }
            e.span_error = "connection refused".into();
            e.effects = Effects {
                error_rate: 1.0,
                cpu: 0.4,
                mem: 1.0,
                down: true,
                ..Effects::default()
            };
        }
        "ingress-port-blocking-network-policy" => {
            e.objects.push(("networkpolicies".into(), json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": meta(&inj.name, &ns, w),
                "spec": {"podSelector": {"matchLabels": {"opentelemetry.io/name": v}}, "policyTypes": ["Ingress"], "ingress": []}})));
            e.caller_log = "failed to call {callee}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)".into();
            e.span_error = "context deadline exceeded".into();
            e.effects = Effects {
                error_rate: 1.0,
                latency_ms: 10000.0,
                cpu: 0.3,
                mem: 1.0,
                down: true,
                ..Effects::default()
            };
        }
        "nonexistent-kubernetes-workload-node"
        | "unschedulable-kubernetes-workload-pod-anti-affinity-rule"
        | "cordoned-kubernetes-worker-node"
        | "nonexistent-kubernetes-workload-persistent-volume-claim"
        | "priority-kubernetes-workload-priority-preemption" => {
            let newpod = format!("{deploy_name}-{}-{}", w.suffix(10), w.suffix(5));
            let (why, patch): (String, Value) = match inj.id.as_str() {
                "nonexistent-kubernetes-workload-node" => ("4 node(s) didn't match Pod's node affinity/selector".into(),
                    json!({"nodeSelector": {"kubernetes.io/hostname": "nonexistent-node"}})),
                "unschedulable-kubernetes-workload-pod-anti-affinity-rule" => ("4 node(s) didn't match pod anti-affinity rules".into(),
                    json!({"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {"opentelemetry.io/name": deploy_name}}, "topologyKey": "kubernetes.io/os"}]}}})),
                "cordoned-kubernetes-worker-node" => ("4 node(s) were unschedulable".into(), json!({})),
                "nonexistent-kubernetes-workload-persistent-volume-claim" => (format!("persistentvolumeclaim \"{deploy_name}-data\" not found"),
                    json!({"volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": format!("{deploy_name}-data")}}]})),
                _ => ("4 Insufficient memory. preemption: 0/5 nodes are available: 1 Preemption is not helpful for scheduling, 4 No preemption victims found for incoming pod".into(),
                    json!({"priorityClassName": "low-priority"})),
            };
            let d = deployment(w, &deploy_name, |d| {
                if let (Some(spec), Some(p)) = (
                    d["spec"]["template"]["spec"].as_object_mut(),
                    patch.as_object(),
                ) {
                    for (k, val) in p {
                        spec.insert(k.clone(), val.clone());
                    }
                }
                d["status"] = json!({"replicas": 1, "unavailableReplicas": 1});
            });
            e.objects.push(("deployments".into(), d));
            if inj.id == "cordoned-kubernetes-worker-node" {
                e.objects.push(("nodes".into(), json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": node, "uid": uid(w)},
                    "spec": {"unschedulable": true, "taints": [{"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable"}]}})));
                e.objects.push(("poddisruptionbudgets".into(), json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                    "metadata": meta(&format!("{deploy_name}-pdb"), &ns, w), "spec": {"minAvailable": "100%", "selector": {"matchLabels": {"opentelemetry.io/name": deploy_name}}},
                    "status": {"disruptionsAllowed": 0, "currentHealthy": 1, "desiredHealthy": 1}})));
                e.events.push(event(
                    "Normal",
                    "NodeNotSchedulable",
                    format!("Node {node} status is now: NodeNotSchedulable"),
                    "Node",
                    &node,
                    "",
                    "kubelet",
                ));
                e.events.push(event("Warning", "FailedEviction", format!("Cannot evict pod as it would violate the pod's disruption budget {deploy_name}-pdb"), "Pod", &pod, &ns, "eviction-controller"));
            }
            if inj.id == "priority-kubernetes-workload-priority-preemption" {
                for _ in 0..3 {
                    let ev = format!("eviction-pod-{}", w.suffix(5));
                    e.objects.push(("pods".into(), json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta(&ev, &ns, w),
                        "spec": {"priorityClassName": "high-priority", "containers": [{"name": "hog", "image": "registry.k8s.io/pause:3.9", "resources": {"requests": {"memory": "6Gi"}}}]}})));
                    e.events.push(event(
                        "Normal",
                        "Preempted",
                        format!("Preempted by pod {}", uid(w)),
                        "Pod",
                        &pod,
                        &ns,
                        "default-scheduler",
                    ));
                }
            }
            e.events.push(event("Warning", "FailedScheduling", format!("0/5 nodes are available: 1 node(s) had untolerated taint {{node-role.kubernetes.io/control-plane: }}, {why}. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling."), "Pod", &newpod, &ns, "default-scheduler"));
            e.effects = Effects {
                error_rate: 1.0,
                down: true,
                cpu: 1.0,
                mem: 1.0,
                ..Effects::default()
            };
        }
        "valkey-workload-changed-password" => {
            e.objects.push((
                "deployments".into(),
                deployment(w, &deploy_name, |d| {
                    container(d)["args"] = json!(["--requirepass", "$(VALKEY_PASSWORD)"]);
                }),
            ));
            e.victim_log = "-NOAUTH Authentication required.".into();
            e.caller_log = "Can't access cart storage. StackExchange.Redis.RedisServerException: NOAUTH Authentication required.".into();
            e.span_error = "NOAUTH Authentication required.".into();
        }
        "valkey-workload-out-of-memory"
        | "insufficient-kubernetes-workload-container-resources"
        | "unassigned-kubernetes-workload-container-resource-limits" => {
            let limit = if inj.id.starts_with("unassigned") {
                None
            } else {
                Some("16Mi")
            };
            e.objects.push((
                "deployments".into(),
                deployment(w, &deploy_name, |d| {
                    container(d)["resources"] = match limit {
                        Some(l) => json!({"limits": {"memory": l}, "requests": {"memory": l}}),
                        None => json!({}),
                    };
                }),
            ));
            e.events.push(event(
                "Warning",
                "BackOff",
                format!(
                    "Back-off restarting failed container {deploy_name} in pod {pod}_{ns}({})",
                    uid(w)
                ),
                "Pod",
                &pod,
                &ns,
                "kubelet",
            ));
            e.events.push(event("Normal", "Pulled", format!("Container image \"ghcr.io/open-telemetry/demo:2.1.3-{deploy_name}\" already present on machine"), "Pod", &pod, &ns, "kubelet"));
            e.victim_log = "Out of memory: Killed process (OOMKilled)".into();
            e.effects = Effects {
                error_rate: 0.5,
                mem: 8.0,
                cpu: 1.2,
                restarts: true,
                ..Effects::default()
            };
        }
        "failing-name-resolution-kubernetes-workload-dns-policy" => {
            e.objects.push((
                "deployments".into(),
                deployment(w, &deploy_name, |d| {
                    d["spec"]["template"]["spec"]["dnsPolicy"] = json!("None");
                    d["spec"]["template"]["spec"]["dnsConfig"] =
                        json!({"nameservers": ["192.0.2.53"]});
                }),
            ));
            e.victim_log = "Error: getaddrinfo EAI_AGAIN product-catalog".into();
            e.caller_log = "upstream connect error or disconnect/reset before headers. reset reason: connection failure".into();
            e.span_error = "getaddrinfo EAI_AGAIN".into();
            e.effects.error_rate = 0.9;
        }
        "hanging-kubernetes-workload-init-container"
        | "crashing-kubernetes-workload-init-container" => {
            let crash = inj.id.starts_with("crashing");
            let cm = inj
                .args
                .get("configMapName")
                .and_then(Value::as_str)
                .map(str::to_string)
                .filter(|_| crash);
            e.objects.push(("deployments".into(), deployment(w, &deploy_name, |d| {
                d["spec"]["template"]["spec"]["initContainers"] = if crash {
                    json!([{"name": "init-config", "image": "busybox:1.36", "command": ["sh", "-c", "test -s /config/features.json || exit 1"],
                            "volumeMounts": [{"name": "config", "mountPath": "/config"}]}])
                } else {
                    json!([{"name": "wait-for-deps", "image": "busybox:1.36", "command": ["sh", "-c", "until nslookup email-db; do sleep 2; done"]}])
                };
                d["status"] = json!({"replicas": 1, "unavailableReplicas": 1});
            })));
            if let Some(cm) = cm {
                e.objects.push(("configmaps".into(), json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(&cm, &ns, w), "data": {"features.json": ""}})));
            }
            if crash {
                e.events.push(event(
                    "Warning",
                    "BackOff",
                    format!(
                        "Back-off restarting failed container init-config in pod {pod}_{ns}({})",
                        uid(w)
                    ),
                    "Pod",
                    &pod,
                    &ns,
                    "kubelet",
                ));
            } else {
                let mut once = event(
                    "Normal",
                    "Started",
                    "Started container wait-for-deps".into(),
                    "Pod",
                    &pod,
                    &ns,
                    "kubelet",
                );
                once.repeat = false;
                e.events.push(once);
            }
            e.effects = Effects {
                error_rate: 1.0,
                down: true,
                cpu: 0.1,
                mem: 0.3,
                restarts: crash,
                ..Effects::default()
            };
        }
        "misconfigured-kubernetes-workload-container-readiness-probe" => {
            e.objects.push(("deployments".into(), deployment(w, &deploy_name, |d| {
                container(d)["readinessProbe"] = json!({"httpGet": {"path": "/healthz-invalid", "port": 9999}, "periodSeconds": 5, "failureThreshold": 1});
                d["status"] = json!({"replicas": 1, "unavailableReplicas": 1});
            })));
            e.events.push(event("Warning", "Unhealthy", "Readiness probe failed: Get \"http://10.244.1.17:9999/healthz-invalid\": dial tcp 10.244.1.17:9999: connect: connection refused".into(), "Pod", &pod, &ns, "kubelet"));
            e.caller_log = "failed to call {callee}: no healthy upstream".into();
            e.effects = Effects {
                error_rate: 1.0,
                down: true,
                cpu: 1.0,
                mem: 1.0,
                ..Effects::default()
            };
        }
        "insufficient-kubernetes-resource-quota" => {
            let quota = if inj.name.contains("quota") {
                inj.name.clone()
            } else {
                "strict-resource-quota".into()
            };
            e.objects.push(("resourcequotas".into(), json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": meta(&quota, &ns, w),
                "spec": {"hard": {"limits.memory": "2Gi", "pods": "20"}},
                "status": {"hard": {"limits.memory": "2Gi", "pods": "20"}, "used": {"limits.memory": "1984Mi", "pods": "19"}}})));
            let rs = format!("{deploy_name}-{}", w.suffix(10));
            e.events.push(event("Warning", "FailedCreate", format!("Error creating: pods \"{rs}-{}\" is forbidden: exceeded quota: {quota}, requested: limits.memory=300Mi, used: limits.memory=1984Mi, limited: limits.memory=2Gi", w.suffix(5)), "ReplicaSet", &rs, &ns, "replicaset-controller"));
            e.effects = Effects {
                error_rate: 1.0,
                down: true,
                cpu: 1.0,
                mem: 1.0,
                ..Effects::default()
            };
        }
        "misconfigured-kubernetes-horizontal-pod-autoscaler" => {
            e.objects.push(("horizontalpodautoscalers".into(), json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                "metadata": meta(&inj.name, &ns, w),
                "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": deploy_name}, "minReplicas": 8, "maxReplicas": 12,
                         "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 1}}}]},
                "status": {"currentReplicas": 8, "desiredReplicas": 12}})));
            e.events.push(event("Normal", "SuccessfulRescale", "New size: 12; reason: cpu resource utilization (percentage of request) above target".to_string(), "HorizontalPodAutoscaler", &inj.name, &ns, "horizontal-pod-autoscaler"));
            e.effects = Effects {
                error_rate: 0.0,
                cpu: 1.0,
                mem: 1.0,
                ..Effects::default()
            };
        }
        "corrupted-kubernetes-secret-credentials" => {
            e.objects.push(("secrets".into(), json!({"apiVersion": "v1", "kind": "Secret", "metadata": meta(&inj.name, &ns, w), "type": "Opaque",
                "data": {"SMTP_PASSWORD": "Y29ycnVwdGVkLXBhc3N3b3Jk"}})));
            e.victim_log =
                "Net::SMTPAuthenticationError: 535 5.7.8 Authentication credentials invalid".into();
            e.span_error = "535 5.7.8 Authentication credentials invalid".into();
        }
        "invalid-kubernetes-workload-container-command" => {
            e.objects.push((
                "deployments".into(),
                deployment(w, &deploy_name, |d| {
                    container(d)["command"] = json!(["/app/start-server"])
                }),
            ));
            e.events.push(event("Warning", "Failed", "Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"/app/start-server\": stat /app/start-server: no such file or directory: unknown".into(), "Pod", &pod, &ns, "kubelet"));
            e.events.push(event(
                "Warning",
                "BackOff",
                format!(
                    "Back-off restarting failed container {deploy_name} in pod {pod}_{ns}({})",
                    uid(w)
                ),
                "Pod",
                &pod,
                &ns,
                "kubelet",
            ));
            e.effects = Effects {
                error_rate: 1.0,
                down: true,
                restarts: true,
                cpu: 1.0,
                mem: 1.0,
                ..Effects::default()
            };
        }
        "traffic-denying-istio-gateway-authorization-policy"
        | "strict-mutual-tls-istio-service-mesh-enforcement"
        | "disabled-istio-ambient-mode-kubernetes-namespace" => {
            match inj.id.as_str() {
                "traffic-denying-istio-gateway-authorization-policy" => {
                    e.objects.push(("authorizationpolicies".into(), json!({"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
                        "metadata": meta(&format!("{}-deny", inj.name), &ns, w),
                        "spec": {"action": "DENY", "targetRefs": [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": inj.name}],
                                 "rules": [{"to": [{"operation": {"methods": ["GET"]}}]}]}})));
                    e.victim_log = "RBAC: access denied".into();
                    e.span_error = "403 RBAC: access denied".into();
                }
                "strict-mutual-tls-istio-service-mesh-enforcement" => {
                    e.objects.push(("peerauthentications".into(), json!({"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication",
                        "metadata": meta("strict-mtls-mode", &ns, w), "spec": {"mtls": {"mode": "STRICT"}}})));
                    e.caller_log = "upstream connect error or disconnect/reset before headers. reset reason: connection termination".into();
                    e.span_error = "upstream connect error: connection termination".into();
                }
                _ => {
                    e.objects.push(("namespaces".into(), json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "uid": uid(w), "labels": {"kubernetes.io/metadata.name": ns}}})));
                    e.caller_log = "upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: TLS_error".into();
                }
            }
            e.effects.error_rate = 0.95;
        }
        "scaled-to-zero-kubernetes-workload" => {
            e.objects.push((
                "deployments".into(),
                deployment(w, &deploy_name, |d| {
                    d["spec"]["replicas"] = json!(0);
                    d["status"] = json!({"replicas": 0});
                }),
            ));
            e.events.push(event(
                "Normal",
                "ScalingReplicaSet",
                format!(
                    "Scaled down replica set {deploy_name}-{} from 1 to 0",
                    w.services
                        .get(&v)
                        .map(|s| s.rs_hash.clone())
                        .unwrap_or_default()
                ),
                "Deployment",
                &deploy_name,
                &ns,
                "deployment-controller",
            ));
            e.effects = Effects {
                error_rate: 1.0,
                down: true,
                cpu: 0.0,
                mem: 0.0,
                ..Effects::default()
            };
        }
        "scheduled-chaos-mesh-experiment" => chaos(inj, w, &pod, &mut e),
        _ => {
            e.victim_log = format!("request failed: {}", inj.id);
        }
    }
    if e.victim_log.is_empty() {
        e.victim_log = e.span_error.clone();
    }
    e
}

fn chaos(inj: &Injection, w: &mut World, pod: &str, e: &mut Evidence) {
    let kind = chaos_kind(&inj.args);
    let spec_key = {
        let mut k = kind.clone();
        if let Some(f) = k.get_mut(0..1) {
            f.make_ascii_lowercase();
        }
        k.replace("HTTP", "http").replace("JVM", "jvm")
    };
    let inner = inj
        .args
        .pointer(&format!("/scheduleSpec/{spec_key}"))
        .cloned()
        .unwrap_or(json!({}));
    let schedule = json!({"apiVersion": "chaos-mesh.org/v1alpha1", "kind": "Schedule", "metadata": meta(&inj.name, "chaos-mesh", w),
        "spec": {"schedule": "@every 1m", "concurrencyPolicy": "Forbid", "historyLimit": 1, "type": kind, spec_key.clone(): inner.clone()}});
    let exp_name = format!("{}-{}", inj.name, w.suffix(5));
    let plural = format!("{}s", kind.to_ascii_lowercase());
    let experiment = json!({"apiVersion": "chaos-mesh.org/v1alpha1", "kind": kind, "metadata": meta(&exp_name, "chaos-mesh", w),
        "spec": inner, "status": {"experiment": {"desiredPhase": "Run", "containerRecords": [{"id": format!("{}/{pod}", w.namespace), "phase": "Injected"}]}}});
    e.objects.push(("schedules".into(), schedule));
    e.objects.push((plural, experiment));
    let ns = w.namespace.clone();
    let mut started = event(
        "Normal",
        "Started",
        "Experiment has started".to_string(),
        &kind,
        &exp_name,
        "chaos-mesh",
        "initFinalizers",
    );
    started.repeat = false;
    e.events.push(started);
    e.events.push(event(
        "Normal",
        "Applied",
        format!("Successfully apply chaos for {ns}/{pod}"),
        &kind,
        &exp_name,
        "chaos-mesh",
        "records",
    ));
    let action = inner.get("action").and_then(Value::as_str).unwrap_or("");
    match kind.as_str() {
        "NetworkChaos" if action == "delay" => {
            let lat = inner
                .pointer("/delay/latency")
                .and_then(Value::as_str)
                .unwrap_or("2000ms");
            let ms: f64 = lat.trim_end_matches("ms").parse().unwrap_or(2000.0);
            e.effects = Effects {
                error_rate: 0.15,
                latency_ms: ms,
                cpu: 0.8,
                mem: 1.0,
                ..Effects::default()
            };
            e.caller_log = "failed to call {callee}: rpc error: code = DeadlineExceeded desc = context deadline exceeded".into();
            e.span_error = "context deadline exceeded".into();
        }
        "NetworkChaos" => {
            e.effects = Effects {
                error_rate: 0.8,
                latency_ms: 3000.0,
                cpu: 0.8,
                mem: 1.0,
                ..Effects::default()
            };
            e.caller_log = "failed to call {callee}: dial tcp: i/o timeout".into();
            e.span_error = "i/o timeout".into();
        }
        "StressChaos" => {
            let mem = inner.pointer("/stressors/memory").is_some();
            e.effects = if mem {
                Effects {
                    error_rate: 0.3,
                    latency_ms: 400.0,
                    cpu: 1.5,
                    mem: 10.0,
                    restarts: true,
                    ..Effects::default()
                }
            } else {
                Effects {
                    error_rate: 0.1,
                    latency_ms: 1200.0,
                    cpu: 12.0,
                    mem: 1.1,
                    ..Effects::default()
                }
            };
            e.victim_log = if mem {
                "Out of memory: Killed process (OOMKilled)".into()
            } else {
                "request handling slow: worker saturated".into()
            };
            e.span_error = "deadline exceeded".into();
        }
        "JVMChaos" => {
            e.victim_log = "java.lang.NullPointerException: Cannot invoke \"AdService.getAds()\" because the return value of \"AdService.getInstance()\" is null".into();
            e.span_error = "java.lang.NullPointerException".into();
            e.effects = Effects {
                error_rate: 0.9,
                cpu: 1.3,
                mem: 1.2,
                ..Effects::default()
            };
        }
        "HTTPChaos" => {
            e.victim_log = "HTTP request aborted by peer".into();
            e.caller_log = "failed to call {callee}: HTTP 500: upstream request aborted".into();
            e.span_error = "HTTP 500".into();
        }
        _ => {
            e.victim_log = "container killed, restarting".into();
            e.effects = Effects {
                error_rate: 0.5,
                restarts: true,
                cpu: 1.0,
                mem: 1.0,
                ..Effects::default()
            };
            e.events.push(event(
                "Normal",
                "Killing",
                format!("Stopping container {}", inj.victim),
                "Pod",
                pod,
                &ns,
                "kubelet",
            ));
        }
    }
}
