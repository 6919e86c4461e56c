//! The cluster around the application, as the collector's k8sobjects receiver sees it.
//!
//! A real ITBench snapshot is not one namespace: the recorder pulls every object of some thirty
//! kinds from about ten namespaces every five minutes (kube-system, the kube-prometheus stack,
//! the collectors, ClickHouse, ingress-nginx, Chaos Mesh, Istio, the recorders, the agent, the
//! application), and dozens of them change during the window for reasons unrelated to the
//! fault: recorder Jobs come and go with their PVCs, controllers rewrite status, Deployments
//! roll out. [`Cluster`] holds every object with its versions over the window and the pod
//! lifecycles the events are written from (`events.rs`).

use serde_json::{Value, json};

use super::world::World;

/// Seconds between object pulls of the k8sobjects receiver (`interval: 5m` in ITBench's
/// collector configuration).
pub const PULL_SECS: i64 = 300;
/// Seconds before the window when the infrastructure was installed.
pub(super) const INFRA_AT: i64 = -45 * 60;
/// Seconds before the window when the application was installed.
pub(super) const APP_AT: i64 = -22 * 60;
/// Seconds between two recorder Jobs.
const RECORDER_EVERY: i64 = 600;

/// How an object's status moves on its own between pulls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Churn {
    /// Nothing changes between edits.
    None,
    /// The kubelet's heartbeat rewrites `status.conditions[].lastHeartbeatTime`.
    Heartbeat,
    /// The cluster autoscaler rewrites its status ConfigMap.
    AutoscalerStatus,
}

/// One object over the window.
#[derive(Debug, Clone)]
pub struct Entity {
    /// Resource plural (`pods`), as the receiver labels it.
    pub plural: String,
    /// (second it takes effect, body); the first is its creation.
    pub versions: Vec<(i64, Value)>,
    /// Second it is deleted.
    pub gone: Option<i64>,
    /// Status that moves on its own.
    pub churn: Churn,
}

impl Entity {
    /// An object created at second `at`.
    pub fn new(plural: &str, at: i64, body: Value) -> Entity {
        Entity {
            plural: plural.to_string(),
            versions: vec![(at, body)],
            gone: None,
            churn: Churn::None,
        }
    }

    /// `(kind, namespace, name)`.
    pub fn key(&self) -> (String, String, String) {
        key_of(&self.versions[0].1)
    }

    /// The body at second `t`, if the object exists then.
    pub fn at(&self, t: i64) -> Option<&Value> {
        if self.versions[0].0 > t || self.gone.is_some_and(|g| g <= t) {
            return None;
        }
        self.versions
            .iter()
            .rev()
            .find(|(s, _)| *s <= t)
            .map(|(_, b)| b)
    }

    /// Adds a version from second `t`: `edit` changes a copy of the latest body.
    pub fn edit(&mut self, t: i64, edit: impl FnOnce(&mut Value)) {
        let mut b = self
            .versions
            .last()
            .map(|v| v.1.clone())
            .unwrap_or_default();
        edit(&mut b);
        self.versions.push((t, b));
    }
}

/// `(kind, namespace, name)` of an object body.
pub fn key_of(v: &Value) -> (String, String, String) {
    let s = |p: &str| {
        v.pointer(p)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    (s("/kind"), s("/metadata/namespace"), s("/metadata/name"))
}

/// A container of a pod: (name, image, init container).
pub type Container = (String, String, bool);

/// A pod's life, for the events it causes.
#[derive(Debug, Clone)]
pub struct PodLife {
    /// Namespace.
    pub ns: String,
    /// Pod name.
    pub name: String,
    /// Node it runs on.
    pub node: String,
    /// Containers, init containers first.
    pub containers: Vec<Container>,
    /// Owning controller: (kind, name).
    pub owner: (String, String),
    /// Second it was created.
    pub created: i64,
    /// Second it was stopped, if it was.
    pub killed: Option<i64>,
    /// A PVC it mounts.
    pub pvc: Option<String>,
    /// Its readiness probe fails a few times while it starts.
    pub slow_start: bool,
}

/// A PVC provisioned by the EBS CSI driver, and when.
#[derive(Debug, Clone)]
pub struct Claim {
    /// Namespace.
    pub ns: String,
    /// Claim name.
    pub name: String,
    /// Volume name (`pvc-<uid>`).
    pub volume: String,
    /// Second it was created.
    pub created: i64,
    /// Second it was deleted, if it was.
    pub deleted: Option<i64>,
}

/// Everything in the cluster over the window.
#[derive(Debug, Default)]
pub struct Cluster {
    /// Every object.
    pub entities: Vec<Entity>,
    /// Every pod's life.
    pub pods: Vec<PodLife>,
    /// Every provisioned claim.
    pub claims: Vec<Claim>,
    /// Deployments scaled: (second, namespace, deployment, replica set, replicas before, after).
    pub scalings: Vec<(i64, String, String, String, u32, u32)>,
    /// Jobs: (namespace, name, created, completed, owning CronJob).
    pub jobs: Vec<(String, String, i64, i64, Option<String>)>,
    /// Node names, the control plane first.
    pub nodes: Vec<String>,
    /// Controllers that took a leader lease: (namespace, Lease name, holder pod, second).
    pub leaders: Vec<(String, String, String, i64)>,
    /// Creation time of the window's start, RFC 3339, for `creationTimestamp`s.
    start: chrono::NaiveDateTime,
}

/// What kind of workload an infrastructure row is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Deployment(u32),
    DaemonSet,
    StatefulSet,
}

