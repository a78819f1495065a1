"""Security: the stack listens on loopback only, the container runs as a non-root user,
and the repository holds no credential but the documented dummy ones (test/test)."""

from __future__ import annotations

import re
import socket
import subprocess
from pathlib import Path

import pytest
import yaml

from sfnlocal.engine.compose import IMAGE, ComposeStack
from sfnlocal.engine.settings import EngineSettings
from tests.conftest import REPO_ROOT
from tests.support.trust import listeners, port_of, socket_inodes, status_field

DUMMY_CREDENTIAL = "test"
GATEWAY_IN_CONTAINER = 4566


# -- loopback only ------------------------------------------------------------------


def _non_loopback_address() -> str | None:
    """This machine's address on its default route (no packet is sent), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only a route lookup
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def _refuses(address: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
        client.settimeout(3)
        try:
            client.connect((address, port))
        except (ConnectionRefusedError, TimeoutError, OSError):
            return True
    return False


def test_the_embedded_engine_is_configured_for_loopback():
    environment = EngineSettings(port=4599).localstack_environment()
    assert environment["GATEWAY_LISTEN"] == "127.0.0.1:4599"


def test_the_compose_file_publishes_on_loopback_only():
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"service {name} publishes {port!r}"


@pytest.mark.integration
def test_every_socket_the_stack_listens_on_is_loopback(stack, stack_processes):
    port = port_of(stack.endpoint)
    if stack_processes.kind == "embedded":
        # GIVEN every listening socket that the engine or one of its Lambda runtimes holds
        inodes = set().union(*(socket_inodes(pid) for pid in stack_processes.pids()))
        held = [item for item in listeners() if item.inode in inodes]
        assert any(item.port == port for item in held), "the gateway is not among them"
        # THEN each of them is bound to a loopback address
        assert [str(item) for item in held if not item.loopback] == []
    else:
        # GIVEN the container: in its own network namespace LocalStack's gateway listens on
        # all of the container's addresses (that is how a published port reaches it) ...
        inside = listeners(Path(f"/proc/{stack_processes.root}/net"))
        exposed = sorted({str(item) for item in inside if not item.loopback})
        assert exposed == [f"0.0.0.0:{GATEWAY_IN_CONTAINER}"], exposed
        # ... and on the host the port is published on 127.0.0.1 only
        bindings = stack_processes.container.attrs["NetworkSettings"]["Ports"]
        published = [b for ports in bindings.values() for b in ports or []]
        assert published, bindings
        assert {b["HostIp"] for b in published} == {"127.0.0.1"}, published
        assert {int(b["HostPort"]) for b in published} == {port}
        host_listeners = [item for item in listeners() if item.port == port]
        assert [str(item) for item in host_listeners if not item.loopback] == []
    # AND the stack answers on loopback, but not on this machine's network address
    assert not _refuses("127.0.0.1", port)
    address = _non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address to try")
    assert _refuses(address, port), f"the stack answers on {address}:{port}"


# -- a non-root container -----------------------------------------------------------


def _docker_client():
    docker = pytest.importorskip("docker")
    try:
        client = docker.from_env()
        client.ping()
    except docker.errors.DockerException as error:
        pytest.skip(f"no Docker engine answers: {error}")
    return client


def test_the_image_runs_as_a_non_root_user():
    client = _docker_client()
    # the image of this checkout, built here when no other test has built it yet (one
    # build at a time: the others wait), so the result does not hang on the tests' order
    ComposeStack().build()
    image = client.images.get(IMAGE)
    user = image.attrs["Config"]["User"]
    assert user not in ("", "root", "0") and not user.startswith(("0:", "root:")), user


@pytest.mark.integration
def test_every_process_of_the_container_runs_as_a_non_root_user(stack, stack_processes):
    if stack_processes.kind != "container":
        pytest.skip(f"the stack under test is {stack_processes.kind}, not a container")
    # GIVEN every process of the running container, Lambda runtimes included
    uids = {}
    for pid in stack_processes.pids():
        real, effective, saved, filesystem = status_field(pid, "Uid").split()
        uids[pid] = {int(real), int(effective), int(saved), int(filesystem)}
    assert len(uids) > 2, uids
    # THEN none runs as root (uid 0), however it was started
    assert {pid: ids for pid, ids in uids.items() if 0 in ids} == {}
    assert stack_processes.container.attrs["Config"]["User"] == "localstack"


# -- no credential in the repository ------------------------------------------------

_CREDENTIAL_NAME = (
    r"aws_secret_access_key|aws_access_key_id|aws_session_token|"
    r"secret_?access_?key|access_?key_?id|session_?token"
)
_ASSIGNED = re.compile(
    rf"(?i)\b(?P<name>{_CREDENTIAL_NAME})\b[\"']?\s*(?:=|:)\s*"
    r"(?P<quote>[\"']?)(?P<value>[^\s\"',;)}\]\\]*)(?P=quote)"
)
_SECRETS = {
    "an AWS access key id": re.compile(
        r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])"
    ),
    "a private key": re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"),
    "a GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}"),
    "a Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "a LocalStack auth token": re.compile(
        r"(?i)\b(?:LOCALSTACK_AUTH_TOKEN|LOCALSTACK_API_KEY)\s*[=:]\s*[\"']?[A-Za-z0-9-]{8,}"
    ),
    "a JSON web token": re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}"),
}


def credential_findings(text: str) -> list[str]:
    """What in ``text`` looks like a credential other than the dummy test/test."""
    findings = []
    for match in _ASSIGNED.finditer(text):
        value, quoted = match["value"], bool(match["quote"])
        if value in (DUMMY_CREDENTIAL, ""):
            continue
        if not quoted and (value == "" or value.startswith("$") or value.isidentifier()):
            continue  # a variable, a reference or no value: not a literal credential
        if quoted and value.startswith("$"):
            continue  # "${VAR}" / "$VAR": taken from the environment
        findings.append(f"{match['name']} = {value!r}")
    for what, pattern in _SECRETS.items():
        findings += [f"{what}: {m[0][:12]}..." for m in pattern.finditer(text)]
    return findings


def _repository_texts() -> dict[str, str]:
    """The working tree's files (tracked, or new and not ignored) and every blob in history."""

    def git(*args: str) -> bytes:
        return subprocess.run(
            ["git", "-C", str(REPO_ROOT), *args], check=True, capture_output=True
        ).stdout

    texts: dict[str, str] = {}
    for name in git("ls-files", "-z", "--cached", "--others", "--exclude-standard").split(b"\0"):
        path = REPO_ROOT / name.decode()
        if name and path.is_file():
            data = path.read_bytes()
            if b"\0" not in data:
                texts[name.decode()] = data.decode(errors="replace")
    objects = git("rev-list", "--objects", "--all").decode().splitlines()
    blobs = {line.split(" ", 1)[0]: line.partition(" ")[2] for line in objects}
    batch = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "cat-file", "--batch"],
        input="\n".join(blobs).encode() + b"\n",
        check=True,
        capture_output=True,
    ).stdout
    position = 0
    while position < len(batch):
        header_end = batch.index(b"\n", position)
        sha, kind, size = batch[position:header_end].decode().split()
        content = batch[header_end + 1 : header_end + 1 + int(size)]
        position = header_end + 1 + int(size) + 1
        if kind == "blob" and b"\0" not in content:
            texts[f"history {sha[:10]} {blobs[sha]}"] = content.decode(errors="replace")
    return texts


def test_the_scan_finds_planted_credentials():
    # The patterns are assembled here, so that this file holds none of them.
    planted = [
        "aws_secret_access_key = " + "'wJalrXUtnFEMI" + "K7MDENGbPxRfiCY'",
        "AWS_ACCESS_KEY_ID=" + "AKIA" + "Z" * 16,
        "-----BEGIN RSA " + "PRIVATE KEY-----",
        '"SecretAccessKey": "' + "abc/def+ghi" + '"',
        "LOCALSTACK_AUTH_TOKEN=" + "ls-abcd1234-efgh",
    ]
    for text in planted:
        assert credential_findings(text), text
    allowed = [
        'aws_secret_access_key="test"',
        "AWS_SECRET_ACCESS_KEY=test",
        "aws_secret_access_key=secret,",
        "AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test}",
        '"AWS_SECRET_ACCESS_KEY": "test",',
    ]
    assert [credential_findings(text) for text in allowed] == [[]] * len(allowed)


def test_the_repository_holds_no_credential_but_the_dummy_ones():
    texts = _repository_texts()
    assert any(name.startswith("history ") for name in texts)
    findings = {name: found for name, text in texts.items() if (found := credential_findings(text))}
    assert findings == {}
