//! What each ITBench fault family leaves behind: the changed or created objects, the
//! Kubernetes events with the reasons and messages the real controllers write, the log lines
//! of the failing service and its callers, and the effect on metrics and spans.
//!
//! [`evidence`] dispatches on the fault id to one function a family, in a module a kind of
//! failure ([`flag`], [`container`], [`network`], [`scheduling`], [`scaling`], [`resources`],
//! [`credentials`]; Chaos Mesh experiments here); the helpers that build objects and events
//! are shared below.

mod container;
mod credentials;
mod flag;
mod network;
mod resources;
mod scaling;
mod scheduling;

use serde_json::{Value, json};

use super::world::World;

/// What every fault family's function starts from: the application's namespace, the victim
/// service with its pod and node, and the Deployment the fault acts on.
struct Ctx {
    ns: String,
    v: String,
    pod: String,
    node: String,
    deploy_name: String,
}

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

impl Effects {
    /// The victim serves nothing and every request into it fails; its pod's CPU and memory
    /// stay as they were. Most failures that keep a workload from running look like this.
    pub const DOWN: Effects = Effects {
        error_rate: 1.0,
        latency_ms: 0.0,
        cpu: 1.0,
        mem: 1.0,
        restarts: false,
        down: true,
    };
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

/// The kubelet's `BackOff` warning for `container` crash-looping in `pod` (its uid is drawn
/// here, as the kubelet's message carries the pod's).
fn back_off(w: &mut World, container: &str, pod: &str, ns: &str) -> EventSpec {
    event(
        "Warning",
        "BackOff",
        format!(
            "Back-off restarting failed container {container} in pod {pod}_{ns}({})",
            uid(w)
        ),
        "Pod",
        pod,
        ns,
        "kubelet",
    )
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
    let c = Ctx {
        ns,
        v,
        pod,
        node,
        deploy_name,
    };
    match inj.id.as_str() {
        "opentelemetry-demo-feature-flag" => {
            flag::opentelemetry_demo_feature_flag(inj, w, &c, &mut e)
        }
        "modified-kubernetes-workload-container-environment-variable" => {
            container::modified_kubernetes_workload_container_environment_variable(
                inj, w, &c, &mut e,
            )
        }
        "nonexistent-kubernetes-workload-container-image"
        | "unsupported-architecture-kubernetes-workload-container-image" => {
            container::nonexistent_kubernetes_workload_container_image(inj, w, &c, &mut e)
        }
        "misconfigured-kubernetes-workload-container-readiness-probe" => {
            container::misconfigured_kubernetes_workload_container_readiness_probe(
                inj, w, &c, &mut e,
            )
        }
        "invalid-kubernetes-workload-container-command" => {
            container::invalid_kubernetes_workload_container_command(inj, w, &c, &mut e)
        }
        "modified-target-port-kubernetes-service"
        | "invalid-kubernetes-service-selector"
        | "deleted-kubernetes-service" => {
            network::modified_target_port_kubernetes_service(inj, w, &c, &mut e)
        }
        "ingress-port-blocking-network-policy" => {
            network::ingress_port_blocking_network_policy(inj, w, &c, &mut e)
        }
        "failing-name-resolution-kubernetes-workload-dns-policy" => {
            network::failing_name_resolution_kubernetes_workload_dns_policy(inj, w, &c, &mut e)
        }
        "traffic-denying-istio-gateway-authorization-policy"
        | "strict-mutual-tls-istio-service-mesh-enforcement"
        | "disabled-istio-ambient-mode-kubernetes-namespace" => {
            network::traffic_denying_istio_gateway_authorization_policy(inj, w, &c, &mut e)
        }
        "nonexistent-kubernetes-workload-node"
        | "unschedulable-kubernetes-workload-pod-anti-affinity-rule"
        | "cordoned-kubernetes-worker-node"
        | "nonexistent-kubernetes-workload-persistent-volume-claim"
        | "priority-kubernetes-workload-priority-preemption" => {
            scheduling::nonexistent_kubernetes_workload_node(inj, w, &c, &mut e)
        }
        "insufficient-kubernetes-resource-quota" => {
            scheduling::insufficient_kubernetes_resource_quota(inj, w, &c, &mut e)
        }
        "misconfigured-kubernetes-horizontal-pod-autoscaler" => {
            scaling::misconfigured_kubernetes_horizontal_pod_autoscaler(inj, w, &c, &mut e)
        }
        "scaled-to-zero-kubernetes-workload" => {
            scaling::scaled_to_zero_kubernetes_workload(inj, w, &c, &mut e)
        }
        "valkey-workload-out-of-memory"
        | "insufficient-kubernetes-workload-container-resources"
        | "unassigned-kubernetes-workload-container-resource-limits" => {
            resources::valkey_workload_out_of_memory(inj, w, &c, &mut e)
        }
        "hanging-kubernetes-workload-init-container"
        | "crashing-kubernetes-workload-init-container" => {
            resources::hanging_kubernetes_workload_init_container(inj, w, &c, &mut e)
        }
        "valkey-workload-changed-password" => {
            credentials::valkey_workload_changed_password(inj, w, &c, &mut e)
        }
        "corrupted-kubernetes-secret-credentials" => {
            credentials::corrupted_kubernetes_secret_credentials(inj, w, &c, &mut e)
        }
        "scheduled-chaos-mesh-experiment" => chaos(inj, w, &c.pod, &mut e),
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