/// An infrastructure workload: (namespace, workload, shape, image, port, extra containers).
type Workload = (
    &'static str,
    &'static str,
    Shape,
    &'static str,
    u16,
    &'static [&'static str],
);

/// The infrastructure a kube-prometheus, OpenTelemetry, ClickHouse, Chaos Mesh cluster runs.
const INFRA: &[Workload] = &[
    (
        "kube-system",
        "coredns",
        Shape::Deployment(2),
        "registry.k8s.io/coredns/coredns:v1.11.3",
        53,
        &[],
    ),
    (
        "kube-system",
        "metrics-server",
        Shape::Deployment(1),
        "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
        443,
        &[],
    ),
    (
        "kube-system",
        "ebs-csi-controller",
        Shape::Deployment(2),
        "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.37.0",
        0,
        &["csi-provisioner", "csi-attacher"],
    ),
    (
        "kube-system",
        "kube-proxy",
        Shape::DaemonSet,
        "registry.k8s.io/kube-proxy:v1.31.2",
        0,
        &[],
    ),
    (
        "kube-system",
        "ebs-csi-node",
        Shape::DaemonSet,
        "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.37.0",
        0,
        &["node-driver-registrar"],
    ),
    (
        "prometheus",
        "prometheus-kube-prometheus-stack-prometheus",
        Shape::StatefulSet,
        "quay.io/prometheus/prometheus:v3.1.0",
        9090,
        &["config-reloader"],
    ),
    (
        "prometheus",
        "alertmanager-kube-prometheus-stack-alertmanager",
        Shape::StatefulSet,
        "quay.io/prometheus/alertmanager:v0.28.0",
        9093,
        &[],
    ),
    (
        "prometheus",
        "kube-prometheus-stack-operator",
        Shape::Deployment(1),
        "quay.io/prometheus-operator/prometheus-operator:v0.79.2",
        443,
        &[],
    ),
    (
        "prometheus",
        "kube-prometheus-stack-kube-state-metrics",
        Shape::Deployment(1),
        "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.14.0",
        8080,
        &[],
    ),
    (
        "prometheus",
        "kube-prometheus-stack-prometheus-node-exporter",
        Shape::DaemonSet,
        "quay.io/prometheus/node-exporter:v1.8.2",
        9100,
        &[],
    ),
    (
        "otel-collector",
        "otel-collector",
        Shape::Deployment(1),
        "otel/opentelemetry-collector-contrib:0.115.1",
        4317,
        &[],
    ),
    (
        "otel-collector",
        "otel-collector-agent",
        Shape::DaemonSet,
        "otel/opentelemetry-collector-contrib:0.115.1",
        4317,
        &[],
    ),
    (
        "clickhouse",
        "clickhouse",
        Shape::StatefulSet,
        "clickhouse/clickhouse-server:24.8",
        8123,
        &[],
    ),
    (
        "ingress-nginx",
        "ingress-nginx-controller",
        Shape::Deployment(1),
        "registry.k8s.io/ingress-nginx/controller:v1.12.0",
        80,
        &[],
    ),
    (
        "chaos-mesh",
        "chaos-controller-manager",
        Shape::Deployment(3),
        "ghcr.io/chaos-mesh/chaos-mesh:v2.7.0",
        10081,
        &[],
    ),
    (
        "chaos-mesh",
        "chaos-dashboard",
        Shape::Deployment(1),
        "ghcr.io/chaos-mesh/chaos-dashboard:v2.7.0",
        2333,
        &[],
    ),
    (
        "chaos-mesh",
        "chaos-daemon",
        Shape::DaemonSet,
        "ghcr.io/chaos-mesh/chaos-daemon:v2.7.0",
        31767,
        &[],
    ),
    (
        "istio-system",
        "istiod",
        Shape::Deployment(1),
        "docker.io/istio/pilot:1.24.2",
        15010,
        &[],
    ),
    (
        "istio-system",
        "ztunnel",
        Shape::DaemonSet,
        "docker.io/istio/ztunnel:1.24.2",
        0,
        &[],
    ),
    (
        "istio-system",
        "istio-cni-node",
        Shape::DaemonSet,
        "docker.io/istio/install-cni:1.24.2",
        0,
        &[],
    ),
    (
        "agent",
        "itbench-sre-agent",
        Shape::Deployment(1),
        "quay.io/itbench/sre-agent:0.2.0",
        0,
        &[],
    ),
];

