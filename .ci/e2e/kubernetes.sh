#!/usr/bin/env bash
# The Kubernetes manifests in deploy/ checked offline against the Kubernetes 1.33 OpenAPI schemas
# that the PyPI package kubernetes-validate ships, strictly (unknown fields are errors); a
# deliberately broken copy must be rejected, so the check is known to bite. The emulated
# four-pod run of the Job's script is tests/run.rs `the_indexed_job_script_shards_resumes_and_merges`.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=${RCABOX_K8S_VERSION:-1.33.0}
if ! command -v kubernetes-validate >/dev/null; then
  echo "kubernetes e2e: SKIPPED, no kubernetes-validate (python3 -m pip install kubernetes-validate)"
  exit 0
fi
kubernetes-validate --strict --quiet -k "$version" deploy/*.yaml
bad=$(mktemp)
trap 'rm -f "$bad"' EXIT
sed 's/completionMode: Indexed/completionMode: Indexed\n  completionz: 4/' deploy/job.yaml > "$bad"
if kubernetes-validate --strict --quiet -k "$version" "$bad" >/dev/null 2>&1; then
  echo "kubernetes e2e: FAILED: a Job with an unknown field passed validation" >&2
  exit 1
fi
echo "kubernetes e2e: ok: deploy/*.yaml valid against Kubernetes $version (strict); a broken copy is rejected"
