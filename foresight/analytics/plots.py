"""Charts of the analyses, drawn on figures of their own: the user's plotting backend is never changed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from foresight.files import chart_path, save_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from foresight.analytics.micmac import Micmac

QUADRANT_COLOURS = {"influential": "#c0392b", "relay": "#8e44ad", "dependent": "#2471a3", "autonomous": "#7f8c8d"}


def _figure(width: float = 8.0, height: float = 6.5) -> Figure:
    # A figure with an Agg canvas, no pyplot: a notebook's backend stays as it is.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=110)
    FigureCanvasAgg(figure)
    return figure


def micmac_plot(result: Micmac, path: str | Path, title: str = "", indirect: bool = True) -> Path:
    """The influence/dependence plane: each variable a labelled point coloured by quadrant, the means as lines."""
    chart_path(path)  # checked before drawing
    figure = _figure()
    axes = figure.subplots()
    for variable in result.variables:
        x = variable.indirect_dependence if indirect else variable.dependence
        y = variable.indirect_influence if indirect else variable.influence
        group = variable.quadrant if indirect else variable.direct_quadrant
        axes.scatter([x], [y], color=QUADRANT_COLOURS[group], s=28, zorder=3)
        axes.annotate(variable.name[:40], (x, y), fontsize=7, xytext=(4, 3), textcoords="offset points")
    axes.axvline(result.indirect_dependence_mean if indirect else result.dependence_mean, color="#999", lw=0.8)
    axes.axhline(result.indirect_influence_mean if indirect else result.influence_mean, color="#999", lw=0.8)
    for name, (x, y, ha, va) in {"influential": (0.01, 0.99, "left", "top"), "relay": (0.99, 0.99, "right", "top"),
                                 "dependent": (0.99, 0.01, "right", "bottom"),
                                 "autonomous": (0.01, 0.01, "left", "bottom")}.items():
        axes.text(x, y, name, transform=axes.transAxes, ha=ha, va=va, color=QUADRANT_COLOURS[name], fontsize=9)
    axes.set_xlabel(("indirect " if indirect else "") + "dependence")
    axes.set_ylabel(("indirect " if indirect else "") + "influence")
    axes.set_title(title, fontsize=10)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    return save_figure(figure, path)
