//! `k8s_objects_raw.tsv`: the application's objects inside the whole cluster, the fault's
//! changes and unrelated rollouts applied, written once per pull of the k8sobjects receiver.

use std::path::Path;

use serde_json::{Value, json};

use super::cluster::{APP_AT, Cluster, Container, Entity, PULL_SECS, PodLife, key_of};
use super::faults::{deployment, uid};
use super::telemetry::{INJECT_MIN, MINUTES, Plan, ROLLOUT_MIN, SECOND_ROLLOUT_MIN, k8s_row};
use super::world::World;
use crate::snapshot::SnapshotError;
use crate::snapshot::pymap;

/// otel-demo services whose pods wait for Kafka in an init container, as the demo's chart has it.
const WAITS_FOR_KAFKA: &[&str] = &["accounting", "checkout", "fraud-detection"];

impl Plan {
    /// The application's objects at install time, and its pods' lives.
    fn app_objects(&self, w: &mut World) -> (Vec<(&'static str, Value)>, Vec<PodLife>) {
        let ns = w.namespace.clone();
        let mut objs: Vec<(&'static str, Value)> = Vec::new();
        let mut pods = Vec::new();
        let at = self.stamp_offset(APP_AT);
        objs.push((
            "serviceaccounts",
            json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": ns, "namespace": ns, "uid": uid(w), "creationTimestamp": at}}),
        ));
        for (name, s) in w.services.clone() {
            objs.push(("deployments", deployment(w, &s.deployment, |_| {})));
            // The first pods, replaced when the installer restarts the Deployment (`cluster`).
            let hash = w.suffix(10);
            let labels = json!({"opentelemetry.io/name": name, "pod-template-hash": hash});
            let rs = format!("{}-{hash}", s.deployment);
            let first_pod = format!("{rs}-{}", w.suffix(5));
            objs.push(("replicasets", json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": rs, "namespace": ns, "uid": uid(w), "creationTimestamp": at, "labels": labels},
                "spec": {"replicas": 1, "selector": {"matchLabels": labels}}, "status": {"replicas": 1, "readyReplicas": 1}})));
            objs.push(("services", json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns, "uid": uid(w), "creationTimestamp": at},
                "spec": {"type": "ClusterIP", "ports": [{"name": "tcp-service", "port": 8080, "protocol": "TCP", "targetPort": 8080}], "selector": {"opentelemetry.io/name": name}}})));
            let ip = format!("10.244.{}.{}", w.rng_u32() % 5, 2 + w.rng_u32() % 250);
            objs.push(("endpoints", json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name, "namespace": ns, "uid": uid(w), "creationTimestamp": at},
                "subsets": [{"addresses": [{"ip": ip, "targetRef": {"kind": "Pod", "name": s.pod}}], "ports": [{"name": "tcp-service", "port": 8080, "protocol": "TCP"}]}]})));
            let mut containers: Vec<Container> = Vec::new();
            if WAITS_FOR_KAFKA.contains(&name.as_str()) {
                containers.push(("wait-for-kafka".into(), "busybox:latest".into(), true));
            }
            containers.push((
                name.clone(),
                format!("ghcr.io/open-telemetry/demo:2.1.3-{name}"),
                false,
            ));
            let spec_of = |init: bool| -> Vec<Value> {
                containers
                    .iter()
                    .filter(|c| c.2 == init)
                    .map(|(n, i, _)| json!({"name": n, "image": i}))
                    .collect()
            };
            let mut spec =
                json!({"nodeName": s.node, "serviceAccountName": ns, "containers": spec_of(false)});
            if containers.iter().any(|c| c.2) {
                spec["initContainers"] = json!(spec_of(true));
            }
            objs.push(("pods", json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": first_pod, "namespace": ns, "uid": uid(w), "creationTimestamp": at,
                "labels": labels, "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "controller": true}]},
                "spec": spec, "status": {"phase": "Running", "podIP": ip, "containerStatuses": [{"name": name, "ready": true, "restartCount": 0}]}})));
            let created = APP_AT + 40 + i64::from(w.rng_u32() % 120);
            pods.push(PodLife {
                ns: ns.clone(),
                name: first_pod.clone(),
                node: s.node.clone(),
                containers,
                owner: ("ReplicaSet".into(), rs),
                created,
                killed: None,
                pvc: None,
                slow_start: matches!(name.as_str(), "kafka" | "postgresql" | "reviews"),
            });
        }
        if ns == "book-info" {
            // BookInfo runs three versions of reviews and an Istio gateway; only v1 is traced
            // as a service of the topology, the others are there as in the real namespace.
            for (deploy, image) in [
                (
                    "reviews-v2",
                    "docker.io/istio/examples-bookinfo-reviews-v2:1.20.2",
                ),
                (
                    "reviews-v3",
                    "docker.io/istio/examples-bookinfo-reviews-v3:1.20.2",
                ),
                ("bookinfo-gateway-istio", "docker.io/istio/proxyv2:1.24.2"),
            ] {
                let hash = w.suffix(10);
                let rs = format!("{deploy}-{hash}");
                let pod = format!("{rs}-{}", w.suffix(5));
                let node = w.any_node();
                let labels = json!({"app": deploy, "pod-template-hash": hash});
                objs.push(("deployments", json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": deploy, "namespace": ns, "uid": uid(w), "creationTimestamp": at},
                    "spec": {"replicas": 1, "selector": {"matchLabels": {"app": deploy}}, "template": {"metadata": {"labels": {"app": deploy}}, "spec": {"containers": [{"name": deploy, "image": image}]}}},
                    "status": {"replicas": 1, "readyReplicas": 1}})));
                objs.push(("replicasets", json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": rs, "namespace": ns, "uid": uid(w), "creationTimestamp": at, "labels": labels},
                    "spec": {"replicas": 1}, "status": {"replicas": 1, "readyReplicas": 1}})));
                objs.push(("pods", json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": pod, "namespace": ns, "uid": uid(w), "creationTimestamp": at, "labels": labels,
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "controller": true}]},
                    "spec": {"nodeName": node, "containers": [{"name": deploy, "image": image}]}, "status": {"phase": "Running"}})));
                pods.push(PodLife {
                    ns: ns.clone(),
                    name: pod,
                    node,
                    containers: vec![(deploy.to_string(), image.to_string(), false)],
                    owner: ("ReplicaSet".into(), rs),
                    created: APP_AT + 40 + i64::from(w.rng_u32() % 120),
                    killed: None,
                    pvc: None,
                    slow_start: false,
                });
            }
        }
        if ns == "otel-demo" {
            let off: serde_json::Map<String, Value> = ["adFailure", "cartFailure", "paymentFailure", "productCatalogFailure"]
                .iter()
                .map(|f| ((*f).to_string(), json!({"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off"})))
                .collect();
            objs.push(("configmaps", json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "flagd-config", "namespace": ns, "uid": uid(w), "creationTimestamp": at},
                "data": {"demo.flagd.json": serde_json::to_string_pretty(&json!({"flags": off})).unwrap_or_default()}})));
        }
        let entry = w.ingress_service();
        objs.push(("ingresses", json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": entry, "namespace": ns, "uid": uid(w), "creationTimestamp": at},
            "spec": {"ingressClassName": "nginx", "rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": entry, "port": {"number": 8080}}}}]}}]}})));
        objs.push(("networkpolicies", json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "allow-same-namespace", "namespace": ns, "uid": uid(w), "creationTimestamp": at},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": [{"podSelector": {}}]}]}})));
        (objs, pods)
    }

    /// The whole cluster over the window: infrastructure, application, the fault's objects and
    /// two unrelated rollouts before it. Rolled-out services get their new pod in `w`.
    pub(super) fn cluster(&self, w: &mut World) -> Cluster {
        let (app, pods) = self.app_objects(w);
        let mut c = Cluster::build(w, self.start, app, pods, MINUTES * 60);
        // The installer restarts every Deployment of the application once it has patched
        // them (resources, instrumentation), so each has an old ReplicaSet scaled to zero and
        // its pod was replaced before the window, as in a real freshly deployed scenario.
        let ns = w.namespace.clone();
        for (i, s) in w
            .services
            .values()
            .cloned()
            .collect::<Vec<_>>()
            .iter()
            .enumerate()
        {
            // The pods that run from then on keep the names the fault's evidence uses.
            let names = (format!("{}-{}", s.deployment, s.rs_hash), s.pod.clone());
            c.rollout(w, &ns, &s.deployment, -16 * 60 + 3 * i as i64, Some(names));
        }
        let t_inject = INJECT_MIN * 60 + 17;
        let stamp = c.stamp(t_inject);
        for ev in &self.evidence {
            for (plural, obj) in &ev.objects {
                let (kind, ns, name) = key_of(obj);
                let mut obj = obj.clone();
                if let Some(e) = c.find_mut(&kind, &ns, &name) {
                    // A change keeps the object's identity and bumps its generation.
                    let first = &e.versions[0].1["metadata"];
                    obj["metadata"]["uid"] = first["uid"].clone();
                    obj["metadata"]["creationTimestamp"] = first["creationTimestamp"].clone();
                    obj["metadata"]["generation"] = json!(2);
                    obj["metadata"]["annotations"] =
                        json!({"deployment.kubernetes.io/revision": "2"});
                    obj["metadata"]["managedFields"] =
                        json!([{"manager": "kubectl-edit", "operation": "Update", "time": stamp}]);
                    e.versions.push((t_inject, obj));
                } else {
                    obj["metadata"]["creationTimestamp"] = json!(stamp);
                    c.entities.push(Entity::new(plural, t_inject, obj));
                }
            }
            for (_, gone) in &ev.deleted {
                let (kind, ns, name) = key_of(gone);
                if let Some(e) = c.find_mut(&kind, &ns, &name) {
                    e.gone = Some(t_inject);
                }
            }
        }
        // Red herrings: unrelated Deployments restarted (`kubectl rollout restart`) before the
        // fault, so "what changed" alone does not give the answer.
        for (svc, minute) in self
            .rollout_herrings(w)
            .into_iter()
            .zip([ROLLOUT_MIN, SECOND_ROLLOUT_MIN])
        {
            let deploy = w
                .services
                .get(&svc)
                .map_or(svc.clone(), |s| s.deployment.clone());
            if let Some(pod) = c.rollout(w, &ns, &deploy, minute * 60, None)
                && let Some(s) = w.services.get_mut(&svc)
            {
                s.pod = pod;
            }
        }
        c.background_churn(w);
        c
    }

    /// Writes `k8s_objects_raw.tsv`: every object at every pull.
    pub(super) fn write_objects(&self, c: &Cluster, out: &Path) -> Result<(), SnapshotError> {
        let path = out.join("k8s_objects_raw.tsv");
        let mut tw = super::telemetry::open(&path, &super::telemetry::LOG_COLUMNS)?;
        let mut t = 0;
        while t <= MINUTES * 60 {
            let at = self.start + chrono::Duration::seconds(t + 2);
            for (plural, body) in c.pull(t) {
                let attrs = pymap::to_text(&json!({"k8s.resource.name": plural}));
                let row = k8s_row(at, &body, &attrs);
                tw.write_record(&row)
                    .map_err(|e| super::telemetry::csv_err(&path, e))?;
            }
            t += PULL_SECS;
        }
        tw.flush().map_err(|e| SnapshotError::io(&path, e))
    }
}
