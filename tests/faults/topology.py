"""NATS topologies started from the committed deploy/nats configurations, with only addresses and paths changed.

Each rewrite must match the committed file exactly once: when a configuration changes shape the test
fails here instead of quietly proving another configuration than the one deployed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from cantiere_runtime.nats_server import NatsServer, free_port

from tests.integration.deploy.conftest import NATS_DIR, PASSWORDS


def rewrite(text: str, replacements: list[tuple[str, str]]) -> str:
    """Apply regex replacements, each of which must match exactly once."""
    for pattern, replacement in replacements:
        text, count = re.subn(pattern, replacement, text, flags=re.M)
        assert count == 1, f"the committed configuration no longer has exactly one match of {pattern!r}"
    return text


def _include(name: str, target: Path, config: Path) -> tuple[str, str]:
    # nats-server resolves an include relative to the including file, even an absolute-looking one.
    return rf'^include "{re.escape(name)}"$', f'include "{os.path.relpath(target, config.parent)}"'


@dataclass
class Cluster:
    """The three nodes of deploy/nats/cluster/node-{1,2,3}.conf on loopback ports, each with its own store."""

    directory: Path
    nodes: list[NatsServer] = field(default_factory=list)

    @property
    def url(self) -> str:
        """Every node's URL, comma-separated, as a service's CANTIERE_NATS__URL names a cluster."""
        return ",".join(node.url for node in self.nodes)

    def start(self) -> Cluster:
        self.directory.mkdir(parents=True, exist_ok=True)
        routes = [free_port() for _ in range(3)]
        for n in (1, 2, 3):
            committed = (NATS_DIR / "cluster" / f"node-{n}.conf").read_text(encoding="utf-8")
            node = NatsServer(
                store_dir=self.directory / f"nats-{n}",
                log_file=self.directory / f"nats-{n}.log",
                env=PASSWORDS,
                jetstream_in_config=True,
            )
            config = rewrite(
                committed,
                [
                    (r"^listen: 0\.0\.0\.0:4222$", f"listen: 127.0.0.1:{node.port}"),
                    (r"^http: 0\.0\.0\.0:8222$", f"http: 127.0.0.1:{free_port()}"),
                    (rf"^  store_dir: /data/nats-{n}$", f"  store_dir: {node.store_dir}"),
                    (r"^  listen: 0\.0\.0\.0:6222$", f"  listen: 127.0.0.1:{routes[n - 1]}"),
                    *[(rf"nats-route://nats-{k}:6222", f"nats-route://127.0.0.1:{routes[k - 1]}") for k in (1, 2, 3)],
                    _include("../accounts.conf", NATS_DIR / "accounts.conf", self.directory / "node.conf"),
                ],
            )
            node.config_file = self.directory / f"node-{n}.conf"
            node.config_file.write_text(config, encoding="utf-8")
            self.nodes.append(node)
        for node in self.nodes:
            node.start()
        return self

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()


@dataclass
class HubAndLeaf:
    """deploy/nats/leaf/hub.conf and bari-leaf.conf: the hub, and Bari's leaf server with its own domain."""

    directory: Path
    leafnode_port: int = field(default_factory=free_port)  # the hub's listener for leaf links
    hub: NatsServer = field(init=False)
    leaf: NatsServer = field(init=False)

    def start(self, link_port: int | None = None) -> HubAndLeaf:
        """Start both; the leaf dials ``link_port`` (a proxy in front of the hub's leaf listener) when given."""
        self.directory.mkdir(parents=True, exist_ok=True)
        leaf_port = self.leafnode_port
        self.hub = NatsServer(
            store_dir=self.directory / "hub",
            log_file=self.directory / "hub.log",
            env=PASSWORDS,
            jetstream_in_config=True,
        )
        hub = rewrite(
            (NATS_DIR / "leaf" / "hub.conf").read_text(encoding="utf-8"),
            [
                (r"^listen: 0\.0\.0\.0:4222$", f"listen: 127.0.0.1:{self.hub.port}"),
                (r"^http: 0\.0\.0\.0:8222$", f"http: 127.0.0.1:{free_port()}"),
                (r"^  store_dir: /data/jetstream$", f"  store_dir: {self.hub.store_dir}"),
                (r"^  listen: 0\.0\.0\.0:7422$", f"  listen: 127.0.0.1:{leaf_port}"),
                _include("accounts-leaf.conf", NATS_DIR / "leaf" / "accounts-leaf.conf", self.directory / "hub.conf"),
            ],
        )
        dialled = link_port or leaf_port
        hub_url = f"nats-leaf://leaf-ambito-bari:{PASSWORDS['NATS_PASSWORD_LEAF_AMBITO_BARI']}@127.0.0.1:{dialled}"
        self.leaf = NatsServer(
            store_dir=self.directory / "bari-leaf",
            log_file=self.directory / "bari-leaf.log",
            env={**PASSWORDS, "LEAF_HUB_URL": hub_url},
            jetstream_in_config=True,
        )
        leaf = rewrite(
            (NATS_DIR / "leaf" / "bari-leaf.conf").read_text(encoding="utf-8"),
            [
                (r"^listen: 127\.0\.0\.1:4222$", f"listen: 127.0.0.1:{self.leaf.port}"),
                (r"^  store_dir: /data/bari-leaf$", f"  store_dir: {self.leaf.store_dir}"),
            ],
        )
        for server, name, text in ((self.hub, "hub.conf", hub), (self.leaf, "bari-leaf.conf", leaf)):
            server.config_file = self.directory / name
            server.config_file.write_text(text, encoding="utf-8")
            server.start()
        return self

    def stop(self) -> None:
        self.leaf.stop()
        self.hub.stop()
