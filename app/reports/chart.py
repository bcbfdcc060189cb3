"""The ratings chart: how each runbook's replies were rated, and how the ratings moved week by week.

Drawn with matplotlib's Agg backend (no display needed); matplotlib is the ``reports`` extra.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.models import RatingLevel
from app.reports.ratings import Distribution, RatingsSummary
from app.slack.texts import level_label

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

COLOURS = {
    RatingLevel.BETTER: "#1a9850",
    RatingLevel.SAME: "#91cf60",
    RatingLevel.PARTLY: "#fdae61",
    RatingLevel.WRONG: "#d73027",
}
_DARK = frozenset({RatingLevel.BETTER, RatingLevel.WRONG})  # segments that take white labels
MAX_RUNBOOKS = 10
_INK = "#333333"
_MUTED = "#777777"


class ChartError(Exception):
    """The chart cannot be drawn (matplotlib missing, nothing to draw, or the file cannot be written)."""


def draw_chart(summary: RatingsSummary, path: Path) -> None:
    """Write the chart of ``summary`` to ``path`` as PNG.

    Raises:
        ChartError: matplotlib is not installed, there are no ratings, or the file cannot be written.
    """
    if not summary.overall.total:
        raise ChartError("no ratings to draw")
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
        from matplotlib.patches import Patch
    except ImportError as exc:
        raise ChartError("matplotlib is missing: pip install 'runbook-aiops[reports]'") from exc
    figure, (by_runbook, by_week) = pyplot.subplots(
        1, 2, figsize=(13, 6.5), dpi=150, gridspec_kw={"width_ratios": [1.1, 1]}
    )
    try:
        _runbook_panel(by_runbook, summary)
        _week_panel(by_week, summary)
        _titles(figure, summary, [Patch(facecolor=COLOURS[level], label=level_label(level)) for level in RatingLevel])
        figure.savefig(path, facecolor="white")
    except OSError as exc:
        raise ChartError(f"cannot write {path}: {exc.strerror}") from exc
    finally:
        pyplot.close(figure)


def _titles(figure: Figure, summary: RatingsSummary, legend: list[Artist]) -> None:
    overall = summary.overall
    since = f" since {summary.since.date().isoformat()}" if summary.since else ""
    subtitle = (
        f"{overall.total} ratings of {summary.replies} replies{since} · "
        f"{overall.as_good_or_better:.0%} rated as good as a person or better"
    )
    figure.suptitle("How operators rate the bot's replies", x=0.02, y=0.97, ha="left", fontsize=17,
                    fontweight="bold", color=_INK)
    figure.text(0.02, 0.905, subtitle, ha="left", fontsize=11, color=_MUTED)
    figure.legend(handles=legend, loc="lower center", ncol=4, frameon=False, fontsize=10)
    figure.tight_layout(rect=(0, 0.06, 1, 0.9))


def _runbook_panel(axes: Axes, summary: RatingsSummary) -> None:
    groups = _top(summary.by_runbook)
    names = sorted(groups, key=lambda name: (groups[name].as_good_or_better, name))  # weakest at the bottom
    left = [0.0] * len(names)
    for level in RatingLevel:
        shares = [groups[name].share(level) for name in names]
        bars = axes.barh(names, shares, left=left, color=COLOURS[level], height=0.62, edgecolor="white")
        for bar, share in zip(bars, shares, strict=True):
            if share >= 0.09:
                axes.text(bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2, f"{share:.0%}",
                          ha="center", va="center", fontsize=8.5, color="white" if level in _DARK else _INK)
        left = [start + share for start, share in zip(left, shares, strict=True)]
    for row, name in enumerate(names):
        group = groups[name]
        axes.text(1.02, row, f"n={group.total}\n{group.as_good_or_better:.0%} ≥ same", va="center", fontsize=8.5,
                  color=_MUTED, linespacing=1.3)
    axes.set_xlim(0, 1)
    axes.xaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    axes.axvline(0.5, color="#bbbbbb", linewidth=0.8, linestyle=":")
    _plain(axes, "By runbook: share of each rating (weakest at the bottom)")


def _week_panel(axes: Axes, summary: RatingsSummary) -> None:
    weeks = list(summary.by_week)
    positions = list(range(len(weeks)))
    bottom = [0] * len(weeks)
    for level in RatingLevel:
        counts = [summary.by_week[week].counts[level] for week in weeks]
        axes.bar(positions, counts, bottom=bottom, color=COLOURS[level], width=0.7, edgecolor="white")
        bottom = [base + count for base, count in zip(bottom, counts, strict=True)]
    axes.set_xticks(positions, [week.split("-")[1] for week in weeks], fontsize=9)
    axes.set_ylabel("ratings", color=_MUTED)
    share = axes.twinx()
    share.plot(positions, [summary.by_week[week].as_good_or_better for week in weeks], color=_INK,
               marker="o", linewidth=2, markersize=4.5, label="as good or better")
    share.set_ylim(0, 1.05)
    share.yaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    share.set_ylabel("— as good as a person or better", color=_INK)
    share.tick_params(colors=_MUTED, labelsize=9)
    share.spines[["top", "left", "bottom"]].set_visible(False)
    first, last = weeks[0].split("-")[0], weeks[-1].split("-")[0]
    years = first if first == last else f"{first}–{last}"
    _plain(axes, f"By week ({years}): ratings, and the share as good or better")


def _top(groups: dict[str, Distribution]) -> dict[str, Distribution]:
    """The runbooks with the most ratings; the rest summed as ``other``."""
    names = list(groups)
    if len(names) <= MAX_RUNBOOKS:
        return groups
    kept = {name: groups[name] for name in names[: MAX_RUNBOOKS - 1]}
    other = Distribution()
    for name in names[MAX_RUNBOOKS - 1 :]:
        for level, count in groups[name].counts.items():
            other.counts[level] += count
    kept[f"other ({len(names) - MAX_RUNBOOKS + 1})"] = other
    return kept


def _plain(axes: Axes, title: str) -> None:
    axes.set_title(title, loc="left", fontsize=12, color=_INK, pad=10)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(colors=_MUTED, labelsize=9)
    for label in axes.get_yticklabels():
        label.set_color(_INK)
    axes.grid(axis="x" if axes.get_xlim() == (0, 1) else "y", color="#eeeeee", linewidth=0.8)
    axes.set_axisbelow(True)

