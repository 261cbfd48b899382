"""The page's front-end files (Vue, Vuetify, RequireJS, Vega) in Solara's local asset cache.

Solara's server hands the browser its front-end files from a local cache, filling the cache from
a public CDN on first use. Where the CDN cannot be reached (a school network that filters it, a
machine with no internet but a package registry), the page stays blank. The files are npm
packages, so :func:`ensure_assets` fills the cache beforehand from the npm registry with ``npm
pack`` when npm is installed; without npm, Solara fetches from the CDN as usual.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

__all__ = ["PACKAGES", "ensure_assets", "missing", "required_packages"]

#: The npm packages Solara 1.64's page and its Vega-Lite widget load (with Vue 3), if they
#: cannot be read from Solara's files. The cache directory of each is exactly this spec (``@5``
#: is a range npm resolves to its newest 5.x).
PACKAGES: tuple[str, ...] = (
    "@widgetti/solara-vuetify3-app@5.2.0",
    "requirejs@2.3.6",
    "font-awesome@4.5.0",
    "vega@5",
    "vega-lite@5",
    "vega-embed@6",
)
#: Where Solara's page template and widgets name a file of the asset cache.
_CDN_SPEC = re.compile(r"(?:\{\{cdn\}\}|\$\{this\.getCdn\(\)\})/((?:@[\w.-]+/)?[\w.-]+@[\w.~^-]+)/")
_FILES = ("server/templates/solara.html.j2", "widgets/vue/vegalite.vue")
#: Seconds one ``npm pack`` may take.
TIMEOUT = 120


def required_packages() -> tuple[str, ...]:
    """The packages this Solara's page needs, read from its template and Vega-Lite widget.

    Of the two Vuetify apps the template names, only the one for the installed Vue is kept.
    Falls back to :data:`PACKAGES` when Solara's files cannot be read.
    """
    try:
        import ipyvue
        import solara
        from solara.server import settings

        root = Path(solara.__file__).parent
        text = "\n".join((root / name).read_text(encoding="utf-8") for name in _FILES)
    except (ImportError, OSError):
        return PACKAGES
    found = dict.fromkeys(_CDN_SPEC.findall(text))
    vue3 = str(ipyvue.__version__).startswith("3")
    other = "@widgetti/solara-vuetify-app@" if vue3 else "@widgetti/solara-vuetify3-app@"
    specs = [spec for spec in found if not spec.startswith(other)]
    if settings.assets.fontawesome_enabled:
        specs.append(settings.assets.fontawesome_path.strip("/").split("/")[0])
    return tuple(specs) or PACKAGES


def missing(cache: Path, packages: tuple[str, ...] = PACKAGES) -> list[str]:
    """The packages not yet in the cache."""
    return [spec for spec in packages if not (cache / spec / "package.json").is_file()]


def ensure_assets(cache: Path, packages: tuple[str, ...] | None = None) -> list[str]:
    """Fetch the packages missing from ``cache`` with npm; return those still missing.

    ``packages`` defaults to :func:`required_packages`. Never raises for a failed fetch: the page
    then relies on Solara's CDN proxy.
    """
    wanted = missing(cache, required_packages() if packages is None else packages)
    npm = shutil.which("npm")
    if not wanted or npm is None:
        return wanted
    print(
        f"cisim app: fetching the page's front-end files once ({len(wanted)} npm packages)",
        file=sys.stderr,
        flush=True,
    )
    return [spec for spec in wanted if not _fetch(npm, spec, cache)]


def _fetch(npm: str, spec: str, cache: Path) -> bool:
    """``npm pack`` one package and unpack it to ``cache/spec`` (atomically); True on success."""
    with tempfile.TemporaryDirectory(prefix="cisim-npm-") as temp:
        work = Path(temp)
        try:
            done = subprocess.run(
                [npm, "pack", spec, "--silent", "--pack-destination", str(work)],
                cwd=work,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
        tarballs = sorted(work.glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            return False
        with tarfile.open(tarballs[0]) as tar:
            tar.extractall(work / "unpacked", filter="data")
        unpacked = work / "unpacked" / "package"
        if not (unpacked / "package.json").is_file():
            return False
        target = cache / spec
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".cisim-", dir=target.parent))
        shutil.copytree(unpacked, staging, dirs_exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
        return True
