//! `k8s_events_raw.tsv`: the ordinary traffic of a cluster (pods scheduled, images pulled,
//! containers started, volumes provisioned, Jobs completed, Deployments scaled) from every
//! namespace, a few routine warnings, and the fault's own events.
//!
//! The scheduler reports through the `events.k8s.io/v1` API (`regarding`, `note`,
//! `eventTime`) and the other controllers through core `v1` (`involvedObject`, `message`,
//! `firstTimestamp`), as in a real cluster, so readers meet both bodies.

use std::path::Path;

use chrono::Duration;
use serde_json::{Value, json};

use super::cluster::{APP_AT, Cluster, INFRA_AT};
use super::telemetry::{INJECT_MIN, MINUTES, Plan, csv_err, k8s_row, open};
use super::world::World;
use crate::snapshot::SnapshotError;
use crate::snapshot::pymap;

/// One event occurrence.
struct Ev<'a> {
    /// Second of this occurrence.
    t: i64,
    /// Second of the first occurrence.
    first: i64,
    kind_of: &'a str,
    reason: &'a str,
    message: String,
    object: (&'a str, &'a str, &'a str),
    component: &'a str,
    host: &'a str,
    count: u32,
}

impl<'a> Ev<'a> {
    /// A Normal event that happened once.
    fn normal(
        t: i64,
        reason: &'a str,
        message: String,
        object: (&'a str, &'a str, &'a str),
        component: &'a str,
        host: &'a str,
    ) -> Self {
        Ev {
            t,
            first: t,
            kind_of: "Normal",
            reason,
            message,
            object,
            component,
            host,
            count: 1,
        }
    }
}

/// Collects event rows.
struct Rows<'p> {
    plan: &'p Plan,
    rows: Vec<(i64, Value)>,
}

impl Rows<'_> {
    fn push(&mut self, w: &mut World, e: Ev<'_>) {
        let (okind, ons, oname) = e.object;
        let at = |s: i64| self.plan.stamp_offset(s);
        let name = format!("{oname}.{}", w.hex(16));
        let watch = if e.count > 1 { "MODIFIED" } else { "ADDED" };
        let body = if e.component == "default-scheduler" {
            let mut o = json!({"apiVersion": "events.k8s.io/v1", "kind": "Event",
                "metadata": {"name": name, "namespace": ons, "creationTimestamp": at(e.first)},
                "eventTime": micro(self.plan, e.first), "reportingController": e.component,
                "reportingInstance": format!("{}-{}", e.component, e.host), "action": if e.reason == "Scheduled" { "Binding" } else { "Scheduling" },
                "reason": e.reason, "regarding": {"kind": okind, "namespace": ons, "name": oname}, "note": e.message, "type": e.kind_of});
            if e.count > 1 {
                o["series"] = json!({"count": e.count, "lastObservedTime": micro(self.plan, e.t)});
            }
            json!({"object": o, "type": watch})
        } else {
            let mut source = json!({"component": e.component});
            if !e.host.is_empty() {
                source["host"] = json!(e.host);
            }
            json!({"object": {"apiVersion": "v1", "kind": "Event",
                "metadata": {"name": name, "namespace": ons, "creationTimestamp": at(e.first)},
                "involvedObject": {"kind": okind, "name": oname, "namespace": ons}, "reason": e.reason, "message": e.message,
                "source": source, "firstTimestamp": at(e.first), "lastTimestamp": at(e.t), "eventTime": null, "type": e.kind_of, "count": e.count},
                "type": watch})
        };
        self.rows.push((e.t, body));
    }
}

fn micro(p: &Plan, s: i64) -> String {
    (p.start + Duration::milliseconds(s * 1000 + 137))
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

/// The controller that creates a pod for an owner of this kind.
fn controller(kind: &str) -> &'static str {
    match kind {
        "ReplicaSet" => "replicaset-controller",
        "Job" => "job-controller",
        "StatefulSet" => "statefulset-controller",
        "DaemonSet" => "daemonset-controller",
        _ => "controller-manager",
    }
}

