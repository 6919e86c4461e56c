//! What the cluster's owners change during the window, unrelated to the fault.
//!
//! In real ITBench-Lite v0.2 Scenario 2, 28 entities of `k8s_objects_raw.tsv` change what
//! their owner sets (everything but `metadata` and `status`) within the last 30 minutes: the
//! agent's and the recorders' workloads, kube-system, aggregated ClusterRoles, a RoleBinding,
//! Endpoints, Pods, ReplicaSets and the application's own. Only a handful come from the fault
//! and the two rollout herrings, so the rest happens here, outside the application's
//! namespace: installers aggregate roles and rewrite ConfigMaps, autoscalers change
//! `spec.replicas`, rollouts change pod templates (a `restartedAt` annotation, an image).

use serde_json::json;

use super::cluster::{Cluster, Entity, INFRA_AT, PodLife, pod_body};
use super::world::World;

impl Cluster {
    /// Applies the window's unrelated changes (seconds of the window, pulls every 300 s).
    pub(super) fn background_churn(&mut self, w: &mut World) {
        self.alert_rules(w, 25);
        self.aggregate_agent_role(w, 30);
        self.edit_at("RoleBinding", "data-recorders", "recorder", 35, |b| {
            b["subjects"] = json!([
                {"kind": "ServiceAccount", "name": "default", "namespace": "data-recorders"},
                {"kind": "ServiceAccount", "name": "itbench-sre-agent", "namespace": "agent"}]);
        });
        // The recorders' exporter is added to the collector's pipeline (hot-reloaded).
        self.edit_at("ConfigMap", "otel-collector", "otel-collector", 50, |b| {
            b["data"]["config.yaml"] = json!(
                "# otel-collector configuration\nexporters:\n  clickhouse:\n    endpoint: tcp://clickhouse.clickhouse:9000\n"
            );
        });
        self.rollout(w, "agent", "itbench-sre-agent", 60, None);
        self.rollout(w, "ingress-nginx", "ingress-nginx-controller", 140, None);
        // The operator's upgrade brings a new config reloader into Prometheus' pod template;
        // the StatefulSet recreates its pod under the same name.
        self.update_stateful(
            w,
            "prometheus",
            "prometheus-kube-prometheus-stack-prometheus",
            200,
            (
                "config-reloader",
                "quay.io/prometheus-operator/prometheus-config-reloader:v0.79.2",
            ),
        );
        // The DNS autoscaler's ladder and the collector's HPA add replicas.
        self.scale(w, "kube-system", "coredns", 500, 3);
        self.autoscaler(w, "otel-collector", "otel-collector");
        self.scale(w, "otel-collector", "otel-collector", 780, 2);
        self.update_daemonset(
            w,
            "kube-system",
            "ebs-csi-node",
            1100,
            "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.37.1",
        );
    }

    /// Adds a version of `kind/name` in `ns` at second `at`, if it exists.
    fn edit_at(
        &mut self,
        kind: &str,
        ns: &str,
        name: &str,
        at: i64,
        edit: impl FnOnce(&mut serde_json::Value),
    ) {
        if let Some(e) = self.find_mut(kind, ns, name) {
            e.edit(at, edit);
        }
    }

