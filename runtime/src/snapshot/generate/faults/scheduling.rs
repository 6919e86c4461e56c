//! Pods that cannot be placed: node selectors, affinity, cordons, claims, priorities, quotas.

use serde_json::{Value, json};

use super::super::world::World;
use super::*;

/// `nonexistent-kubernetes-workload-node` | `unschedulable-kubernetes-workload-pod-anti-affinity-rule` | `cordoned-kubernetes-worker-node` | `nonexistent-kubernetes-workload-persistent-volume-claim` | `priority-kubernetes-workload-priority-preemption`.
pub(super) fn nonexistent_kubernetes_workload_node(
    inj: &Injection,
    w: &mut World,
    c: &Ctx,
    e: &mut Evidence,
) {
    let Ctx {
        ns,
        pod,
        node,
        deploy_name,
        ..
    } = c;
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
    let d = deployment(w, deploy_name, |d| {
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
                "metadata": meta(&format!("{deploy_name}-pdb"), ns, w), "spec": {"minAvailable": "100%", "selector": {"matchLabels": {"opentelemetry.io/name": deploy_name}}},
                "status": {"disruptionsAllowed": 0, "currentHealthy": 1, "desiredHealthy": 1}})));
        e.events.push(event(
            "Normal",
            "NodeNotSchedulable",
            format!("Node {node} status is now: NodeNotSchedulable"),
            "Node",
            node,
            "",
            "kubelet",
        ));
        e.events.push(event(
            "Warning",
            "FailedEviction",
            format!(
                "Cannot evict pod as it would violate the pod's disruption budget {deploy_name}-pdb"
            ),
            "Pod",
            pod,
            ns,
            "eviction-controller",
        ));
    }
    if inj.id == "priority-kubernetes-workload-priority-preemption" {
        for _ in 0..3 {
            let ev = format!("eviction-pod-{}", w.suffix(5));
            e.objects.push(("pods".into(), json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta(&ev, ns, w),
                    "spec": {"priorityClassName": "high-priority", "containers": [{"name": "hog", "image": "registry.k8s.io/pause:3.9", "resources": {"requests": {"memory": "6Gi"}}}]}})));
            e.events.push(event(
                "Normal",
                "Preempted",
                format!("Preempted by pod {}", uid(w)),
                "Pod",
                pod,
                ns,
                "default-scheduler",
            ));
        }
    }
    e.events.push(event("Warning", "FailedScheduling", format!("0/5 nodes are available: 1 node(s) had untolerated taint {{node-role.kubernetes.io/control-plane: }}, {why}. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling."), "Pod", &newpod, ns, "default-scheduler"));
    e.effects = Effects::DOWN;
}

/// `insufficient-kubernetes-resource-quota`.
pub(super) fn insufficient_kubernetes_resource_quota(
    inj: &Injection,
    w: &mut World,
    c: &Ctx,
    e: &mut Evidence,
) {
    let Ctx {
        ns, deploy_name, ..
    } = c;
    let quota = if inj.name.contains("quota") {
        inj.name.clone()
    } else {
        "strict-resource-quota".into()
    };
    e.objects.push(("resourcequotas".into(), json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": meta(&quota, ns, w),
            "spec": {"hard": {"limits.memory": "2Gi", "pods": "20"}},
            "status": {"hard": {"limits.memory": "2Gi", "pods": "20"}, "used": {"limits.memory": "1984Mi", "pods": "19"}}})));
    let rs = format!("{deploy_name}-{}", w.suffix(10));
    e.events.push(event("Warning", "FailedCreate", format!("Error creating: pods \"{rs}-{}\" is forbidden: exceeded quota: {quota}, requested: limits.memory=300Mi, used: limits.memory=1984Mi, limited: limits.memory=2Gi", w.suffix(5)), "ReplicaSet", &rs, ns, "replicaset-controller"));
    e.effects = Effects::DOWN;
}