impl Plan {
    /// Writes `k8s_events_raw.tsv`.
    pub(super) fn write_events(
        &self,
        c: &Cluster,
        w: &mut World,
        out: &Path,
    ) -> Result<(), SnapshotError> {
        let path = out.join("k8s_events_raw.tsv");
        let mut tw = open(&path, &super::telemetry::LOG_COLUMNS)?;
        let mut r = Rows {
            plan: self,
            rows: Vec::new(),
        };
        cluster_traffic(&mut r, c, w);
        self.herring_probe(&mut r, w);
        self.fault_events(&mut r, w);
        r.rows.sort_by_key(|a| a.0);
        let attrs = pymap::to_text(&json!({"k8s.resource.name": "events", "event.domain": "k8s"}));
        for (t, body) in r.rows {
            let row = k8s_row(self.start + Duration::seconds(t), &body, &attrs);
            tw.write_record(&row).map_err(|e| csv_err(&path, e))?;
        }
        tw.flush().map_err(|e| SnapshotError::io(&path, e))
    }

    /// A flaky liveness probe on a healthy service, unrelated to the fault.
    fn herring_probe(&self, r: &mut Rows<'_>, w: &mut World) {
        let herring = w
            .services
            .keys()
            .rev()
            .find(|s| !self.effects.contains_key(*s))
            .cloned()
            .unwrap_or_default();
        let ns = w.namespace.clone();
        if let Some(s) = w.services.get(&herring).cloned() {
            for (i, m) in [3, 7, 21].iter().enumerate() {
                r.push(w, Ev {
                    t: m * 60 + 9,
                    first: 3 * 60,
                    kind_of: "Warning",
                    reason: "Unhealthy",
                    message: "Liveness probe failed: Get \"http://10.244.2.31:8080/health\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)".into(),
                    object: ("Pod", &ns, &s.pod),
                    component: "kubelet",
                    host: &s.node,
                    count: i as u32 + 1,
                });
            }
        }
    }

    /// The fault's events, repeated every few minutes while it lasts.
    fn fault_events(&self, r: &mut Rows<'_>, w: &mut World) {
        for ev in &self.evidence {
            for spec in &ev.events {
                let first = INJECT_MIN * 60 + 20 + i64::from(w.rng_u32() % 40);
                let times = if spec.repeat {
                    (MINUTES - INJECT_MIN) / 3
                } else {
                    1
                };
                for k in 0..times {
                    r.push(
                        w,
                        Ev {
                            t: first + 180 * k,
                            first,
                            kind_of: spec.kind_of,
                            reason: &spec.reason,
                            message: spec.message.clone(),
                            object: (&spec.object_kind, &spec.namespace, &spec.object_name),
                            component: &spec.component,
                            host: "",
                            count: k as u32 + 1,
                        },
                    );
                }
            }
        }
    }
}

