//! `yq` in the sandbox, in the mikefarah v4 forms a CISO `fetch.sh` uses to turn
//! `static-resources/*.yaml` into `collected_data.json`. pip's `yq` is another program, so the
//! expected outputs are written out (mikefarah yq's documented results).

mod common;
use common::*;

const PODS: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  hostNetwork: true\n";

fn setup(s: &mut rcabox_runtime::sandbox::Session) {
    let r = s.run(&format!(
        "mkdir -p /tmp/y/static-resources && cd /tmp/y && cat > static-resources/pods.yaml <<'EOF'\n{PODS}EOF\nprintf 'kind: ServiceAccount\\nmetadata: {{name: sa, labels: &l {{app: x}}}}\\nextra: {{<<: *l, n: 1}}\\n' > static-resources/sa.yml"
    ));
    assert_eq!(r.exit_code, 0, "{}", err(&r));
}

#[test]
fn documents_to_json() {
    let snap = snapshot();
    let mut s = session(snap.path());
    setup(&mut s);
    let r = s.run("cd /tmp/y && yq -o=json '.' static-resources/pods.yaml");
    assert_eq!(
        out(&r),
        "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\n    \"name\": \"a\"\n  }\n}\n{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\n    \"name\": \"b\"\n  },\n  \"spec\": {\n    \"hostNetwork\": true\n  }\n}\n"
    );
    let r = s.run("cd /tmp/y && yq -o=json -I=0 static-resources/pods.yaml");
    assert_eq!(
        out(&r),
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}\n{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"b\"},\"spec\":{\"hostNetwork\":true}}\n"
    );
}

#[test]
fn eval_all_collects() {
    let snap = snapshot();
    let mut s = session(snap.path());
    setup(&mut s);
    let r = s.run("cd /tmp/y && yq ea -o=json -I=0 '{\"items\": [.]}' static-resources/* > collected_data.json && jq -c '[.items[].metadata.name], .items[2].extra' collected_data.json");
    assert_eq!(
        out(&r),
        "[\"a\",\"b\",\"sa\"]\n{\"n\":1,\"app\":\"x\"}\n",
        "{}",
        err(&r)
    );
    let r = s.run("cd /tmp/y && yq eval-all -o json '. as $item ireduce ([]; . + [$item])' static-resources/pods.yaml | jq length");
    assert_eq!(out(&r), "2\n", "{}", err(&r));
}

#[test]
fn expressions_and_yaml_out() {
    let snap = snapshot();
    let mut s = session(snap.path());
    setup(&mut s);
    let r = s.run("cd /tmp/y && yq '.metadata.name' static-resources/pods.yaml");
    assert_eq!(out(&r), "a\n---\nb\n");
    let r = s.run("cd /tmp/y && yq -N '.metadata.name' static-resources/pods.yaml");
    assert_eq!(out(&r), "a\nb\n");
    let r = s.run("cd /tmp/y && cat static-resources/pods.yaml | yq -o=json -r 'select(.spec.hostNetwork) | .metadata.name' -");
    assert_eq!(out(&r), "b\n");
    let r = s.run("cd /tmp/y && yq -o=json '.metadata.name' static-resources/sa.yml");
    assert_eq!(out(&r), "\"sa\"\n");
    let r = s.run("echo '{\"a\": {\"b\": [1, \"2\"]}}' | yq -P '.'");
    assert_eq!(out(&r), "a:\n  b:\n    - 1\n    - \"2\"\n");
    let r = s.run("cd /tmp/y && yq -e '.nothing' static-resources/sa.yml; echo \"st=$?\"");
    assert_eq!(out(&r), "null\nst=1\n");
    let r = s.run("yq -i '.a = 1' /tmp/y/static-resources/sa.yml; echo \"st=$?\"");
    assert_eq!(out(&r), "st=1\n");
}
