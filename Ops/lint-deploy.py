#!/usr/bin/env python3
"""Offline structural checks of the deployment files in Ops/ (run by Ops/lint-deploy.sh).

Usage: lint-deploy.py REPO_ROOT BIN_DIR [RENDERED_K8S_YAML]

Facts that the files must agree with (stream keys, consumer group, worker defaults, -dev packages) are read
from the Swift sources and Package.swift, so a rename there fails this lint. Flags passed to gplr and
gplr-worker are checked against the built binaries' --help when BIN_DIR holds them. Prints one line per
problem and exits 1 if there is any.
"""
import glob
import os
import re
import shlex
import subprocess
import sys

import yaml

ROOT, BIN_DIR = sys.argv[1], sys.argv[2]
RENDERED = sys.argv[3] if len(sys.argv) > 3 else None
OPS = os.path.join(ROOT, "Ops")
problems = []
notes = []


def problem(where, message):
    problems.append(f"{os.path.relpath(where, ROOT) if os.path.isabs(where) else where}: {message}")


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


# ---------------------------------------------------------------------------------------------------------
# Facts from the Swift sources


def swift_fact(path, pattern, what):
    """First group of `pattern` in `path`, or a problem naming what could not be found."""
    full = os.path.join(ROOT, path)
    try:
        match = re.search(pattern, read(full))
    except OSError as error:
        problem(path, f"cannot read ({error}); the lint needs it to know {what}")
        return None
    if not match:
        problem(path, f"cannot find {what} (pattern {pattern!r}); renamed? update Ops/lint-deploy.py")
        return None
    return match.group(1)


stream_template = swift_fact(
    "Sources/Shared/Runtime/Queue/RedisKeys+JobStream.swift",
    r'func jobStream\(_ kind: JobKind\) -> String \{ "([^"]+)" \}', "the job stream key")
group = swift_fact(
    "Sources/Shared/Runtime/Queue/JobQueueConfiguration.swift", r'group: String = "([^"]+)"', "the consumer group")
worker_prefix = swift_fact("Sources/Worker/WorkerCommand.swift", r'var prefix = "([^"]+)"', "the default prefix")
worker_grace = swift_fact("Sources/Worker/WorkerCommand.swift", r"var graceSeconds = (\d+)", "the default grace")
# The job kinds: the definitions JobRegistry lists, each one's `static let kind: JobKind = "…"`. A worker's
# default `--kinds` is all of them.
JOBS = "Sources/Shared/Runtime/Jobs"
kind_of_definition = {}
try:
    for name in sorted(os.listdir(os.path.join(ROOT, JOBS))):
        if name.endswith(".swift"):
            text = read(os.path.join(ROOT, JOBS, name))
            for definition, kind in re.findall(
                    r'enum (\w+): JobDefinition \{.*?static let kind: JobKind = "([^"]+)"', text, re.S):
                kind_of_definition[definition] = kind
    registered = re.findall(r'(\w+)\.self', read(os.path.join(ROOT, JOBS, "JobRegistry.swift")))
except OSError:
    registered = []
job_kinds_in_order = [kind_of_definition[d] for d in registered if d in kind_of_definition]
job_kinds = set(job_kinds_in_order)
if not job_kinds or len(job_kinds_in_order) != len(registered):
    problem(f"{JOBS}/JobRegistry.swift", "cannot map the registered definitions to their kinds "
            "(enum X: JobDefinition { … static let kind: JobKind = \"…\" })")
worker_kinds = ",".join(job_kinds_in_order) or None
apt_dev_packages = set()
for group_list in re.findall(r"\.apt\(\[([^\]]*)\]\)", read(os.path.join(ROOT, "Package.swift"))):
    apt_dev_packages.update(re.findall(r'"([^"]+)"', group_list))


def stream_key(prefix, kind):
    return stream_template.replace(r"\(prefix)", prefix).replace(r"\(kind.rawValue)", kind)