/// Custom resource definitions the installed operators bring.
const CRDS: &[(&str, &str)] = &[
    ("schedules", "chaos-mesh.org"),
    ("networkchaos", "chaos-mesh.org"),
    ("stresschaos", "chaos-mesh.org"),
    ("podchaos", "chaos-mesh.org"),
    ("jvmchaos", "chaos-mesh.org"),
    ("httpchaos", "chaos-mesh.org"),
    ("iochaos", "chaos-mesh.org"),
    ("timechaos", "chaos-mesh.org"),
    ("workflows", "chaos-mesh.org"),
    ("prometheuses", "monitoring.coreos.com"),
    ("alertmanagers", "monitoring.coreos.com"),
    ("servicemonitors", "monitoring.coreos.com"),
    ("podmonitors", "monitoring.coreos.com"),
    ("prometheusrules", "monitoring.coreos.com"),
    ("clickhouseinstallations", "clickhouse.altinity.com"),
    ("authorizationpolicies", "security.istio.io"),
    ("peerauthentications", "security.istio.io"),
    ("gateways", "gateway.networking.k8s.io"),
    ("httproutes", "gateway.networking.k8s.io"),
];

/// Cluster roles besides the system ones every cluster has.
const CLUSTER_ROLES: &[&str] = &[
    "admin",
    "edit",
    "view",
    "cluster-admin",
    "system:coredns",
    "system:metrics-server",
    "ebs-csi-node-role",
    "kube-prometheus-stack-operator",
    "kube-prometheus-stack-kube-state-metrics",
    "kube-prometheus-stack-prometheus",
    "otel-collector",
    "ingress-nginx",
    "chaos-mesh-chaos-controller-manager-target-namespace",
    "itbench-sre-agent-readonly",
    "istiod-clusterrole-istio-system",
    "istio-cni",
];

