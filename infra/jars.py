"""The Kafka broker's jars: resolved from Maven Central once, pinned by sha256, cached.

The cache lives outside git (``~/.cache/govroute/kafka-<version>/libs``, or under
``GOVROUTE_CACHE_DIR``). A cached dir is re-verified on every use; a jar whose sha256
differs from ``infra/kafka/checksums.sha256`` is refused, never run.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from infra.errors import InfraError
from infra.settings import KAFKA_ASSETS_DIR, Settings

POM = KAFKA_ASSETS_DIR / "pom.xml"
CHECKSUMS = KAFKA_ASSETS_DIR / "checksums.sha256"
VERSION_HEADER = "# kafka "


def pinned_checksums(version: str, path: Path = CHECKSUMS) -> dict[str, str]:
    """``{jar file name: sha256}`` from the checksums file, which must pin `version`."""
    lines = path.read_text().splitlines()
    header = next((ln for ln in lines if ln.startswith(VERSION_HEADER)), "")
    pinned_version = header.removeprefix(VERSION_HEADER).strip()
    if pinned_version != version:
        raise InfraError(
            f"{path} pins Kafka {pinned_version or '(none)'}, not {version}; "
            "regenerate it (see infra/README.md) before changing the version"
        )
    sums: dict[str, str] = {}
    for line in lines:
        if line.strip() and not line.startswith("#"):
            digest, name = line.split(maxsplit=1)
            sums[name.strip()] = digest.lower()
    return sums


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def jar_problems(libs: Path, pinned: dict[str, str]) -> list[str]:
    """What is wrong with the jars in `libs` compared with `pinned` (empty: all good)."""
    if not libs.is_dir():
        return [f"{libs} does not exist"]
    present = {p.name: p for p in libs.glob("*.jar")}
    problems = [f"missing {name}" for name in sorted(pinned.keys() - present.keys())]
    problems += [f"unexpected {name}" for name in sorted(present.keys() - pinned.keys())]
    for name in sorted(pinned.keys() & present.keys()):
        actual = sha256_of(present[name])
        if actual != pinned[name]:
            problems.append(f"checksum mismatch for {name}: {actual} != pinned {pinned[name]}")
    return problems


def _maven_command(settings: Settings, target: Path) -> list[str]:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise InfraError("Maven (mvn) is not on PATH; install it (apt-get install -y maven)")
    return [
        mvn,
        "-B",
        "-q",
        "--strict-checksums",
        "-f",
        str(POM),
        f"-Dkafka.version={settings.kafka_version}",
        f"-Dlibs.dir={target}",
        f"-Dbuild.dir={target.parent / 'mvn-target'}",
        "dependency:copy-dependencies",
    ]


def download(settings: Settings, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        _maven_command(settings, target), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-20:])
        raise InfraError(f"Maven could not resolve the Kafka jars:\n{tail}")


def ensure_jars(settings: Settings, echo: Callable[[str], None] = lambda _: None) -> Path:
    """The verified libs dir of the pinned Kafka version, downloading it if needed."""
    libs = settings.kafka_libs_dir
    pinned = pinned_checksums(settings.kafka_version)
    if not jar_problems(libs, pinned):
        return libs
    echo(f"fetching Kafka {settings.kafka_version} jars from Maven Central into {libs} ...")
    partial = libs.with_name("libs.partial")
    download(settings, partial)
    problems = jar_problems(partial, pinned)
    if problems:
        raise InfraError(
            "refusing the downloaded Kafka jars, they do not match "
            f"{CHECKSUMS}:\n  " + "\n  ".join(problems)
        )
    if libs.exists():
        shutil.rmtree(libs)
    partial.rename(libs)
    return libs


def write_checksums(libs: Path, version: str, path: Path = CHECKSUMS) -> None:
    """Pin the jars now in `libs` (maintainers only: after changing the version)."""
    lines = [f"{VERSION_HEADER}{version}", "# sha256 of every jar on the broker's classpath"]
    lines += [f"{sha256_of(p)}  {p.name}" for p in sorted(libs.glob("*.jar"))]
    path.write_text("\n".join(lines) + "\n")