def option(argv, name):
    """Value of `--name V` or `--name=V` in argv, else None."""
    for index, token in enumerate(argv):
        if token == name and index + 1 < len(argv):
            return argv[index + 1]
        if token.startswith(name + "="):
            return token.split("=", 1)[1]
    return None


def grace_of(argv):
    value = option(argv, "--grace-seconds")
    return int(value) if value is not None else (int(worker_grace) if worker_grace else None)


# Every gplr / gplr-worker command line found in the files: (where, argv).
invocations = []


def is_gplr(argv):
    return bool(argv) and os.path.basename(str(argv[0])) in ("gplr", "gplr-worker")


def note_invocation(where, argv):
    argv = [str(token) for token in argv]
    for index, token in enumerate(argv):
        if os.path.basename(token) in ("gplr", "gplr-worker"):
            invocations.append((where, argv[index:]))
            return


# ---------------------------------------------------------------------------------------------------------
# YAML well-formedness (every .yml/.yaml under Ops/)

LOCAL = (os.path.join(OPS, "secrets") + os.sep, os.path.join(OPS, "data") + os.sep)  # git-ignored inputs


def ops_files(pattern):
    return [p for p in sorted(glob.glob(os.path.join(OPS, "**", pattern), recursive=True)) if not p.startswith(LOCAL)]


yaml_docs = {}
for path in ops_files("*.y*ml"):
    try:
        yaml_docs[path] = [doc for doc in yaml.safe_load_all(read(path)) if doc is not None]
    except yaml.YAMLError as error:
        problem(path, f"not valid YAML: {error}")

# ---------------------------------------------------------------------------------------------------------
# Kubernetes


def containers_of(pod_spec):
    return list(pod_spec.get("initContainers") or []) + list(pod_spec.get("containers") or [])


