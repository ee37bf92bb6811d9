#!/usr/bin/env bash
# Makes the CURVE keys for a lapq run on Kubernetes and stores them as two Secrets:
#
#   lapq-coord-curve   coord.key (the coordinator's secret key), allowed-workers (the workers'
#                      public key): mounted by the coordinator only
#   lapq-worker-curve  worker.key, worker.pub, coord.pub: mounted by the workers only
#
# so no worker pod ever holds the coordinator's secret key. All workers share one key pair:
# they are identical pods of one Job, and the allow-list admits that key only.
#
#   cluster/kubernetes/create-secrets.sh            # uses lapq-coord from PATH
#   LAPQ_COORD=.build/release/lapq-coord cluster/kubernetes/create-secrets.sh
#
# Run it again to replace the keys (restart the coordinator and workers afterwards). The keys
# exist on this machine only inside a temporary directory that is removed on exit.
set -euo pipefail

lapq_coord="${LAPQ_COORD:-lapq-coord}"
namespace="${LAPQ_NAMESPACE:-lapq}"

command -v "$lapq_coord" >/dev/null || { echo "create-secrets: $lapq_coord not found (set LAPQ_COORD)" >&2; exit 1; }
command -v kubectl >/dev/null || { echo "create-secrets: kubectl not found" >&2; exit 1; }

keys="$(mktemp -d)"
trap 'rm -rf "$keys"' EXIT
"$lapq_coord" keygen --out "$keys/coord"
"$lapq_coord" keygen --out "$keys/worker"
cp "$keys/worker.pub" "$keys/allowed-workers"

# `create --dry-run -o yaml | apply` creates the Secret or replaces its keys, so re-running works.
kubectl -n "$namespace" create secret generic lapq-coord-curve \
    --from-file=coord.key="$keys/coord.key" --from-file=allowed-workers="$keys/allowed-workers" \
    --dry-run=client -o yaml | kubectl -n "$namespace" apply -f -
kubectl -n "$namespace" create secret generic lapq-worker-curve \
    --from-file=worker.key="$keys/worker.key" --from-file=worker.pub="$keys/worker.pub" \
    --from-file=coord.pub="$keys/coord.pub" \
    --dry-run=client -o yaml | kubectl -n "$namespace" apply -f -
echo "create-secrets: secrets lapq-coord-curve and lapq-worker-curve are in namespace $namespace"
