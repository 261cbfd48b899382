"""The page's front-end files (Vue, Vuetify, RequireJS, Vega, the grid layout), installed with
the app: nothing is downloaded when ``cisim app`` runs.

Solara's server hands the browser its front-end files from a local directory,
``solara.server.settings.assets.proxy_cache_dir`` (``<environment>/share/solara/cdn``), which the
``solara-assets`` package of the ``app`` extra fills when the app is installed (from PyPI, by
``./dev setup`` or ``pip install 'cisim-collab[app]'``). Two things are left for run time,
and both are done here without the network:

* Solara's Vega-Lite widget asks for ``vega@5``, ``vega-lite@5`` and ``vega-embed@6`` (a version
  range), which the package ships under exact versions (``vega@5.21.0``): :func:`resolve` maps a
  range to the newest installed version that satisfies it.
* For a file that is not installed, Solara would fetch it from its CDN. :class:`LocalAssets`, an
  ASGI middleware in front of Solara's app, serves the asset paths from the installed files only
  (with the ranges resolved) and answers 404 for anything else, so the server never downloads.

:func:`missing` tells which of the packages the page needs (:func:`required_packages`) are not
installed; ``cisim app`` then says how to install them and exits.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

__all__ = [
    "CDN_PREFIX",
    "INSTALL_HINT",
    "PACKAGES",
    "LocalAssets",
    "cache_dir",
    "missing",
    "required_packages",
    "resolve",
]

#: Where Solara's page asks for its front-end files.
CDN_PREFIX = "/_solara/cdn/"
#: What to do when the files are missing.
INSTALL_HINT = "install them with ./dev setup (or pip install 'cisim-collab[app]')"
#: The packages the page needs (Vue 2 build: ipyvue 1), if Solara's files cannot be read.
PACKAGES: tuple[str, ...] = (
    "@widgetti/solara-vuetify-app@10.1.1",
    "requirejs@2.3.6",
    "@widgetti/vue-grid-layout@2.3.13-alpha.2",
    "vega@5",
    "vega-lite@5",
    "vega-embed@6",
    "font-awesome@4.5.0",
)
#: Where Solara's page template and widgets name a package of the asset directory.
_CDN_SPEC = re.compile(r"(?:\{\{cdn\}\}|\$\{this\.getCdn\(\)\})/((?:@[\w.-]+/)?[\w.-]+@[\w.~^-]+)/")
_FILES = (
    "server/templates/solara.html.j2",
    "widgets/vue/vegalite.vue",
    "widgets/vue/gridlayout.vue",
)
_VERSION = re.compile(r"^\d+(\.\d+)*$")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def cache_dir() -> Path:
    """Solara's asset directory (where ``solara-assets`` installs the files)."""
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def required_packages() -> tuple[str, ...]:
    """The packages this Solara's page, Vega-Lite widget and grid need, read from its files.

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


def _split(spec: str) -> tuple[str, str]:
    """``("vega", "5")`` from ``"vega@5"``; ``("@w/x", "1.0")`` from ``"@w/x@1.0"``."""
    name, _, version = spec.rpartition("@")
    return name, version


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def resolve(cache: Path, spec: str) -> str | None:
    """The installed directory (relative to ``cache``) that serves ``spec``, or None.

    ``spec`` itself if it is installed; for a range (``vega@5``, ``vega@5.2``), the newest
    installed release ``vega@5.x.y`` within it.
    """
    if (cache / spec / "package.json").is_file():
        return spec
    name, wanted = _split(spec)
    if not name or not _VERSION.match(wanted):
        return None
    folder = cache / name
    parent, base = folder.parent, folder.name
    if not parent.is_dir():
        return None
    found: list[tuple[tuple[int, ...], str]] = []
    for entry in parent.iterdir():
        entry_name, _, version = entry.name.rpartition("@")
        if entry_name != base or not _VERSION.match(version):
            continue
        if (
            _key(version)[: len(_key(wanted))] == _key(wanted)
            and (entry / "package.json").is_file()
        ):
            found.append((_key(version), entry.name))
    if not found:
        return None
    newest = max(found)[1]
    return str(Path(spec).parent / newest) if "/" in spec else newest


def missing(cache: Path, packages: tuple[str, ...] = PACKAGES) -> list[str]:
    """The packages not installed in ``cache``."""
    return [spec for spec in packages if resolve(cache, spec) is None]


class LocalAssets:
    """ASGI middleware: the page's front-end files from the installed ones, never downloaded.

    A request under :data:`CDN_PREFIX` is passed on to ``app`` with its package's version range
    resolved (:func:`resolve`) when the file is installed, and answered 404 otherwise. Every
    other request goes to ``app`` unchanged.
    """

    def __init__(self, app: App, cache: Path) -> None:
        self.app = app
        self.cache = cache
        self._resolved: dict[str, str | None] = {}

    def local(self, path: str) -> str | None:
        """The installed file's path relative to the cache for ``path`` (after the prefix)."""
        parts = [p for p in path.split("/") if p]
        if any(p in (".", "..") or "\\" in p for p in parts):
            return None
        size = 2 if parts and parts[0].startswith("@") else 1
        if len(parts) <= size:
            return None
        spec, rest = "/".join(parts[:size]), parts[size:]
        if spec not in self._resolved:
            self._resolved[spec] = resolve(self.cache, spec)
        found = self._resolved[spec]
        if found is None or not (self.cache / found).joinpath(*rest).is_file():
            return None
        return "/".join([found, *rest])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(CDN_PREFIX):
            local = self.local(path[len(CDN_PREFIX) :])
            if local is None:
                await _not_installed(send)
                return
            new = CDN_PREFIX + local
            scope = {**scope, "path": new, "raw_path": new.encode()}
        await self.app(scope, receive, send)


async def _not_installed(send: Send) -> None:
    body = b"not installed with the app (nothing is downloaded at run time)"
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 404, "headers": headers})
    await send({"type": "http.response.body", "body": body})
