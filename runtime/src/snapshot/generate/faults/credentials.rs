//! Credentials that no longer match: Valkey's password, a corrupted Secret.

use serde_json::json;

use super::super::world::World;
use super::*;

/// `valkey-workload-changed-password`.
pub(super) fn valkey_workload_changed_password(
    _inj: &Injection,
    w: &mut World,
    c: &Ctx,
    e: &mut Evidence,
) {
    let Ctx { deploy_name, .. } = c;
    e.objects.push((
        "deployments".into(),
        deployment(w, deploy_name, |d| {
            container(d)["args"] = json!(["--requirepass", "$(VALKEY_PASSWORD)"]);
        }),
    ));
    e.victim_log = "-NOAUTH Authentication required.".into();
    e.caller_log = "Can't access cart storage. StackExchange.Redis.RedisServerException: NOAUTH Authentication required.".into();
    e.span_error = "NOAUTH Authentication required.".into();
}

/// `corrupted-kubernetes-secret-credentials`.
pub(super) fn corrupted_kubernetes_secret_credentials(
    inj: &Injection,
    w: &mut World,
    c: &Ctx,
    e: &mut Evidence,
) {
    let Ctx { ns, .. } = c;
    e.objects.push(("secrets".into(), json!({"apiVersion": "v1", "kind": "Secret", "metadata": meta(&inj.name, ns, w), "type": "Opaque",
            "data": {"SMTP_PASSWORD": "Y29ycnVwdGVkLXBhc3N3b3Jk"}})));
    e.victim_log =
        "Net::SMTPAuthenticationError: 535 5.7.8 Authentication credentials invalid".into();
    e.span_error = "535 5.7.8 Authentication credentials invalid".into();
}
