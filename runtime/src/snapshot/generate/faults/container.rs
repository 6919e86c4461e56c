//! A workload's container spec changed: environment, image, readiness probe, command.

use serde_json::{Value, json};

use super::super::world::World;
use super::*;

/// `modified-kubernetes-workload-container-environment-variable`.
pub(super) fn modified_kubernetes_workload_container_environment_variable(
    inj: &Injection,
    w: &mut World,
    c: &Ctx,
    e: &mut Evidence,
) {
    let Ctx { deploy_name, .. } = c;
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
    let d = deployment(w, deploy_name, |d| {
        if let Some(env) = container(d)["env"].as_array_mut() {
            env.push(json!({"name": name, "value": value}));
        }
    });
    e.objects.push(("deployments".into(), d));
    e.victim_log =
        format!("failed to connect to {value} ({name}): dial tcp: address {value}: invalid port");
    e.span_error = format!("dial tcp: address {value}: invalid port");
}

/// `nonexistent-kubernetes-workload-container-image` | `unsupported-architecture-kubernetes-workload-container-image`.
pub(super) fn nonexistent_kubernetes_workload_container_image(
    inj: &Injection,
    w: &mut World,
    c: &Ctx,
    e: &mut Evidence,
) {
    let Ctx {
        ns, deploy_name, ..
    } = c;
    let bad = inj.id.starts_with("nonexistent");
    let image = if bad {
        format!("ghcr.io/open-telemetry/demo:2.1.3-{deploy_name}-doesnotexist")
    } else {
        format!("ghcr.io/open-telemetry/demo:2.1.3-{deploy_name}-arm64")
    };
    let img = image.clone();
    e.objects.push((
        "deployments".into(),
        deployment(w, deploy_name, |d| container(d)["image"] = json!(img)),
    ));
    let newpod = format!("{deploy_name}-{}-{}", w.suffix(10), w.suffix(5));
    if bad {
        e.events.push(event("Warning", "Failed", format!("Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": failed to resolve reference \"{image}\": {image}: not found"), "Pod", &newpod, ns, "kubelet"));
        e.events.push(event(
            "Warning",
            "Failed",
            "Error: ErrImagePull".into(),
            "Pod",
            &newpod,
            ns,
            "kubelet",
        ));
        e.events.push(event(
            "Normal",
            "BackOff",
            format!("Back-off pulling image \"{image}\""),
            "Pod",
            &newpod,
            ns,
            "kubelet",
        ));
        e.events.push(event(
            "Warning",
            "Failed",
            "Error: ImagePullBackOff".into(),
            "Pod",
            &newpod,
            ns,
            "kubelet",
        ));
    } else {
        e.events.push(back_off(w, deploy_name, &newpod, ns));
        e.victim_log = "exec /usr/src/app/main: exec format error".into();
    }
    e.effects = Effects {
        restarts: !bad,
        ..Effects::DOWN
    };
}

/// `misconfigured-kubernetes-workload-container-readiness-probe`.
pub(super) fn misconfigured_kubernetes_workload_container_readiness_probe(
    _inj: &Injection,
    w: &mut World,
    c: &Ctx,
    e: &mut Evidence,
) {
    let Ctx {
        ns,
        pod,
        deploy_name,
        ..
    } = c;
    e.objects.push(("deployments".into(), deployment(w, deploy_name, |d| {
            container(d)["readinessProbe"] = json!({"httpGet": {"path": "/healthz-invalid", "port": 9999}, "periodSeconds": 5, "failureThreshold": 1});
            d["status"] = json!({"replicas": 1, "unavailableReplicas": 1});
        })));
    e.events.push(event("Warning", "Unhealthy", "Readiness probe failed: Get \"http://10.244.1.17:9999/healthz-invalid\": dial tcp 10.244.1.17:9999: connect: connection refused".into(), "Pod", pod, ns, "kubelet"));
    e.caller_log = "failed to call {callee}: no healthy upstream".into();
    e.effects = Effects::DOWN;
}

/// `invalid-kubernetes-workload-container-command`.
pub(super) fn invalid_kubernetes_workload_container_command(
    _inj: &Injection,
    w: &mut World,
    c: &Ctx,
    e: &mut Evidence,
) {
    let Ctx {
        ns,
        pod,
        deploy_name,
        ..
    } = c;
    e.objects.push((
        "deployments".into(),
        deployment(w, deploy_name, |d| {
            container(d)["command"] = json!(["/app/start-server"])
        }),
    ));
    e.events.push(event("Warning", "Failed", "Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"/app/start-server\": stat /app/start-server: no such file or directory: unknown".into(), "Pod", pod, ns, "kubelet"));
    e.events.push(back_off(w, deploy_name, pod, ns));
    e.effects = Effects {
        restarts: true,
        ..Effects::DOWN
    };
}
