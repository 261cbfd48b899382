"""A Vega-Lite chart that fills its box and redraws its data in place (a Vue widget).

Solara's own Vega-Lite widget waits 100 ms after every change and then embeds the chart anew;
for a month a click that is most of the time a class waits. :class:`VegaView` compiles its
``spec`` (a Vega-Lite template over named data sets, :mod:`cisim.app.charts`) once and, when only
its ``datasets`` change, replaces the view's data and re-runs it. The chart takes its box's width
and height (so its text keeps its size in pixels on any screen) and follows the box when it is
resized. The page's front-end files (Vega, Vega-Lite, RequireJS) are the installed ones
(:mod:`cisim.app.assets`). The template is kept here, not in a ``.vue`` file, so that it is
installed with the module.
"""

from __future__ import annotations

import json
from typing import Any

import ipyvue
import traitlets

__all__ = ["TEMPLATE", "VegaView"]

TEMPLATE = r"""
<template>
    <div class="cisim-vega" style="width: 100%; height: 100%; overflow: hidden;">
        <div ref="plot" style="width: 100%; height: 100%;"></div>
    </div>
</template>
<script>
/* A Vega-Lite chart that fills its box and redraws its data in place.
 *
 * `spec` is a Vega-Lite template over named data sets (it changes rarely: it is compiled and a
 * Vega view made for it); `datasets` holds the data sets (they change every month: the view's
 * data are replaced and the view re-run, with no new view and no delay). The chart's width and
 * height are its box's, so text keeps its size whatever the screen; the box's size is followed. */
module.exports = {
    mounted() {
        this.ready = this.loadVega();
        this.draw();
        this.observer = new ResizeObserver(() => this.resize());
        this.observer.observe(this.$refs.plot);
    },
    destroyed() {
        if (this.observer) this.observer.disconnect();
        if (this.view) this.view.finalize();
    },
    watch: {
        spec() { this.draw(); },
        datasets() { this.update(); },
    },
    methods: {
        size() {
            const box = this.$refs.plot;
            return [Math.max(40, box.clientWidth), Math.max(40, box.clientHeight)];
        },
        async draw() {
            await this.ready;
            const [vega, vegaLite] = this.modules;
            const [width, height] = this.size();
            const spec = {
                ...JSON.parse(this.spec),
                width: width,
                height: height,
                autosize: { type: "fit", contains: "padding", resize: true },
                datasets: JSON.parse(this.datasets),
            };
            const compiled = vegaLite.compile(spec).spec;
            if (this.view) this.view.finalize();
            this.$refs.plot.innerHTML = "";
            this.view = new vega.View(vega.parse(compiled), {
                renderer: this.renderer, container: this.$refs.plot, hover: true,
            });
            this.shown = this.spec;
            await this.view.runAsync();
            this.mark(spec.datasets);
        },
        async update() {
            await this.ready;
            if (!this.view || this.shown !== this.spec) return this.draw();
            const datasets = JSON.parse(this.datasets);
            for (const [name, rows] of Object.entries(datasets)) {
                this.view.data(name, rows);
            }
            await this.view.runAsync();
            this.mark(datasets);
        },
        mark(datasets) {
            /* When it last drew, and how many rows of each data set it drew (for tests). */
            const rows = {};
            for (const [name, values] of Object.entries(datasets)) rows[name] = values.length;
            this.$el.setAttribute("data-rows", JSON.stringify(rows));
            this.$el.setAttribute("data-drawn", String(performance.now()));
        },
        async resize() {
            if (!this.view) return;
            const [width, height] = this.size();
            await this.view.width(width).height(height).runAsync();
        },
        async loadVega() {
            await this.loadRequire();
            require.config({
                map: {
                    '*': {
                        'vega': `${this.getCdn()}/vega@5/build/vega.min.js`,
                        'vega-lite': `${this.getCdn()}/vega-lite@5/build/vega-lite.min.js`,
                    }
                }
            });
            this.modules = await new Promise((resolve, reject) => {
                require(['vega', 'vega-lite'], (v, vl) => resolve([v, vl]), reject);
            });
        },
        loadRequire() {
            if (window.requirejs) return Promise.resolve();
            return new Promise((resolve, reject) => {
                const script = document.createElement('script');
                script.src = `${this.getCdn()}/requirejs@2.3.6/require.js`;
                script.onload = resolve;
                script.onerror = reject;
                document.head.appendChild(script);
            });
        },
        getCdn() {
            if (window.solara) return window.solara.cdn;
            let base = document.body.dataset.baseUrl || document.baseURI;
            if (!base.endsWith('/')) base += '/';
            return `${base}_solara/cdn`;
        },
    },
}
</script>
"""


class VegaView(ipyvue.VueTemplate):
    """The widget: ``spec`` (a Vega-Lite template without data) and ``datasets`` (by name), each
    as JSON text (a string is cheap for Solara to compare and to pass on, where a large nested
    value would be walked through on every redraw)."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    spec = traitlets.Unicode("{}").tag(sync=True)
    datasets = traitlets.Unicode("{}").tag(sync=True)
    renderer = traitlets.Unicode("svg").tag(sync=True)


def vega_view(spec: dict[str, Any], renderer: str = "svg") -> Any:
    """A :class:`VegaView` element of a chart of :mod:`cisim.app.charts` (its ``datasets`` split
    from the rest, and Altair's ``$schema`` dropped: it names a newer Vega-Lite than the
    installed one), drawn as ``"svg"`` or on a ``"canvas"`` (faster for many marks)."""
    template = {k: v for k, v in spec.items() if k not in ("$schema", "datasets")}
    return VegaView.element(
        spec=_text(template), datasets=_text(spec.get("datasets", {})), renderer=renderer
    )


def _text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), allow_nan=False)
