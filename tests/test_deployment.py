"""The Kubernetes manifests (deploy/kubernetes): valid against Kubernetes' own schemas, and
saying what the app needs: two web replicas, a worker per queue, probes the app answers,
non-root containers on a read-only root, secrets by reference only."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from wasstraat import ROOT, jobs

KUBERNETES = ROOT / "deploy" / "kubernetes"
BASE = KUBERNETES / "base"
VERSION = "1.32.0"  # the oldest Kubernetes still supported when this was written


def documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def base_resources() -> list[dict]:
    kustomization = documents(BASE / "kustomization.yaml")[0]
    return [doc for name in kustomization["resources"] for doc in documents(BASE / name)]


def by_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in base_resources() if doc["kind"] == kind}


def pod_specs() -> dict[str, dict]:
    workloads = by_kind("Deployment") | by_kind("Job")
    return {name: doc["spec"]["template"]["spec"] for name, doc in workloads.items()}


def test_every_resource_is_valid_against_the_kubernetes_schemas():
    resources = base_resources() + documents(KUBERNETES / "voorbeeld" / "namespace.yaml")
    assert len(resources) >= 12
    for resource in resources:
        kubernetes_validate.validate(resource, VERSION, strict=True)


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="needs kubectl's kustomize")
def test_a_municipality_s_release_builds_and_everything_lands_in_its_namespace():
    built = subprocess.run(["kubectl", "kustomize", str(KUBERNETES / "voorbeeld")],
                           check=True, capture_output=True, text=True).stdout
    resources = [doc for doc in yaml.safe_load_all(built) if doc]
    for resource in resources:
        kubernetes_validate.validate(resource, VERSION, strict=True)
        if resource["kind"] != "Namespace":
            assert resource["metadata"]["namespace"] == "wasstraat-voorbeeld", resource["kind"]
    images = {container["image"] for resource in resources
              if resource["kind"] in ("Deployment", "Job")
              for container in resource["spec"]["template"]["spec"]["containers"]}
    assert images == {"registry.gemeente.example/wasstraat:2026.12"}


def test_the_web_tier_runs_at_least_two_replicas_and_a_drain_keeps_one():
    assert by_kind("Deployment")["wasstraat-web"]["spec"]["replicas"] >= 2
    assert by_kind("HorizontalPodAutoscaler")["wasstraat-web"]["spec"]["minReplicas"] >= 2
    assert by_kind("PodDisruptionBudget")["wasstraat-web"]["spec"]["minAvailable"] >= 1


def test_the_probes_ask_paths_the_app_answers(app):
    web = pod_specs()["wasstraat-web"]["containers"][0]
    probes = {kind: web[f"{kind}Probe"]["httpGet"]["path"]
              for kind in ("startup", "liveness", "readiness")}
    assert probes == {"startup": "/_healthz/", "liveness": "/_healthz/livez/",
                      "readiness": "/_healthz/readyz/"}
    client = app.test_client()
    for path in probes.values():
        assert client.get(path).status_code == 200, path
    assert web["ports"][0]["containerPort"] == 8000  # gunicorn.conf's WASSTRAAT_BIND


def test_there_is_a_worker_for_each_queue_probed_by_its_own_heartbeat():
    workers = {name: spec["containers"][0] for name, spec in pod_specs().items()
               if name.startswith("wasstraat-worker-")}
    served = {}
    for name, container in workers.items():
        command = container["command"]
        assert command[:5] == ["flask", "--app", "app", "jobs", "worker"]
        served[command[command.index("--queue") + 1]] = name
        beat = command[command.index("--heartbeat-file") + 1]
        probe = container["livenessProbe"]["exec"]["command"]
        assert probe[-3:] == ["probe", "--heartbeat-file", beat]
    # Every queue but the upkeep, which every worker takes along.
    assert set(served) == {str(q) for q in jobs.QUEUES} - {str(jobs.Queue.UPKEEP)}


def test_each_worker_serves_its_metrics_to_the_monitoring_namespace_only():
    workers = {name: spec["containers"][0] for name, spec in pod_specs().items()
               if name.startswith("wasstraat-worker-")}
    ports = set()
    for container in workers.values():
        command = container["command"]
        port = int(command[command.index("--metrics-port") + 1])
        assert {"name": "metrics", "containerPort": port} in container["ports"]
        ports.add(port)
    policy = by_kind("NetworkPolicy")["wasstraat-worker-ingress"]["spec"]
    [rule] = policy["ingress"]
    assert rule["from"] == [{"namespaceSelector": {"matchLabels": {
        "kubernetes.io/metadata.name": "monitoring"}}}]
    assert {p["port"] for p in rule["ports"]} == ports


def test_every_container_runs_as_non_root_on_a_read_only_root_with_no_capabilities():
    for name, spec in pod_specs().items():
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        assert spec["automountServiceAccountToken"] is False, name
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            assert "memory" in container["resources"]["limits"], name
        volumes = {volume["name"]: volume for volume in spec.get("volumes", [])}
        assert all(set(volume) == {"name", "emptyDir"} for volume in volumes.values()), name


def test_secrets_come_by_reference_and_none_is_written_down():
    assert not by_kind("Secret")
    for name, spec in pod_specs().items():
        for container in spec["containers"]:
            assert {"secretRef": {"name": "wasstraat"}} in container["envFrom"], name
            assert "env" not in container, name  # nothing typed in, secret or not
    for text in BASE.glob("*.yaml"):
        assert not re.search(r"(?im)^\s*[\w-]*(password|secret_key|_token)[\w-]*\s*:\s*\S",
                             text.read_text(encoding="utf-8")), text.name


def test_the_settings_are_ones_the_app_reads():
    """A misspelt variable in the ConfigMap would be ignored without a word."""
    read = (ROOT / "wasstraat" / "config.py").read_text(encoding="utf-8") + \
        (ROOT / "deploy" / "gunicorn.conf.py").read_text(encoding="utf-8")
    settings = by_kind("ConfigMap")["wasstraat"]["data"]
    known_elsewhere = {"PROMETHEUS_MULTIPROC_DIR", "TMPDIR"}  # read by libraries
    for variable in settings:
        assert variable in known_elsewhere or f'"{variable}"' in read, variable
    assert settings["WASSTRAAT_ENV"] == "production"


def test_the_migrations_run_as_a_job_over_their_direct_connection():
    job = pod_specs()["wasstraat-migrate"]
    assert job["restartPolicy"] == "Never"
    assert job["containers"][0]["command"] == ["flask", "--app", "app", "db", "upgrade"]