def check_k8s():
    k8s = os.path.join(OPS, "k8s")
    kustomization_path = os.path.join(k8s, "kustomization.yaml")
    kustomization = (yaml_docs.get(kustomization_path) or [{}])[0]
    listed = kustomization.get("resources") or []
    files = sorted(os.path.basename(p) for p in glob.glob(os.path.join(k8s, "*.yaml"))
                   if os.path.basename(p) != "kustomization.yaml")
    for name in listed:
        if not os.path.exists(os.path.join(k8s, name)):
            problem(kustomization_path, f"lists {name}, which does not exist")
    for name in files:
        if name not in listed:
            problem(kustomization_path, f"does not list {name}")

    docs = [(path, doc) for path in sorted(yaml_docs) if os.path.dirname(path) == k8s
            and path != kustomization_path for doc in yaml_docs[path]]
    by_kind = {}
    for path, doc in docs:
        if not isinstance(doc, dict):
            problem(path, "a document is not a mapping")
            continue
        name = (doc.get("metadata") or {}).get("name")
        for field, value in (("apiVersion", doc.get("apiVersion")), ("kind", doc.get("kind")),
                             ("metadata.name", name)):
            if not value:
                problem(path, f"a document has no {field}")
        if (doc.get("metadata") or {}).get("namespace"):
            problem(path, f"{doc.get('kind')}/{name} sets metadata.namespace (kustomization.yaml sets it)")
        by_kind.setdefault(doc.get("kind"), {})[name] = (path, doc)

    generated = {}
    for generator in kustomization.get("configMapGenerator") or []:
        generated[generator["name"]] = {lit.split("=", 1)[0] for lit in generator.get("literals") or []}
    for name, (_, doc) in (by_kind.get("ConfigMap") or {}).items():
        generated.setdefault(name, set()).update((doc.get("data") or {}).keys())
    secrets_needed = set()

    workloads = {}
    for kind in ("Deployment", "StatefulSet"):
        for name, (path, doc) in (by_kind.get(kind) or {}).items():
            workloads[name] = (path, doc)
            spec = doc.get("spec") or {}
            template = spec.get("template") or {}
            labels = (template.get("metadata") or {}).get("labels") or {}
            selector = (spec.get("selector") or {}).get("matchLabels") or {}
            if not selector or any(labels.get(k) != v for k, v in selector.items()):
                problem(path, f"{kind}/{name}: selector.matchLabels {selector} does not match the pod labels")
            pod = template.get("spec") or {}
            volumes = {v["name"] for v in pod.get("volumes") or []}
            volumes |= {(c.get("metadata") or {}).get("name") for c in spec.get("volumeClaimTemplates") or []}
            for volume in pod.get("volumes") or []:
                if "secret" in volume:
                    secrets_needed.add(volume["secret"].get("secretName"))
                if "configMap" in volume and volume["configMap"].get("name") not in generated:
                    problem(path, f"{kind}/{name}: volume {volume['name']} names an unknown ConfigMap")
            annotations = (template.get("metadata") or {}).get("annotations") or {}
            for container in containers_of(pod):
                where = f"{os.path.relpath(path, ROOT)} {kind}/{name} container {container.get('name')}"
                for mount in container.get("volumeMounts") or []:
                    if mount.get("name") not in volumes:
                        problem(path, f"{kind}/{name}: volumeMount {mount.get('name')} has no volume")
                env_names = []
                for env in container.get("env") or []:
                    env_names.append(env.get("name"))
                    ref = (env.get("valueFrom") or {})
                    if "secretKeyRef" in ref:
                        secrets_needed.add(ref["secretKeyRef"].get("name"))
                    if "configMapKeyRef" in ref:
                        cm = ref["configMapKeyRef"]
                        if cm.get("name") not in generated:
                            problem(path, f"{kind}/{name}: env {env.get('name')} names unknown ConfigMap "
                                          f"{cm.get('name')}")
                        elif cm.get("key") not in generated[cm.get("name")]:
                            problem(path, f"{kind}/{name}: ConfigMap {cm.get('name')} has no key {cm.get('key')}")
                    for var in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", str(env.get("value") or "")):
                        if var not in env_names[:-1]:
                            problem(path, f"{kind}/{name}: env {env.get('name')} uses $({var}) before it is defined")
                argv = list(container.get("command") or []) + list(container.get("args") or [])
                for var in re.findall(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", " ".join(map(str, argv))):
                    if var not in env_names:
                        problem(path, f"{kind}/{name}: argument uses $({var}), which is not in env")
                note_invocation(where, argv)
                if is_gplr(argv) and "--redis" not in argv and "GPLR_REDIS_URL" not in env_names:
                    problem(path, f"{kind}/{name}: neither --redis nor GPLR_REDIS_URL")
                ports = {str(p.get("containerPort")): p.get("name") for p in container.get("ports") or []}
                names = set(ports.values())
                for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                    port = ((container.get(probe) or {}).get("httpGet") or {}).get("port")
                    if port is not None and str(port) not in ports and port not in names:
                        problem(path, f"{kind}/{name}: {probe} port {port} is not a container port")
                if argv and os.path.basename(str(argv[0])) == "gplr-worker":
                    check_worker_pod(path, name, pod, container, argv, annotations, ports)
                if argv and os.path.basename(str(argv[0])) == "gplr" and "serve" in argv:
                    port = option(argv, "--port")
                    if annotations.get("prometheus.io/port") != port:
                        problem(path, f"{kind}/{name}: prometheus.io/port is not the --port {port}")
            if kind == "StatefulSet":
                service = (by_kind.get("Service") or {}).get(spec.get("serviceName"))
                if not service or (service[1].get("spec") or {}).get("clusterIP") != "None":
                    problem(path, f"StatefulSet/{name}: serviceName must name a headless Service")

    for name, (path, doc) in (by_kind.get("Service") or {}).items():
        selector = (doc.get("spec") or {}).get("selector") or {}
        if not any(all(((w.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels", {}).get(k) == v
                       for k, v in selector.items()) for _, w in workloads.values()):
            problem(path, f"Service/{name}: selector {selector} matches no workload")

    redis_conf = "\n".join(str((doc.get("data") or {}).get("redis.conf", ""))
                           for _, doc in (by_kind.get("ConfigMap") or {}).values())
    if not re.search(r"^appendonly yes$", redis_conf, re.M):
        problem(os.path.join(k8s, "redis.yaml"), "the Redis config does not say `appendonly yes`")
    if not re.search(r"^maxmemory-policy noeviction$", redis_conf, re.M):
        problem(os.path.join(k8s, "redis.yaml"), "the Redis config does not say `maxmemory-policy noeviction`")

    check_keda(by_kind, workloads)
    readme = read(os.path.join(OPS, "README.md")) if os.path.exists(os.path.join(OPS, "README.md")) else ""
    for secret in sorted(s for s in secrets_needed if s):
        if f"create secret generic {secret}" not in readme:
            problem(os.path.join(OPS, "README.md"), f"does not show how to create the Secret {secret}")
    notes.append("k8s: Secrets created by hand: " + ", ".join(sorted(s for s in secrets_needed if s)))


def check_worker_pod(path, name, pod, container, argv, annotations, ports):
    grace = grace_of(argv)
    termination = pod.get("terminationGracePeriodSeconds", 30)
    if grace is not None and termination <= grace:
        problem(path, f"Deployment/{name}: terminationGracePeriodSeconds {termination} <= --grace-seconds {grace}")
    metrics = option(argv, "--metrics-port")
    if metrics is None or metrics not in ports:
        problem(path, f"Deployment/{name}: --metrics-port {metrics} is not a container port")
    for key, want in (("prometheus.io/scrape", "true"), ("prometheus.io/port", metrics),
                      ("prometheus.io/path", "/metrics")):
        if annotations.get(key) != want:
            problem(path, f"Deployment/{name}: pod annotation {key} should be {want!r}")
    key_file = option(argv, "--llm-key-file")
    mounts = [m.get("mountPath", "").rstrip("/") for m in container.get("volumeMounts") or []]
    if key_file is None or os.path.dirname(key_file) not in mounts:
        problem(path, f"Deployment/{name}: --llm-key-file {key_file} is not on a mounted volume")


def check_keda(by_kind, workloads):
    objects = by_kind.get("ScaledObject") or {}
    if not objects:
        problem(os.path.join(OPS, "k8s"), "no KEDA ScaledObject")
    auths = set((by_kind.get("TriggerAuthentication") or {}).keys())
    for name, (path, doc) in objects.items():
        spec = doc.get("spec") or {}
        target = (spec.get("scaleTargetRef") or {}).get("name")
        if target not in workloads:
            problem(path, f"ScaledObject/{name}: scaleTargetRef {target} is not a Deployment here")
            continue
        pod = ((workloads[target][1].get("spec") or {}).get("template") or {}).get("spec") or {}
        env_container = (spec.get("scaleTargetRef") or {}).get("envSourceContainerName")
        containers = {c.get("name"): c for c in containers_of(pod)}
        container = containers.get(env_container) if env_container else next(iter(containers.values()), None)
        if container is None:
            problem(path, f"ScaledObject/{name}: envSourceContainerName {env_container} is not a container")
            continue
        argv = list(container.get("command") or []) + list(container.get("args") or [])
        prefix = option(argv, "--prefix") or worker_prefix
        kinds = (option(argv, "--kinds") or worker_kinds or "").split(",")
        if not (stream_template and group and prefix):
            continue
        expected = {stream_key(prefix, kind.strip()) for kind in kinds if kind.strip()}
        env = {e.get("name") for e in container.get("env") or []}
        lag, pending = set(), set()
        for trigger in spec.get("triggers") or []:
            meta = trigger.get("metadata") or {}
            if trigger.get("type") != "redis-streams":
                problem(path, f"ScaledObject/{name}: unexpected trigger type {trigger.get('type')}")
                continue
            stream = meta.get("stream")
            if stream not in expected:
                problem(path, f"ScaledObject/{name}: stream {stream!r} is not one the workers read "
                              f"(expected one of {sorted(expected)})")
            if meta.get("consumerGroup") != group:
                problem(path, f"ScaledObject/{name}: consumerGroup {meta.get('consumerGroup')!r} is not {group!r}")
            for field in ("addressFromEnv", "passwordFromEnv", "usernameFromEnv"):
                if field in meta and meta[field] not in env:
                    problem(path, f"ScaledObject/{name}: {field} {meta[field]} is not in the worker's env")
            if "address" not in meta and "addressFromEnv" not in meta and "host" not in meta:
                problem(path, f"ScaledObject/{name}: a trigger has no Redis address")
            auth = (trigger.get("authenticationRef") or {}).get("name")
            if auth is not None and auth not in auths:
                problem(path, f"ScaledObject/{name}: authenticationRef {auth} is not a TriggerAuthentication here")
            for field in ("lagCount", "activationLagCount", "pendingEntriesCount"):
                if field in meta and not (isinstance(meta[field], str) and meta[field].isdigit()):
                    problem(path, f"ScaledObject/{name}: {field} must be a quoted integer, got {meta[field]!r}")
            if "lagCount" in meta:
                if "activationLagCount" not in meta:
                    problem(path, f"ScaledObject/{name}: lagCount without activationLagCount ({stream})")
                lag.add(stream)
            elif "pendingEntriesCount" in meta:
                pending.add(stream)
            else:
                problem(path, f"ScaledObject/{name}: trigger on {stream} has neither lagCount nor pendingEntriesCount")
        for label, streams in (("lagCount", lag), ("pendingEntriesCount", pending)):
            for missing in sorted(expected - streams):
                problem(path, f"ScaledObject/{name}: no {label} trigger for {missing}")
        notes.append(f"keda: {len(lag)} lag + {len(pending)} pending triggers on group {group!r}: "
                     + ", ".join(sorted(expected)))


def check_rendered():
    """The output of `kubectl kustomize Ops/k8s`: the namespace reached the Redis address KEDA dials."""
    docs = [d for d in yaml.safe_load_all(read(RENDERED)) if d]
    namespaces = {(d.get("metadata") or {}).get("namespace") for d in docs}
    if None in namespaces or len(namespaces) != 1:
        problem("Ops/k8s", f"rendered objects are not all in one namespace: {namespaces}")
    namespace = next(iter(namespaces - {None}), None)
    for doc in docs:
        address = (doc.get("data") or {}).get("redis-address") if doc.get("kind") == "ConfigMap" else None
        if address is not None and address != f"gplr-redis.{namespace}.svc:6379":
            problem("Ops/k8s/kustomization.yaml", f"rendered redis-address is {address!r}")
        if doc.get("kind") == "Deployment" and "replicas" in doc.get("spec", {}) \
                and doc["metadata"]["name"] in {((s.get("spec") or {}).get("scaleTargetRef") or {}).get("name")
                                                for s in docs if s.get("kind") == "ScaledObject"}:
            problem("Ops/k8s", f"Deployment/{doc['metadata']['name']} sets replicas although KEDA scales it")


# ---------------------------------------------------------------------------------------------------------
# Docker Compose


def seconds(value):
    match = re.fullmatch(r"(?:(\d+)m)?(?:(\d+)s)?", str(value))
    if not match or not any(match.groups()):
        return None
    return int(match.group(1) or 0) * 60 + int(match.group(2) or 0)


def check_compose():
    path = os.path.join(OPS, "docker-compose.yml")
    compose = (yaml_docs.get(path) or [None])[0]
    if not isinstance(compose, dict):
        problem(path, "missing or empty")
        return
    services = compose.get("services") or {}
    volumes = set((compose.get("volumes") or {}).keys())
    secrets = compose.get("secrets") or {}
    for name, service in services.items():
        for volume in service.get("volumes") or []:
            source = volume.split(":", 1)[0] if isinstance(volume, str) else volume.get("source")
            if source and not source.startswith((".", "/", "$", "~")) and source not in volumes:
                problem(path, f"service {name}: volume {source} is not defined under volumes:")
        for secret in service.get("secrets") or []:
            source = secret if isinstance(secret, str) else secret.get("source")
            if source not in secrets:
                problem(path, f"service {name}: secret {source} is not defined under secrets:")
        for dependency in service.get("depends_on") or {}:
            if dependency not in services:
                problem(path, f"service {name}: depends_on {dependency} is not a service")
        build = service.get("build")
        if isinstance(build, dict):
            dockerfile = os.path.join(os.path.dirname(path), build.get("context", "."),
                                      build.get("dockerfile", "Dockerfile"))
            if not os.path.exists(dockerfile):
                problem(path, f"service {name}: build dockerfile {dockerfile} does not exist")
        command = service.get("command") or []
        if isinstance(command, str):
            command = shlex.split(command)
        note_invocation(f"Ops/docker-compose.yml service {name}", command)
        environment = service.get("environment") or {}
        names = environment.keys() if isinstance(environment, dict) else [e.split("=", 1)[0] for e in environment]
        if is_gplr(command) and "--redis" not in command and "GPLR_REDIS_URL" not in names:
            problem(path, f"service {name}: neither --redis nor GPLR_REDIS_URL")
        if command and command[0] == "gplr-worker":
            if "container_name" in service:
                problem(path, f"service {name}: container_name prevents --scale")
            grace, stop = grace_of(command), seconds(service.get("stop_grace_period", "10s"))
            if grace is not None and (stop is None or stop <= grace):
                problem(path, f"service {name}: stop_grace_period {service.get('stop_grace_period')} <= grace {grace}s")
            key_file = option(command, "--llm-key-file") or ""
            mounted = {f"/run/secrets/{s if isinstance(s, str) else s.get('target', s.get('source'))}"
                       for s in service.get("secrets") or []}
            if key_file not in mounted:
                problem(path, f"service {name}: --llm-key-file {key_file!r} is not one of its secrets "
                              f"{sorted(mounted)}")
            if "healthcheck" not in service:
                problem(path, f"service {name}: no healthcheck")
        if command and command[0] == "redis-server":
            text = " ".join(command)
            for want in ("--appendonly yes", "--maxmemory-policy noeviction"):
                if want not in text:
                    problem(path, f"service {name}: redis-server without {want}")
    for name, secret in secrets.items():
        if "environment" in secret:
            problem(path, f"secret {name}: comes from the environment; use a file")


# ---------------------------------------------------------------------------------------------------------
# systemd units


def unit_settings(path):
    """[(section, key, value)] with line continuations joined."""
    settings, section, pending = [], None, ""
    for raw in read(path).splitlines():
        line = pending + raw.strip() if pending else raw.strip()
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
        elif "=" in line:
            key, value = line.split("=", 1)
            settings.append((section, key.strip(), value.strip()))
    return settings


def check_systemd():
    for path in sorted(glob.glob(os.path.join(OPS, "systemd", "*.service"))):
        settings = unit_settings(path)
        service = {}
        for section, key, value in settings:
            if section == "Service":
                service.setdefault(key, []).append(value)
            if key == "Environment" and re.search(r"OPENAI_API_KEY|PASSWORD|password", value):
                problem(path, "a secret in Environment=; use EnvironmentFile= or LoadCredential=")
        exec_start = shlex.split(service.get("ExecStart", [""])[0])
        note_invocation(f"{os.path.relpath(path, ROOT)} ExecStart", exec_start)
        for key in ("EnvironmentFile", "Restart", "NoNewPrivileges", "ProtectSystem", "PrivateTmp"):
            if key not in service:
                problem(path, f"no {key}=")
        if "DynamicUser" not in service and "User" not in service:
            problem(path, "runs as root: set DynamicUser= or User=")
        if exec_start and os.path.basename(exec_start[0]) == "gplr-worker":
            grace = grace_of(exec_start)
            stop = seconds(service.get("TimeoutStopSec", ["90s"])[0].replace(" ", ""))
            if stop is None:
                stop = int(service.get("TimeoutStopSec")[0])
            if grace is not None and stop <= grace:
                problem(path, f"TimeoutStopSec {stop} <= --grace-seconds {grace}")
            if service.get("KillSignal", ["SIGTERM"])[0] != "SIGTERM":
                problem(path, "KillSignal must be SIGTERM (graceful shutdown)")
            if service.get("Restart") != ["on-failure"]:
                problem(path, "Restart= should be on-failure")
            if "CacheDirectory" not in service:
                problem(path, "no CacheDirectory= for the snapshot cache")
            key_file = option(exec_start, "--llm-key-file") or ""
            credentials = [v.split(":", 1)[0] for v in service.get("LoadCredential", [])]
            if not any(key_file == f"%d/{c}" for c in credentials):
                problem(path, f"--llm-key-file {key_file!r} is not a LoadCredential= (%d/ID)")


# ---------------------------------------------------------------------------------------------------------
# Dockerfile


def dockerfile_stages(path):
    """[(from_line, [joined instructions])] per stage."""
    stages, current = [], None
    text = re.sub(r"\\\n", " ", read(path))
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            current = (line, [])
            stages.append(current)
        elif current is not None:
            current[1].append(line)
    return stages


def apt_installs(instructions):
    packages = set()
    for instruction in instructions:
        for chunk in re.findall(r"apt-get install ([^&;]*)", instruction):
            packages.update(token for token in chunk.split() if not token.startswith("-"))
    return packages


def resolve_arg(line, text):
    for name, default in re.findall(r"^ARG (\w+)=(\S+)", text, re.M):
        line = line.replace("${" + name + "}", default)
    return line


def system_packages_of_binaries(binaries):
    """Debian packages of the shared libraries the release binaries need: the binaries' own NEEDED
    entries plus, for Swift runtime libraries (linked statically with --static-swift-stdlib), theirs."""
    def needed(path):
        output = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=True).stdout
        return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", output)

    locations = {}
    for binary in binaries:
        output = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
        for name, location in re.findall(r"^\s*(\S+) => (\S+)", output, re.M):
            locations[name] = location
    packages, seen, queue = {}, set(), [n for b in binaries for n in needed(b)]
    while queue:
        name = queue.pop()
        if name in seen or name.startswith("ld-linux"):
            continue
        seen.add(name)
        location = locations.get(name)
        if location is None:
            problem("Ops/docker/Dockerfile", f"cannot locate {name} (ldd)")
            continue
        if "/lib/swift/linux/" in location:
            queue.extend(needed(location))
            continue
        candidates = [location, os.path.realpath(location)]
        candidates += ["/usr" + c for c in candidates if c.startswith("/lib")]
        candidates += [c[4:] for c in candidates if c.startswith("/usr/lib")]
        for candidate in candidates:
            result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
            if result.returncode == 0:
                packages[name] = result.stdout.split(":", 1)[0].strip()
                break
        else:
            problem("Ops/docker/Dockerfile", f"no Debian package owns {location} ({name})")
    return packages


def check_dockerfile():
    path = os.path.join(OPS, "docker", "Dockerfile")
    text = read(path)
    stages = dockerfile_stages(path)
    if len(stages) < 2:
        problem(path, "expected a multi-stage build (builder + runtime)")
        return
    builder, runtime = stages[0], stages[-1]
    builder_from, runtime_from = resolve_arg(builder[0], text), resolve_arg(runtime[0], text)
    if not re.search(r"FROM swift:6\.\d+(\.\d+)?-bookworm\b", builder_from):
        problem(path, f"builder should be swift:6.x-bookworm, is {builder_from!r}")
    if not re.search(r"FROM debian:bookworm-slim\b", runtime_from):
        problem(path, f"runtime should be debian:bookworm-slim, is {runtime_from!r}")
    if not any("swift build -c release" in i for i in builder[1]):
        problem(path, "the builder does not run `swift build -c release`")
    for missing in sorted(apt_dev_packages - apt_installs(builder[1])):
        problem(path, f"the builder does not install {missing} (Package.swift .apt providers)")
    runtime_packages = apt_installs(runtime[1])
    users = [i.split(None, 1)[1] for i in runtime[1] if i.upper().startswith("USER ")]
    if not users or users[-1].split(":")[0] in ("root", "0"):
        problem(path, "the runtime stage does not switch to a non-root USER")
    for binary in ("gplr", "gplr-worker"):
        if not any(i.upper().startswith("COPY") and re.search(rf"/{binary}(\s|$)", i) for i in runtime[1]):
            problem(path, f"the runtime stage does not copy {binary}")
    binaries = [os.path.join(BIN_DIR, b) for b in ("gplr", "gplr-worker")]
    tools = all(subprocess.run(["sh", "-c", f"command -v {t}"], capture_output=True).returncode == 0
                for t in ("readelf", "ldd", "dpkg"))
    if all(os.access(b, os.X_OK) for b in binaries) and tools:
        libraries = system_packages_of_binaries(binaries)
        base = {"libc6", "libgcc-s1"}  # essential in every Debian image
        for library, package in sorted(libraries.items()):
            if package not in runtime_packages and package not in base:
                problem(path, f"the runtime stage does not install {package} (provides {library})")
        notes.append("docker: runtime libraries " + ", ".join(f"{l}={p}" for l, p in sorted(libraries.items())))
    else:
        notes.append("docker: library check skipped (needs built binaries and readelf, ldd, dpkg)")



# ---------------------------------------------------------------------------------------------------------
# Flags against the binaries' --help

help_cache = {}


def help_text(argv0, subcommand):
    key = (argv0, subcommand)
    if key not in help_cache:
        command = [os.path.join(BIN_DIR, argv0)] + ([subcommand] if subcommand else []) + ["--help"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        help_cache[key] = (result.returncode, result.stdout + result.stderr)
    return help_cache[key]


def check_flags():
    binaries = [os.path.join(BIN_DIR, b) for b in ("gplr", "gplr-worker")]
    if not all(os.access(b, os.X_OK) for b in binaries):
        notes.append(f"flags: skipped ({BIN_DIR}/gplr and gplr-worker not built)")
        return
    checked = 0
    for where, argv in invocations:
        program = os.path.basename(argv[0])
        subcommand = argv[1] if program == "gplr" and len(argv) > 1 and not argv[1].startswith("-") else None
        status, text = help_text(program, subcommand)
        usage = f"USAGE: {program} {subcommand}" if subcommand else f"USAGE: {program}"
        if status != 0 or usage not in text:
            problem(where, f"`{program} {subcommand or ''} --help` does not show `{usage}`: "
                           f"{'no subcommand ' + subcommand if subcommand else 'not the expected binary'}")
            continue
        if "--redis" not in argv and "--redis" in text and "GPLR_REDIS_URL" not in text:
            problem(where, f"no --redis, and {program}{' ' + subcommand if subcommand else ''} --help does not "
                           "say it reads GPLR_REDIS_URL")
        for token in argv[1:]:
            if token.startswith("--"):
                flag = token.split("=", 1)[0]
                checked += 1
                if not re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text):
                    problem(where, f"{program}{' ' + subcommand if subcommand else ''} has no {flag} "
                                   f"(not in {BIN_DIR}/{program} --help)")
    notes.append(f"flags: {checked} flags in {len(invocations)} command lines checked against --help")


def check_no_secrets():
    for path in ops_files("*"):
        if os.path.isfile(path) and not path.endswith(".py"):
            try:
                text = read(path)
            except (OSError, UnicodeDecodeError):
                continue
            if re.search(r"\bsk-[A-Za-z0-9_-]{16,}", text) or re.search(r"^\s*OPENAI_API_KEY=\S", text, re.M):
                problem(path, "looks like it holds an API key")


check_k8s()
if RENDERED:
    check_rendered()
check_compose()
check_systemd()
check_dockerfile()
check_flags()
check_no_secrets()
for line in notes:
    print(f"lint-deploy: {line}")
for line in problems:
    print(f"lint-deploy: PROBLEM {line}", file=sys.stderr)
sys.exit(1 if problems else 0)