    /// The Prometheus operator's rule file, rewritten when the scenario's alert rule is added.
    fn alert_rules(&mut self, w: &mut World, at: i64) {
        let (ns, name) = (
            "prometheus",
            "prometheus-kube-prometheus-stack-prometheus-rulefiles-0",
        );
        let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": self.meta(w, name, ns, INFRA_AT, json!({"managed-by": "prometheus-operator"})),
            "data": {"prometheus-kube-prometheus-stack-k8s.rules.yaml": "groups:\n- name: k8s.rules\n  rules:\n  - alert: KubeSchedulerDown\n"}});
        let mut e = Entity::new("configmaps", INFRA_AT, body);
        e.edit(at, |b| {
            b["data"]["otel-demo-request-error-rate.yaml"] = json!(
                "groups:\n- name: request-errors\n  rules:\n  - alert: RequestErrorRate\n    expr: sum(rate(traces_span_metrics_calls_total{status_code=\"STATUS_CODE_ERROR\"}[1m])) by (namespace, service_name) > 0\n"
            );
        });
        self.entities.push(e);
    }

    /// The agent's installer adds a ClusterRole labelled to aggregate into `view`; the
    /// aggregation controller rewrites the rules of `view`, `edit` and `admin`.
    fn aggregate_agent_role(&mut self, w: &mut World, at: i64) {
        let rule = json!({"apiGroups": ["chaos-mesh.org"], "resources": ["*"], "verbs": ["get", "list", "watch"]});
        let body = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": self.meta(w, "itbench-sre-agent-aggregate-view", "", at, json!({"rbac.authorization.k8s.io/aggregate-to-view": "true"})),
            "rules": [rule.clone()]});
        self.entities.push(Entity::new("clusterroles", at, body));
        for role in ["view", "edit", "admin"] {
            let rule = rule.clone();
            self.edit_at("ClusterRole", "", role, at + 1, |b| {
                if let Some(rules) = b["rules"].as_array_mut() {
                    rules.push(rule);
                }
            });
        }
    }

    /// A HorizontalPodAutoscaler for Deployment `deploy`, installed with the infrastructure.
    fn autoscaler(&mut self, w: &mut World, ns: &str, deploy: &str) {
        let body = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": self.meta(w, deploy, ns, INFRA_AT, json!({})),
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": deploy}, "minReplicas": 1, "maxReplicas": 4,
                "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]},
            "status": {"currentReplicas": 1, "desiredReplicas": 1}});
        self.entities
            .push(Entity::new("horizontalpodautoscalers", INFRA_AT, body));
    }

    /// Deployment `deploy` scaled to `to` replicas at second `at` (an autoscaler's change of
    /// `spec.replicas`): its ReplicaSet follows, new pods start and join its Endpoints.
    fn scale(&mut self, w: &mut World, ns: &str, deploy: &str, at: i64, to: u32) {
        let Some(live) = self.pods.iter().find(|p| {
            p.ns == ns
                && p.killed.is_none()
                && p.owner.0 == "ReplicaSet"
                && p.owner.1.rsplit_once('-').is_some_and(|(d, _)| d == deploy)
        }) else {
            return;
        };
        let (rs, containers) = (live.owner.1.clone(), live.containers.clone());
        let Some(d) = self.find_mut("Deployment", ns, deploy) else {
            return;
        };
        let from = d
            .at(at)
            .and_then(|b| b.pointer("/spec/replicas"))
            .and_then(|r| r.as_u64())
            .and_then(|r| u32::try_from(r).ok())
            .unwrap_or(1);
        d.edit(at, |b| {
            b["spec"]["replicas"] = json!(to);
            b["status"]["replicas"] = json!(to);
        });
        self.edit_at("HorizontalPodAutoscaler", ns, deploy, at, |b| {
            b["status"] = json!({"currentReplicas": from, "desiredReplicas": to});
        });
        self.edit_at("ReplicaSet", ns, &rs, at, |b| {
            b["spec"]["replicas"] = json!(to);
            b["status"] = json!({"replicas": to, "readyReplicas": to});
        });
        self.scalings
            .push((at, ns.into(), deploy.into(), rs.clone(), from, to));
        for k in from..to {
            let life = PodLife {
                ns: ns.into(),
                name: format!("{rs}-{}", w.suffix(5)),
                node: w.any_node(),
                containers: containers.clone(),
                owner: ("ReplicaSet".into(), rs.clone()),
                created: at + 1 + i64::from(k - from),
                killed: None,
                pvc: None,
                slow_start: false,
            };
            let body = pod_body(self, w, &life);
            self.entities.push(Entity::new("pods", life.created, body));
            let ip = format!("10.244.{}.{}", w.rng_u32() % 5, 2 + w.rng_u32() % 250);
            self.edit_at("Endpoints", ns, deploy, at + 20, |b| {
                if let Some(a) = b
                    .pointer_mut("/subsets/0/addresses")
                    .and_then(|a| a.as_array_mut())
                {
                    a.push(json!({"ip": ip}));
                }
            });
            self.pods.push(life);
        }
    }

    /// StatefulSet `name`'s container `(container, image)` updated at second `at`: its pod
    /// `<name>-0` is deleted and recreated under the same name with the new image.
    fn update_stateful(
        &mut self,
        w: &mut World,
        ns: &str,
        name: &str,
        at: i64,
        (container, image): (&str, &str),
    ) {
        let set_image = |b: &mut serde_json::Value, ptr: &str| {
            if let Some(cs) = b.pointer_mut(ptr).and_then(|c| c.as_array_mut()) {
                for c in cs.iter_mut().filter(|c| c["name"] == container) {
                    c["image"] = json!(image);
                }
            }
        };
        self.edit_at("StatefulSet", ns, name, at, |b| {
            set_image(b, "/spec/template/spec/containers");
        });
        let pod = format!("{name}-0");
        let Some(old) = self
            .pods
            .iter_mut()
            .find(|p| p.ns == ns && p.name == pod && p.killed.is_none())
        else {
            return;
        };
        old.killed = Some(at + 2);
        let mut life = old.clone();
        for c in life.containers.iter_mut().filter(|c| c.0 == container) {
            c.1 = image.to_string();
        }
        // The claim stays bound: the new pod is scheduled at once, no provisioning.
        life.pvc = None;
        life.killed = None;
        life.created = at + 35;
        let uid = super::faults::uid(w);
        let started = self.stamp(life.created);
        self.edit_at("Pod", ns, &pod, life.created, |b| {
            b["metadata"]["uid"] = json!(uid);
            b["metadata"]["creationTimestamp"] = json!(started);
            b["status"]["startTime"] = json!(started);
            set_image(b, "/spec/containers");
        });
        self.pods.push(life);
    }

    /// DaemonSet `name`'s image updated at second `at`: its pods are replaced node by node.
    fn update_daemonset(&mut self, w: &mut World, ns: &str, name: &str, at: i64, image: &str) {
        self.edit_at("DaemonSet", ns, name, at, |b| {
            b["spec"]["template"]["spec"]["containers"][0]["image"] = json!(image);
            b["metadata"]["generation"] = json!(2);
        });
        let olds: Vec<usize> = (0..self.pods.len())
            .filter(|&i| {
                let p = &self.pods[i];
                p.ns == ns && p.owner == ("DaemonSet".to_string(), name.to_string())
            })
            .collect();
        for (k, i) in olds.into_iter().enumerate() {
            let t = at + 30 * k as i64;
            self.pods[i].killed = Some(t);
            let old = self.pods[i].name.clone();
            if let Some(e) = self.find_mut("Pod", ns, &old) {
                e.gone = Some(t + 20);
            }
            let mut life = self.pods[i].clone();
            life.name = format!("{name}-{}", w.suffix(5));
            life.created = t + 21;
            life.killed = None;
            if let Some(c) = life.containers.first_mut() {
                c.1 = image.to_string();
            }
            let body = pod_body(self, w, &life);
            self.entities.push(Entity::new("pods", life.created, body));
            self.pods.push(life);
        }
    }
}
