"""The figures of the validation document, one or more per pattern."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from cisim.documents.evidence import BG, LJ, Claim, censored
from cisim.stats import eta_squared
from cisim.study.simulate import Results

REGIME_COLOURS = {LJ: "#2e8b57", BG: "#d9482b", "stalled": "#8c8c8c", "dissolved": "#6a3d9a"}


def two_regimes_figure(res: Results) -> Figure:
    """Final trust and progress of the runs, by regime (pattern 1)."""
    fig = Figure(figsize=(9, 3.6))
    ax1, ax2 = fig.subplots(1, 2)
    s = res.summary
    bins = np.linspace(0, 1, 26)
    for regime, colour in REGIME_COLOURS.items():
        sub = s[s["regime"] == regime]
        if len(sub):
            ax1.hist(
                sub["final_trust"],
                bins=bins,
                color=colour,
                alpha=0.75,
                label=f"{regime} ({len(sub)})",
            )
            ax2.hist(sub["progress"], bins=bins, color=colour, alpha=0.75)
    ax1.set(title="Final trust, by regime", xlabel="mean trust at the horizon", ylabel="runs")
    ax2.set(title="Final progress, by regime", xlabel="progress (share of the goal)")
    ax1.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def effects_figure(claims: list[Claim], title: str) -> Figure:
    """Claims as estimates with 95 % intervals: green where they hold, red where not."""
    fig = Figure(figsize=(8, 0.6 + 0.55 * len(claims)))
    ax = fig.subplots()
    y = np.arange(len(claims))[::-1]
    for yi, c in zip(y, claims, strict=True):
        e = c.estimate
        colour = "#2e8b57" if c.holds else "#d9482b"
        ax.errorbar(
            e.value,
            yi,
            xerr=[[e.value - e.low], [e.high - e.value]],
            fmt="o",
            color=colour,
            capsize=4,
        )
    ax.axvline(0, color="0.5", lw=0.8)
    ax.set_yticks(y, [c.label.split(": ")[-1] for c in claims], fontsize=8)
    ax.set_title(title + " (95 % interval)", fontsize=10)
    fig.tight_layout()
    return fig


def turnover_figure(res: Results) -> Figure:
    """Shared understanding of one learning journey, with its turnover months (pattern 3)."""
    fig = Figure(figsize=(8, 3.4))
    ax = fig.subplots()
    u, events = res.arrays["shared_understanding"], res.arrays["turnover_events"]
    run = int(np.argmax(events.sum(axis=0) * (res.summary["regime"] == LJ).to_numpy()))
    ax.plot(u[:, run], color="#1f5f8b", label="shared understanding")
    for t in np.flatnonzero(events[:, run] > 0):
        ax.axvline(float(t), color="#d9482b", alpha=0.35, lw=1)
    ax.set(
        title="One run: understanding falls when a representative leaves (red) and is rebuilt",
        xlabel="month",
        ylabel="shared understanding",
    )
    ax.title.set_fontsize(10)
    fig.tight_layout()
    return fig


def first_win_figure(search: Results, designed: Results) -> Figure:
    """Months to the first win, searching against a designed entry point (pattern 4)."""
    fig = Figure(figsize=(7, 3.4))
    ax = fig.subplots()
    horizon = search.scenario.horizon_months
    for res, label, colour in (
        (search, "searching for an entry point", "#8c8c8c"),
        (designed, "designed entry point", "#2e8b57"),
    ):
        months = censored(res, "months_to_first_win")
        grid = np.arange(horizon + 1)
        ax.step(grid, [(months <= t).mean() for t in grid], where="post", label=label, color=colour)
    ax.set(title="Share of collaborations with a first win", xlabel="month", ylabel="share")
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def asymmetry_figure(start: np.ndarray, end: np.ndarray) -> Figure:
    """Trust before and after equal good and bad experiences (pattern 6)."""
    fig = Figure(figsize=(5, 4))
    ax = fig.subplots()
    ax.scatter(start, end, s=6, alpha=0.4, color="#1f5f8b")
    ax.plot([0, 1], [0, 1], color="0.5", lw=0.8)
    ax.set(
        title="Ten good and ten bad experiences",
        xlabel="trust before",
        ylabel="trust after",
        xlim=(0, 1),
        ylim=(0, 1),
    )
    fig.tight_layout()
    return fig


def scatter_figure(x: np.ndarray, y: np.ndarray, xlabel: str, ylabel: str) -> Figure:
    """One measure against another, one point per run."""
    fig = Figure(figsize=(5, 4))
    ax = fig.subplots()
    jitter = np.random.default_rng(0).uniform(-0.2, 0.2, len(x))
    ax.scatter(x + jitter, y, s=6, alpha=0.35, color="#1f5f8b")
    ax.set(title="Small wins and later trust", xlabel=xlabel, ylabel=ylabel)
    fig.tight_layout()
    return fig


def structure_figure(
    mode: np.ndarray, adapt: np.ndarray, actions: np.ndarray, lj: np.ndarray
) -> Figure:
    """Learning journeys by governance mode, adaptability and actions, with their η²."""
    fig = Figure(figsize=(9, 3.4))
    axes = fig.subplots(1, 3, sharey=True)
    groups: list[tuple[str, np.ndarray, list[str] | list[int]]] = [
        ("governance mode", mode, ["shared", "lead_organisation", "administrative_organisation"]),
        ("adaptability tertile", adapt, [0, 1, 2]),
        ("five-actions tertile", actions, [0, 1, 2]),
    ]
    for ax, (title, g, levels) in zip(axes, groups, strict=True):
        shares = [lj[g == level].mean() for level in levels]
        ax.bar(range(len(levels)), shares, color="#2e8b57")
        labels = [str(v).replace("_organisation", " org.") for v in levels]
        ax.set_xticks(range(len(levels)), labels, fontsize=7)
        ax.set_title(f"{title}\nη² = {eta_squared(g, lj):.3f}", fontsize=9)
    axes[0].set_ylabel("share of learning journeys")
    fig.tight_layout()
    return fig
