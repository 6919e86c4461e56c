//! Replicas that go away: a misconfigured HorizontalPodAutoscaler, a workload scaled to zero.

use serde_json::json;

use super::super::world::World;
use super::*;

/// `misconfigured-kubernetes-horizontal-pod-autoscaler`.
pub(super) fn misconfigured_kubernetes_horizontal_pod_autoscaler(
    inj: &Injection,
    w: &mut World,
    c: &Ctx,
    e: &mut Evidence,
) {
    let Ctx {
        ns, deploy_name, ..
    } = c;
    e.objects.push(("horizontalpodautoscalers".into(), json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": meta(&inj.name, ns, w),
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": deploy_name}, "minReplicas": 8, "maxReplicas": 12,
                     "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 1}}}]},
            "status": {"currentReplicas": 8, "desiredReplicas": 12}})));
    e.events.push(event(
        "Normal",
        "SuccessfulRescale",
        "New size: 12; reason: cpu resource utilization (percentage of request) above target"
            .to_string(),
        "HorizontalPodAutoscaler",
        &inj.name,
        ns,
        "horizontal-pod-autoscaler",
    ));
    e.effects = Effects {
        error_rate: 0.0,
        cpu: 1.0,
        mem: 1.0,
        ..Effects::default()
    };
}

/// `scaled-to-zero-kubernetes-workload`.
pub(super) fn scaled_to_zero_kubernetes_workload(
    _inj: &Injection,
    w: &mut World,
    c: &Ctx,
    e: &mut Evidence,
) {
    let Ctx {
        ns, v, deploy_name, ..
    } = c;
    e.objects.push((
        "deployments".into(),
        deployment(w, deploy_name, |d| {
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
                .get(v)
                .map(|s| s.rs_hash.clone())
                .unwrap_or_default()
        ),
        "Deployment",
        deploy_name,
        ns,
        "deployment-controller",
    ));
    e.effects = Effects {
        cpu: 0.0,
        mem: 0.0,
        ..Effects::DOWN
    };
}
