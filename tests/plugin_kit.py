"""Fake plug-in distributions for tests: a module and a ``.dist-info`` with entry points, in a folder.

Put the folder on ``sys.path`` (in-process, with :func:`activate`) or on ``PYTHONPATH`` (for the
command line) and ``importlib.metadata`` finds the distribution as if it had been installed;
nothing is installed into the environment.
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from chengdu_infoscore import quotas
from chengdu_infoscore.rules import registry


def write_plugin(
    site: Path, dist: str, module: str, source: str, entry_points: Mapping[str, Mapping[str, str]]
) -> Path:
    """Write the distribution ``dist`` (module ``module`` with ``source``) into ``site``; return ``site``."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = site / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n", encoding="utf-8")
    groups = "".join(
        f"[{group}]\n" + "".join(f"{name} = {value}\n" for name, value in names.items()) + "\n"
        for group, names in entry_points.items()
    )
    (info / "entry_points.txt").write_text(groups, encoding="utf-8")
    return site


def forget() -> None:
    """Clear what the registry has cached about installed plug-ins."""
    for cached in (registry._plugins, registry._available, registry._rule_kinds, quotas._plugin_tables):
        cached.cache_clear()
    quotas.load_quotas.cache_clear()


@contextmanager
def activate(site: Path, *modules: str) -> Iterator[None]:
    """Within the block, the plug-ins written into ``site`` are installed, for this process."""
    sys.path.insert(0, str(site))
    forget()
    try:
        yield
    finally:
        sys.path.remove(str(site))
        for module in modules:
            sys.modules.pop(module, None)
        forget()


def environment(site: Path) -> dict[str, str]:
    """The environment of a command line that sees the plug-ins written into ``site``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(site), *filter(None, [env.get("PYTHONPATH")])])
    return env
