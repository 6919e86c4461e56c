//! Containers that run out of room or never start: memory and limits, init containers.

use serde_json::{Value, json};

use super::super::world::World;
use super::*;

/// `valkey-workload-out-of-memory` | `insufficient-kubernetes-workload-container-resources` | `unassigned-kubernetes-workload-container-resource-limits`.
pub(super) fn valkey_workload_out_of_memory(
    inj: &Injection,
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
    let limit = if inj.id.starts_with("unassigned") {
        None
    } else {
        Some("16Mi")
    };
    e.objects.push((
        "deployments".into(),
        deployment(w, deploy_name, |d| {
            container(d)["resources"] = match limit {
                Some(l) => json!({"limits": {"memory": l}, "requests": {"memory": l}}),
                None => json!({}),
            };
        }),
    ));
    e.events.push(back_off(w, deploy_name, pod, ns));
    e.events.push(event("Normal", "Pulled", format!("Container image \"ghcr.io/open-telemetry/demo:2.1.3-{deploy_name}\" already present on machine"), "Pod", pod, ns, "kubelet"));
    e.victim_log = "Out of memory: Killed process (OOMKilled)".into();
    e.effects = Effects {
        error_rate: 0.5,
        mem: 8.0,
        cpu: 1.2,
        restarts: true,
        ..Effects::default()
    };
}

/// `hanging-kubernetes-workload-init-container` | `crashing-kubernetes-workload-init-container`.
pub(super) fn hanging_kubernetes_workload_init_container(
    inj: &Injection,
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
    let crash = inj.id.starts_with("crashing");
    let cm = inj
        .args
        .get("configMapName")
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|_| crash);
    e.objects.push(("deployments".into(), deployment(w, deploy_name, |d| {
            d["spec"]["template"]["spec"]["initContainers"] = if crash {
                json!([{"name": "init-config", "image": "busybox:1.36", "command": ["sh", "-c", "test -s /config/features.json || exit 1"],
                        "volumeMounts": [{"name": "config", "mountPath": "/config"}]}])
            } else {
                json!([{"name": "wait-for-deps", "image": "busybox:1.36", "command": ["sh", "-c", "until nslookup email-db; do sleep 2; done"]}])
            };
            d["status"] = json!({"replicas": 1, "unavailableReplicas": 1});
        })));
    if let Some(cm) = cm {
        e.objects.push(("configmaps".into(), json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(&cm, ns, w), "data": {"features.json": ""}})));
    }
    if crash {
        e.events.push(back_off(w, "init-config", pod, ns));
    } else {
        let mut once = event(
            "Normal",
            "Started",
            "Started container wait-for-deps".into(),
            "Pod",
            pod,
            ns,
            "kubelet",
        );
        once.repeat = false;
        e.events.push(once);
    }
    e.effects = Effects {
        cpu: 0.1,
        mem: 0.3,
        restarts: crash,
        ..Effects::DOWN
    };
}