impl Cluster {
    /// The infrastructure and the application at the window's start, and what changes on its
    /// own during the window (recorder Jobs, status churn). `app` is the application's objects
    /// as (plural, body) and its pods as lives.
    pub fn build(
        w: &mut World,
        start: chrono::NaiveDateTime,
        app: Vec<(&'static str, Value)>,
        app_pods: Vec<PodLife>,
        window_secs: i64,
    ) -> Cluster {
        let mut c = Cluster {
            start,
            ..Cluster::default()
        };
        let app_ns = w.namespace.clone();
        let mut namespaces: Vec<String> = [
            "default",
            "kube-public",
            "kube-node-lease",
            "kube-system",
            "prometheus",
            "otel-collector",
            "clickhouse",
            "ingress-nginx",
            "chaos-mesh",
            "istio-system",
            "data-recorders",
            "agent",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        namespaces.push(app_ns.clone());
        for ns in &namespaces {
            let at = if *ns == app_ns {
                APP_AT
            } else {
                INFRA_AT - 600
            };
            let mut labels = json!({"kubernetes.io/metadata.name": ns});
            if *ns == app_ns {
                labels["istio.io/dataplane-mode"] = json!("ambient");
            }
            let body = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": c.meta(w, ns, "", at, labels), "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}});
            c.entities.push(Entity::new("namespaces", at, body));
            let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": c.meta(w, "default", ns, at, json!({}))});
            c.entities.push(Entity::new("serviceaccounts", at, sa));
            let ca = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": c.meta(w, "kube-root-ca.crt", ns, at, json!({})),
                "data": {"ca.crt": "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIQk8s...\n-----END CERTIFICATE-----\n"}});
            c.entities.push(Entity::new("configmaps", at, ca));
        }
        c.cluster_scoped(w);
        for (i, (ns, name, shape, image, port, extra)) in INFRA.iter().enumerate() {
            let at = INFRA_AT + 20 * i as i64;
            c.workload(w, ns, name, *shape, image, *port, extra, at);
        }
        c.infra_config(w);
        for (plural, body) in app {
            c.entities.push(Entity::new(plural, APP_AT, body));
        }
        c.pods.extend(app_pods);
        c.recorders(w, window_secs);
        c
    }

    /// Object metadata as the API server returns it.
    pub(super) fn meta(
        &self,
        w: &mut World,
        name: &str,
        ns: &str,
        at: i64,
        labels: Value,
    ) -> Value {
        let mut m = json!({"name": name, "uid": super::faults::uid(w),
            "resourceVersion": (1_000_000 + w.rng_u32() % 9_000_000).to_string(),
            "creationTimestamp": self.stamp(at)});
        if !ns.is_empty() {
            m["namespace"] = json!(ns);
        }
        if labels.as_object().is_some_and(|l| !l.is_empty()) {
            m["labels"] = labels;
        }
        m
    }

    /// RFC 3339 time of second `at` of the window.
    pub fn stamp(&self, at: i64) -> String {
        (self.start + chrono::Duration::seconds(at))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    }

    fn cluster_scoped(&mut self, w: &mut World) {
        let at = INFRA_AT - 3600;
        let mut nodes = vec![(
            format!("ip-10-0-0-{}.ec2.internal", 10 + w.rng_u32() % 200),
            true,
        )];
        nodes.extend(w.nodes.iter().map(|n| (n.clone(), false)));
        for (n, control) in nodes {
            self.nodes.push(n.clone());
            let mut labels = json!({"kubernetes.io/arch": "amd64", "kubernetes.io/hostname": n, "kubernetes.io/os": "linux"});
            let mut spec = json!({"providerID": format!("aws:///us-east-1a/i-0{}", w.hex(16))});
            if control {
                labels["node-role.kubernetes.io/control-plane"] = json!("");
                spec["taints"] = json!([{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]);
            } else {
                labels["node-role.kubernetes.io/worker"] = json!("");
            }
            let body = json!({"apiVersion": "v1", "kind": "Node", "metadata": self.meta(w, &n, "", at, labels), "spec": spec,
                "status": {"capacity": {"cpu": "4", "memory": "16069268Ki", "pods": "58"},
                    "conditions": [{"type": "MemoryPressure", "status": "False", "lastHeartbeatTime": ""},
                                   {"type": "Ready", "status": "True", "lastHeartbeatTime": ""}],
                    "nodeInfo": {"kubeletVersion": "v1.31.2", "containerRuntimeVersion": "containerd://1.7.23"}}});
            let mut e = Entity::new("nodes", at, body);
            e.churn = Churn::Heartbeat;
            self.entities.push(e);
        }
        for (name, default) in [("gp2", false), ("gp3", true)] {
            let mut meta = self.meta(w, name, "", at, json!({}));
            if default {
                meta["annotations"] =
                    json!({"storageclass.kubernetes.io/is-default-class": "true"});
            }
            let body = json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": meta,
                "provisioner": "ebs.csi.aws.com", "reclaimPolicy": "Delete", "volumeBindingMode": "WaitForFirstConsumer", "parameters": {"type": name}});
            self.entities.push(Entity::new("storageclasses", at, body));
        }
        for (plural, group) in CRDS {
            let body = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                "metadata": self.meta(w, &format!("{plural}.{group}"), "", INFRA_AT, json!({})),
                "spec": {"group": group, "names": {"plural": plural}, "scope": "Namespaced", "versions": [{"name": "v1alpha1", "served": true, "storage": true}]}});
            self.entities
                .push(Entity::new("customresourcedefinitions", INFRA_AT, body));
        }
        for role in CLUSTER_ROLES {
            let body = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": self.meta(w, role, "", at, json!({})),
                "rules": [{"apiGroups": [""], "resources": ["pods", "services", "endpoints"], "verbs": ["get", "list", "watch"]}]});
            self.entities.push(Entity::new("clusterroles", at, body));
            let binding = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": self.meta(w, role, "", at, json!({})),
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}});
            self.entities
                .push(Entity::new("clusterrolebindings", at, binding));
        }
    }

    /// A workload with its controller, ReplicaSet, pods, Service, Endpoints and ServiceAccount.
    #[allow(
        clippy::too_many_arguments,
        reason = "each is one field of the workload's manifests; call sites read as a table"
    )]
    fn workload(
        &mut self,
        w: &mut World,
        ns: &str,
        name: &str,
        shape: Shape,
        image: &str,
        port: u16,
        extra: &[&str],
        at: i64,
    ) {
        let labels = json!({"app.kubernetes.io/name": name});
        let mut containers: Vec<Container> = vec![(name.to_string(), image.to_string(), false)];
        containers.extend(
            extra
                .iter()
                .map(|c| (c.to_string(), format!("{image}-{c}"), false)),
        );
        let spec_containers: Vec<Value> = containers
            .iter()
            .map(|(n, i, _)| json!({"name": n, "image": i}))
            .collect();
        let template = json!({"metadata": {"labels": labels}, "spec": {"serviceAccountName": name, "containers": spec_containers}});
        let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": self.meta(w, name, ns, at, json!({}))});
        self.entities.push(Entity::new("serviceaccounts", at, sa));
        let (kind, plural, replicas) = match shape {
            Shape::Deployment(r) => ("Deployment", "deployments", r),
            Shape::DaemonSet => ("DaemonSet", "daemonsets", w.nodes.len() as u32),
            Shape::StatefulSet => ("StatefulSet", "statefulsets", 1),
        };
        let mut spec = json!({"selector": {"matchLabels": labels}, "template": template});
        if shape != Shape::DaemonSet {
            spec["replicas"] = json!(replicas);
        }
        if shape == Shape::StatefulSet {
            spec["serviceName"] = json!(name);
            spec["volumeClaimTemplates"] = json!([{"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp3", "resources": {"requests": {"storage": "20Gi"}}}}]);
        }
        let body = json!({"apiVersion": "apps/v1", "kind": kind, "metadata": self.meta(w, name, ns, at, labels.clone()),
            "spec": spec, "status": {"replicas": replicas, "readyReplicas": replicas, "observedGeneration": 1}});
        self.entities.push(Entity::new(plural, at, body));
        let owner = match shape {
            Shape::Deployment(_) => {
                let rs = format!("{name}-{}", w.suffix(10));
                self.scalings
                    .push((at + 1, ns.into(), name.into(), rs.clone(), 0, replicas));
                let body = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": self.meta(w, &rs, ns, at + 1, labels.clone()),
                    "spec": {"replicas": replicas, "selector": {"matchLabels": labels}}, "status": {"replicas": replicas, "readyReplicas": replicas}});
                self.entities.push(Entity::new("replicasets", at + 1, body));
                ("ReplicaSet".to_string(), rs)
            }
            _ => (kind.to_string(), name.to_string()),
        };
        for r in 0..replicas {
            let (pod, node) = match shape {
                Shape::Deployment(_) => (format!("{}-{}", owner.1, w.suffix(5)), w.any_node()),
                Shape::DaemonSet => (
                    format!("{name}-{}", w.suffix(5)),
                    w.nodes[r as usize].clone(),
                ),
                Shape::StatefulSet => (format!("{name}-{r}"), w.any_node()),
            };
            let created = at + 2 + i64::from(r);
            let pvc = (shape == Shape::StatefulSet).then(|| format!("data-{pod}"));
            if let Some(claim) = &pvc {
                self.claim(w, ns, claim, created, None, &node);
            }
            let life = PodLife {
                ns: ns.into(),
                name: pod,
                node,
                containers: containers.clone(),
                owner: owner.clone(),
                created,
                killed: None,
                pvc,
                slow_start: shape == Shape::StatefulSet,
            };
            let body = pod_body(self, w, &life);
            self.entities.push(Entity::new("pods", created, body));
            self.pods.push(life);
        }
        if port != 0 {
            let body = json!({"apiVersion": "v1", "kind": "Service", "metadata": self.meta(w, name, ns, at, labels.clone()),
                "spec": {"type": "ClusterIP", "ports": [{"port": port, "protocol": "TCP", "targetPort": port}], "selector": labels}});
            self.entities.push(Entity::new("services", at, body));
            let body = json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": self.meta(w, name, ns, at, labels),
                "subsets": [{"addresses": [{"ip": format!("10.244.{}.{}", w.rng_u32() % 5, 2 + w.rng_u32() % 250)}], "ports": [{"port": port, "protocol": "TCP"}]}]});
            self.entities.push(Entity::new("endpoints", at + 30, body));
        }
    }

    /// A PVC with its PersistentVolume and VolumeAttachment.
    fn claim(
        &mut self,
        w: &mut World,
        ns: &str,
        name: &str,
        at: i64,
        deleted: Option<i64>,
        node: &str,
    ) {
        let volume = format!("pvc-{}", super::faults::uid(w));
        let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": self.meta(w, name, ns, at, json!({})),
            "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp3", "resources": {"requests": {"storage": "20Gi"}}, "volumeName": volume},
            "status": {"phase": "Bound"}});
        let pv = json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": self.meta(w, &volume, "", at + 4, json!({})),
            "spec": {"capacity": {"storage": "20Gi"}, "claimRef": {"namespace": ns, "name": name}, "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": format!("vol-0{}", w.hex(16))}, "persistentVolumeReclaimPolicy": "Delete"},
            "status": {"phase": "Bound"}});
        let va_name = format!("csi-{}", w.hex(64));
        let va = json!({"apiVersion": "storage.k8s.io/v1", "kind": "VolumeAttachment", "metadata": self.meta(w, &va_name, "", at + 6, json!({})),
            "spec": {"attacher": "ebs.csi.aws.com", "nodeName": node, "source": {"persistentVolumeName": volume}}, "status": {"attached": true}});
        for (plural, at, body) in [
            ("persistentvolumeclaims", at, pvc),
            ("persistentvolumes", at + 4, pv),
            ("volumeattachments", at + 6, va),
        ] {
            let mut e = Entity::new(plural, at, body);
            e.gone = deleted;
            self.entities.push(e);
        }
        self.claims.push(Claim {
            ns: ns.into(),
            name: name.into(),
            volume,
            created: at,
            deleted,
        });
    }

    /// ConfigMaps, roles, quotas, the ingress and leader elections of the infrastructure.
    fn infra_config(&mut self, w: &mut World) {
        let at = INFRA_AT;
        for (ns, name) in [
            ("kube-system", "coredns"),
            ("kube-system", "kube-proxy"),
            ("kube-system", "aws-auth"),
            ("kube-system", "extension-apiserver-authentication"),
            ("prometheus", "kube-prometheus-stack-grafana-datasource"),
            ("otel-collector", "otel-collector"),
            ("ingress-nginx", "ingress-nginx-controller"),
            ("chaos-mesh", "chaos-mesh"),
        ] {
            let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": self.meta(w, name, ns, at, json!({})),
                "data": {"config.yaml": format!("# {name} configuration\n")}});
            self.entities.push(Entity::new("configmaps", at, body));
        }
        // The cluster autoscaler's status: rewritten every few seconds in a real cluster.
        let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": self.meta(w, "cluster-autoscaler-status", "kube-system", at, json!({})),
            "data": {"status": ""}});
        let mut e = Entity::new("configmaps", at, body);
        e.churn = Churn::AutoscalerStatus;
        self.entities.push(e);
        for (ns, name) in [
            ("kube-system", "extension-apiserver-authentication-reader"),
            ("prometheus", "kube-prometheus-stack-grafana"),
            ("ingress-nginx", "ingress-nginx"),
            (
                "chaos-mesh",
                "chaos-mesh-chaos-controller-manager-control-plane",
            ),
            ("data-recorders", "recorder"),
        ] {
            let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": self.meta(w, name, ns, at, json!({})),
                "rules": [{"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": ["get", "list", "watch"]}]});
            self.entities.push(Entity::new("roles", at, role));
            let rb = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": self.meta(w, name, ns, at, json!({})),
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name}});
            self.entities.push(Entity::new("rolebindings", at, rb));
        }
        let rq = json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": self.meta(w, "agent-quota", "agent", at, json!({})),
            "spec": {"hard": {"limits.cpu": "4", "limits.memory": "8Gi", "pods": "10"}}, "status": {"used": {"pods": "1"}}});
        self.entities.push(Entity::new("resourcequotas", at, rq));
        let lr = json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": self.meta(w, "default-limits", "agent", at, json!({})),
            "spec": {"limits": [{"type": "Container", "default": {"cpu": "500m", "memory": "512Mi"}}]}});
        self.entities.push(Entity::new("limitranges", at, lr));
        for (ns, name, sel) in [
            ("kube-system", "coredns", "coredns"),
            ("kube-system", "ebs-csi-controller", "ebs-csi-controller"),
        ] {
            let body = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": self.meta(w, name, ns, at, json!({})),
                "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": sel}}}, "status": {"currentHealthy": 2, "desiredHealthy": 1}});
            self.entities
                .push(Entity::new("poddisruptionbudgets", at, body));
        }
        for (i, (name, group)) in [
            ("admission-create", "ingress-nginx"),
            ("admission-patch", "ingress-nginx"),
        ]
        .iter()
        .enumerate()
        {
            let job = format!("{group}-{name}");
            let t = at + 200 + 30 * i as i64;
            self.job(
                w,
                group,
                &job,
                "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.5.0",
                t,
                t + 15,
                None,
                None,
            );
        }
        for (ns, lease, holder) in [
            (
                "kube-system",
                "kube-controller-manager",
                "ip-10-0-0-1_ec2-controller",
            ),
            ("kube-system", "kube-scheduler", "ip-10-0-0-1_ec2-scheduler"),
            (
                "chaos-mesh",
                "chaos-mesh",
                "chaos-controller-manager-leader",
            ),
            (
                "ingress-nginx",
                "ingress-nginx-leader",
                "ingress-nginx-controller",
            ),
        ] {
            self.leaders
                .push((ns.into(), lease.into(), holder.into(), at + 90));
        }
    }

    /// A Job, its pod and (optionally) its claim; the Job is deleted at `gone`.
    #[allow(
        clippy::too_many_arguments,
        reason = "each is one field of the Job's manifests; call sites read as a table"
    )]
    fn job(
        &mut self,
        w: &mut World,
        ns: &str,
        name: &str,
        image: &str,
        at: i64,
        done: i64,
        gone: Option<i64>,
        cron: Option<&str>,
    ) {
        let labels = json!({"job-name": name});
        let body = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": self.meta(w, name, ns, at, labels.clone()),
            "spec": {"backoffLimit": 2, "completions": 1, "template": {"metadata": {"labels": labels}, "spec": {"restartPolicy": "Never", "containers": [{"name": "main", "image": image}]}}},
            "status": {"active": 1, "startTime": self.stamp(at)}});
        let mut e = Entity::new("jobs", at, body);
        let finished = self.stamp(done);
        e.edit(done, |b| {
            b["status"] =
                json!({"succeeded": 1, "completionTime": finished, "conditions": [{"type": "Complete", "status": "True"}]});
        });
        e.gone = gone;
        self.entities.push(e);
        let node = w.any_node();
        let pod = format!("{name}-{}", w.suffix(5));
        let owner = ("Job".to_string(), name.to_string());
        let containers = vec![("main".to_string(), image.to_string(), false)];
        let pvc = cron.map(|_| format!("{name}-data"));
        if let Some(c) = &pvc {
            self.claim(w, ns, c, at, gone, &node);
        }
        let life = PodLife {
            ns: ns.into(),
            name: pod,
            node,
            containers,
            owner,
            created: at + 1,
            killed: None,
            pvc,
            slow_start: false,
        };
        let mut e = Entity::new("pods", at + 1, pod_body(self, w, &life));
        e.edit(done, |b| {
            b["status"]["phase"] = json!("Succeeded");
            b["status"]["containerStatuses"][0]["ready"] = json!(false);
        });
        e.gone = gone;
        self.entities.push(e);
        self.pods.push(life);
        self.jobs
            .push((ns.into(), name.into(), at, done, cron.map(str::to_string)));
    }

    /// The data recorders: a CronJob whose Jobs snapshot the cluster every ten minutes, each
    /// with a claim, the previous one deleted when the next completes; a state ConfigMap
    /// rewritten by each.
    fn recorders(&mut self, w: &mut World, window: i64) {
        let ns = "data-recorders";
        let cron = "k8s-recorder";
        let image = "quay.io/itbench/data-recorder:0.2.0";
        let body = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": self.meta(w, cron, ns, INFRA_AT, json!({})),
            "spec": {"schedule": "*/10 * * * *", "successfulJobsHistoryLimit": 1, "concurrencyPolicy": "Forbid",
                "jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "main", "image": image}]}}}}}});
        self.entities.push(Entity::new("cronjobs", INFRA_AT, body));
        let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": self.meta(w, "recorder-state", ns, INFRA_AT, json!({})),
            "data": {"last-run": self.stamp(-RECORDER_EVERY)}});
        let mut state = Entity::new("configmaps", INFRA_AT, body);
        let runs: Vec<i64> = (-1..=window / RECORDER_EVERY)
            .map(|k| k * RECORDER_EVERY + 5)
            .collect();
        for (k, at) in runs.iter().enumerate() {
            let name = format!("{cron}-{}", 29_400_000 + at.div_euclid(60));
            let done = at + 95;
            let gone = runs.get(k + 1).map(|n| n + 100);
            self.job(w, ns, &name, image, *at, done, gone, Some(cron));
            let stamp = self.stamp(done);
            state.edit(done, |b| b["data"]["last-run"] = json!(stamp));
        }
        self.entities.push(state);
    }

    /// A rollout of Deployment `deploy` at second `at` (`kubectl rollout restart`): the
    /// template changes, a new ReplicaSet and pod start, the old pod stops and the old
    /// ReplicaSet scales to zero. Returns the new pod's name.
    /// `names` gives the new ReplicaSet and pod their names (else they are drawn).
    pub fn rollout(
        &mut self,
        w: &mut World,
        ns: &str,
        deploy: &str,
        at: i64,
        names: Option<(String, String)>,
    ) -> Option<String> {
        let stamp = self.stamp(at);
        // The running pod of the Deployment, and its ReplicaSet (`<deploy>-<hash>`).
        let live = self.pods.iter().position(|p| {
            p.ns == ns
                && p.killed.is_none()
                && p.owner.0 == "ReplicaSet"
                && p.owner.1.rsplit_once('-').is_some_and(|(d, _)| d == deploy)
        })?;
        let old_rs = self.pods[live].owner.1.clone();
        let d = self.find_mut("Deployment", ns, deploy)?;
        d.edit(at, |b| {
            let generation = b["metadata"]["generation"].as_u64().unwrap_or(1) + 1;
            b["metadata"]["generation"] = json!(generation);
            b["metadata"]["annotations"] =
                json!({"deployment.kubernetes.io/revision": generation.to_string()});
            b["spec"]["template"]["metadata"]["annotations"] =
                json!({"kubectl.kubernetes.io/restartedAt": stamp});
        });
        let template = d.versions.last()?.1.clone();
        if let Some(e) = self.find_mut("ReplicaSet", ns, &old_rs) {
            e.edit(at + 40, |b| {
                b["spec"]["replicas"] = json!(0);
                b["status"] = json!({"replicas": 0});
            });
        }
        let (rs, pod) = names.unwrap_or_else(|| {
            let rs = format!("{deploy}-{}", w.suffix(10));
            let pod = format!("{rs}-{}", w.suffix(5));
            (rs, pod)
        });
        let labels = template
            .pointer("/spec/template/metadata/labels")
            .cloned()
            .unwrap_or_default();
        let body = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": self.meta(w, &rs, ns, at, labels.clone()),
            "spec": {"replicas": 1, "selector": {"matchLabels": labels}, "template": template["spec"]["template"]}, "status": {"replicas": 1, "readyReplicas": 1}});
        self.entities.push(Entity::new("replicasets", at, body));
        self.scalings
            .push((at, ns.into(), deploy.into(), rs.clone(), 0, 1));
        self.scalings
            .push((at + 40, ns.into(), deploy.into(), old_rs.clone(), 1, 0));
        let old = &mut self.pods[live];
        old.killed = Some(at + 40);
        let (node, containers) = (old.node.clone(), old.containers.clone());
        let old_name = old.name.clone();
        if let Some(e) = self.find_mut("Pod", ns, &old_name) {
            e.gone = Some(at + 70);
        }
        let owner = ("ReplicaSet".to_string(), rs);
        let life = PodLife {
            ns: ns.into(),
            name: pod.clone(),
            node,
            containers,
            owner,
            created: at + 1,
            killed: None,
            pvc: None,
            slow_start: false,
        };
        self.entities
            .push(Entity::new("pods", at + 1, pod_body(self, w, &life)));
        self.pods.push(life);
        let ip = format!("10.244.{}.{}", w.rng_u32() % 5, 2 + w.rng_u32() % 250);
        if let Some(ep) = self.find_mut("Endpoints", ns, deploy) {
            ep.edit(at + 30, |b| {
                b["subsets"][0]["addresses"][0]["ip"] = json!(ip)
            });
        }
        Some(pod)
    }

    /// The object `kind/name` in `ns`.
    pub fn find_mut(&mut self, kind: &str, ns: &str, name: &str) -> Option<&mut Entity> {
        self.entities.iter_mut().find(|e| {
            let (k, n, m) = e.key();
            k == kind && n == ns && m == name
        })
    }

    /// The objects a pull at second `t` returns, with the status churn of that moment.
    pub fn pull(&self, t: i64) -> Vec<(&str, Value)> {
        let rv = 50_000_000 + t;
        self.entities
            .iter()
            .filter_map(|e| {
                let mut b = e.at(t)?.clone();
                let edited = e.versions.len() > 1
                    && e.versions.iter().skip(1).any(|(s, _)| *s <= t);
                if edited {
                    let last = e.versions.iter().rev().find(|(s, _)| *s <= t).map_or(0, |v| v.0);
                    b["metadata"]["resourceVersion"] = json!((50_000_000 + last).to_string());
                }
                match e.churn {
                    Churn::None => {}
                    Churn::Heartbeat => {
                        let beat = self.stamp(t - 17);
                        if let Some(cs) = b["status"]["conditions"].as_array_mut() {
                            for c in cs {
                                c["lastHeartbeatTime"] = json!(beat);
                            }
                        }
                        b["metadata"]["resourceVersion"] = json!((rv - 17).to_string());
                    }
                    Churn::AutoscalerStatus => {
                        b["data"]["status"] = json!(format!(
                            "time: {}\nautoscalerStatus: Running\nclusterWide:\n  health:\n    status: Healthy\n    nodeCounts:\n      registered:\n        total: 5\n        ready: 5\n",
                            self.stamp(t - 4)
                        ));
                        b["metadata"]["resourceVersion"] = json!((rv - 4).to_string());
                    }
                }
                Some((e.plural.as_str(), b))
            })
            .collect()
    }
}