/// What the cluster's controllers report for the objects in `c`.
fn cluster_traffic(r: &mut Rows<'_>, c: &Cluster, w: &mut World) {
    for (ns, lease, holder, t) in &c.leaders {
        r.push(
            w,
            Ev::normal(
                *t,
                "LeaderElection",
                format!("{holder} became leader"),
                ("Lease", ns, lease),
                lease,
                "",
            ),
        );
    }
    // A new controller-manager leader registers every node with its node controller.
    if let Some((_, _, _, t)) = c.leaders.first() {
        for node in &c.nodes {
            r.push(
                w,
                Ev::normal(
                    t + 2,
                    "RegisteredNode",
                    format!("Node {node} event: Registered Node {node} in Controller"),
                    ("Node", "", node),
                    "node-controller",
                    "",
                ),
            );
        }
    }
    for (t, ns, deploy, rs, from, n) in &c.scalings {
        let message = if n < from {
            format!("Scaled down replica set {rs} from {from} to {n}")
        } else {
            format!("Scaled up replica set {rs} from {from} to {n}")
        };
        r.push(
            w,
            Ev::normal(
                *t,
                "ScalingReplicaSet",
                message,
                ("Deployment", ns, deploy),
                "deployment-controller",
                "",
            ),
        );
    }
    for claim in &c.claims {
        let at = claim.created;
        for (dt, reason, component, message) in [
            (0, "ExternalProvisioning", "persistentvolume-controller", "Waiting for a volume to be created either by the external provisioner 'ebs.csi.aws.com' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.".to_string()),
            (2, "ExternalProvisioning", "persistentvolume-controller", "Waiting for a volume to be created either by the external provisioner 'ebs.csi.aws.com' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.".to_string()),
            (1, "Provisioning", "ebs.csi.aws.com_ebs-csi-controller", format!("External provisioner is provisioning volume for claim \"{}/{}\"", claim.ns, claim.name)),
            (4, "ProvisioningSucceeded", "ebs.csi.aws.com_ebs-csi-controller", format!("Successfully provisioned volume {}", claim.volume)),
        ] {
            // The volume controller repeats its wait message until the driver answers.
            let (first, count) = if reason == "ExternalProvisioning" && dt > 0 { (at, 2) } else { (at + dt, 1) };
            r.push(w, Ev { t: at + dt, first, kind_of: "Normal", reason, message,
                object: ("PersistentVolumeClaim", &claim.ns, &claim.name), component, host: "", count });
        }
        if let Some(gone) = claim.deleted {
            // The volume is still attached when the claim goes: the driver retries, then
            // succeeds once the attachment is gone.
            let vol = format!("vol-0{}", w.hex(16));
            let inst = format!("i-0{}", w.hex(16));
            for k in 0..2 {
                r.push(w, Ev { t: gone + 2 + 8 * k, first: gone + 2, kind_of: "Warning", reason: "VolumeFailedDelete",
                    message: format!("rpc error: code = Internal desc = Could not delete volume ID \"{vol}\": DeleteDisk could not delete volume: operation error EC2: DeleteVolume, VolumeInUse: Volume {vol} is currently attached to {inst}"),
                    object: ("PersistentVolume", "", &claim.volume), component: "ebs.csi.aws.com_ebs-csi-controller", host: "", count: k as u32 + 1 });
            }
        }
    }
    for p in &c.pods {
        let pod = ("Pod", p.ns.as_str(), p.name.as_str());
        let t0 = p.created;
        let (okind, oname) = (p.owner.0.as_str(), p.owner.1.as_str());
        r.push(
            w,
            Ev::normal(
                t0,
                "SuccessfulCreate",
                format!("Created pod: {}", p.name),
                (okind, &p.ns, oname),
                controller(okind),
                "",
            ),
        );
        let mut t = t0 + 1;
        if p.pvc.is_some() && okind == "StatefulSet" {
            r.push(w, Ev { t, first: t, kind_of: "Warning", reason: "FailedScheduling",
                message: "0/5 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.".into(),
                object: ("Pod", &p.ns, &p.name), component: "default-scheduler", host: "", count: 1 });
            t += 5;
        }
        r.push(
            w,
            Ev::normal(
                t,
                "Scheduled",
                format!("Successfully assigned {}/{} to {}", p.ns, p.name, p.node),
                ("Pod", &p.ns, &p.name),
                "default-scheduler",
                "",
            ),
        );
        if let Some(claim) = &p.pvc {
            let volume = c
                .claims
                .iter()
                .find(|x| &x.name == claim && x.ns == p.ns)
                .map_or("", |x| x.volume.as_str());
            r.push(
                w,
                Ev::normal(
                    t + 6,
                    "SuccessfulAttachVolume",
                    format!("AttachVolume.Attach succeeded for volume \"{volume}\""),
                    ("Pod", &p.ns, &p.name),
                    "attachdetach-controller",
                    "",
                ),
            );
            t += 7;
        }
        for (name, image, _) in &p.containers {
            t += 1;
            let present = w.unit() < 0.3;
            if !present {
                let message = format!("Pulling image \"{image}\"");
                r.push(
                    w,
                    Ev::normal(t, "Pulling", message, pod, "kubelet", &p.node),
                );
                t += 2 + i64::from(w.rng_u32() % 9);
            }
            let message = if present {
                format!("Container image \"{image}\" already present on machine")
            } else {
                let secs = 0.8 + 9.0 * w.unit();
                format!(
                    "Successfully pulled image \"{image}\" in {secs:.3}s ({secs:.3}s including waiting). Image size: {} bytes.",
                    20_000_000 + w.rng_u32() % 180_000_000
                )
            };
            for (reason, message) in [
                ("Pulled", message),
                ("Created", format!("Created container: {name}")),
                ("Started", format!("Started container {name}")),
            ] {
                r.push(w, Ev::normal(t, reason, message, pod, "kubelet", &p.node));
            }
        }
        if p.slow_start {
            let ip = format!("10.244.{}.{}", w.rng_u32() % 5, 2 + w.rng_u32() % 250);
            for (k, count) in [1u32, 4].iter().enumerate() {
                r.push(w, Ev { t: t + 10 + 30 * k as i64, first: t + 10, kind_of: "Warning", reason: "Unhealthy",
                    message: format!("Readiness probe failed: Get \"http://{ip}:8080/ready\": dial tcp {ip}:8080: connect: connection refused"),
                    object: ("Pod", &p.ns, &p.name), component: "kubelet", host: &p.node, count: *count });
            }
        }
        if let Some(k) = p.killed {
            let main = p
                .containers
                .iter()
                .rfind(|c| !c.2)
                .map_or("main", |c| c.0.as_str());
            let message = format!("Stopping container {main}");
            r.push(
                w,
                Ev::normal(k, "Killing", message, pod, "kubelet", &p.node),
            );
        }
    }
    for (ns, job, created, done, cron) in &c.jobs {
        r.push(
            w,
            Ev::normal(
                *done,
                "Completed",
                "Job completed".into(),
                ("Job", ns, job),
                "job-controller",
                "",
            ),
        );
        if let Some(cron) = cron {
            for (t, reason, message) in [
                (*created, "SuccessfulCreate", format!("Created job {job}")),
                (
                    done + 1,
                    "SawCompletedJob",
                    format!("Saw completed job: {job}, condition: Complete"),
                ),
            ] {
                r.push(
                    w,
                    Ev::normal(
                        t,
                        reason,
                        message,
                        ("CronJob", ns, cron),
                        "cronjob-controller",
                        "",
                    ),
                );
            }
        }
    }
    for (ns, job, _, _, cron) in &c.jobs {
        let Some(cron) = cron else { continue };
        if let Some(gone) = c
            .claims
            .iter()
            .find(|x| x.ns == *ns && x.name == format!("{job}-data"))
            .and_then(|x| x.deleted)
        {
            r.push(
                w,
                Ev::normal(
                    gone,
                    "SuccessfulDelete",
                    format!("Deleted job {job}"),
                    ("CronJob", ns, cron),
                    "cronjob-controller",
                    "",
                ),
            );
        }
    }
    for (svc, ns) in [("ingress-nginx-controller", "ingress-nginx")] {
        for (dt, reason, message) in [
            (0, "EnsuringLoadBalancer", "Ensuring load balancer"),
            (9, "EnsuredLoadBalancer", "Ensured load balancer"),
        ] {
            let t = INFRA_AT + 300 + dt;
            r.push(
                w,
                Ev::normal(
                    t,
                    reason,
                    message.into(),
                    ("Service", ns, svc),
                    "service-controller",
                    "",
                ),
            );
        }
    }
    let app_ns = w.namespace.clone();
    let entry = w.ingress_service();
    for (k, t) in [APP_AT + 5, APP_AT + 65].iter().enumerate() {
        r.push(
            w,
            Ev {
                t: *t,
                first: APP_AT + 5,
                kind_of: "Normal",
                reason: "Sync",
                message: "Scheduled for sync".into(),
                object: ("Ingress", &app_ns, entry),
                component: "nginx-ingress-controller",
                host: "",
                count: k as u32 + 1,
            },
        );
    }
}