/// A running pod's body.
pub(super) fn pod_body(c: &Cluster, w: &mut World, p: &PodLife) -> Value {
    let mut meta = c.meta(w, &p.name, &p.ns, p.created, json!({}));
    let owner = &p.owner;
    let api = if owner.0 == "Job" {
        "batch/v1"
    } else {
        "apps/v1"
    };
    meta["ownerReferences"] =
        json!([{"apiVersion": api, "kind": owner.0, "name": owner.1, "controller": true}]);
    let (init, main): (Vec<&Container>, Vec<&Container>) = p.containers.iter().partition(|c| c.2);
    let spec_of = |cs: &[&Container]| -> Vec<Value> {
        cs.iter()
            .map(|(n, i, _)| json!({"name": n, "image": i}))
            .collect()
    };
    let mut spec = json!({"nodeName": p.node, "containers": spec_of(&main)});
    if !init.is_empty() {
        spec["initContainers"] = json!(spec_of(&init));
    }
    if let Some(claim) = &p.pvc {
        spec["volumes"] = json!([{"name": "data", "persistentVolumeClaim": {"claimName": claim}}]);
    }
    let statuses: Vec<Value> = main
        .iter()
        .map(|(n, _, _)| json!({"name": n, "ready": true, "restartCount": 0}))
        .collect();
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec,
        "status": {"phase": "Running", "podIP": format!("10.244.{}.{}", w.rng_u32() % 5, 2 + w.rng_u32() % 250),
            "startTime": c.stamp(p.created), "containerStatuses": statuses}})
}
