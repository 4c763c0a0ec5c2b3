"""Static images of unchanged charts come from earlier builds (publish/image_cache.py): the
same bytes as drawing them, only changed charts drawn, a changed cache file never published."""

from __future__ import annotations

import time

import plotly.graph_objects as go
import pytest

from vth_pipeline.publish import image_cache, images
from vth_pipeline.publish.charts.common import Chart
from vth_pipeline.publish.image_cache import ImageCache
from vth_pipeline.publish.images import ImageBatch, find_browser, write_static_images


def chart(name: str, values: list[int], legend: str = "Landelijk") -> Chart:
    figure = go.Figure(go.Bar(x=["ODH", "ODRA"], y=values, name=legend, showlegend=True))
    figure.update_layout(height=300, title=name)
    return Chart(name, name, f"staafdiagram {name}", "Bron: test", figure)


def files(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def drawn_without_cache(tmp_path_factory):
    """The images as drawn afresh, without any cache: the oracle."""
    folder = tmp_path_factory.mktemp("vers")
    charts = [chart("a", [1, 2]), chart("b", [3, 4]), chart("b2", [5, 6], "Anders")]
    paths, drawn = write_static_images(charts, folder)
    assert drawn == 6 and len(paths) == 6
    return folder


def test_second_build_draws_nothing_and_gives_the_same_bytes(tmp_path, drawn_without_cache):
    cache = ImageCache(tmp_path / "out")
    charts = [chart("a", [1, 2]), chart("b", [3, 4]), chart("b2", [5, 6], "Anders")]
    _, first = write_static_images(charts, tmp_path / "een", cache, 2024)
    _, second = write_static_images(charts, tmp_path / "twee", cache, 2024)
    assert (first, second) == (6, 0)
    assert files(tmp_path / "een") == files(tmp_path / "twee") == files(drawn_without_cache)
    # the cache holds exactly the six images the year uses, and the year's list of them
    kept = sorted(cache.folder.iterdir())
    assert sorted(p.suffix for p in kept) == [".json"] + [".png"] * 3 + [".svg"] * 3
    assert (cache.folder / "2024.json").exists()


def test_only_the_changed_chart_is_drawn(tmp_path, drawn_without_cache):
    cache = ImageCache(tmp_path / "out")
    write_static_images([chart("a", [1, 2]), chart("b", [9, 9])], tmp_path / "een", cache, 2024)
    charts = [chart("a", [1, 2]), chart("b", [3, 4]), chart("b2", [5, 6], "Anders")]
    _, drawn = write_static_images(charts, tmp_path / "twee", cache, 2024)
    assert drawn == 4  # b (changed) and b2 (new), PNG and SVG; a from the cache
    assert files(tmp_path / "twee") == files(drawn_without_cache)
    # b's old images are no longer used by any year: gone from the cache
    assert len([p for p in cache.folder.iterdir() if p.suffix != ".json"]) == 6


def test_other_years_keep_their_images(tmp_path):
    cache = ImageCache(tmp_path / "out")
    write_static_images([chart("a", [1, 2])], tmp_path / "j1", cache, 2023)
    write_static_images([chart("a", [7, 8])], tmp_path / "j2", cache, 2024)
    _, drawn = write_static_images([chart("a", [1, 2])], tmp_path / "j3", cache, 2023)
    assert drawn == 0


def test_a_changed_cache_file_is_drawn_again_not_published(tmp_path, drawn_without_cache):
    cache = ImageCache(tmp_path / "out")
    charts = [chart("a", [1, 2])]
    write_static_images(charts, tmp_path / "een", cache, 2024)
    png = next(cache.folder.glob("*.png"))
    png.write_bytes(b"niet de afbeelding")
    _, drawn = write_static_images(charts, tmp_path / "twee", cache, 2024)
    assert drawn == 1
    assert (tmp_path / "twee" / "a.png").read_bytes() == (
        drawn_without_cache / "a.png"
    ).read_bytes()


def test_another_renderer_draws_again(tmp_path, monkeypatch):
    """The browser's version is part of the key: after an upgrade nothing is reused."""
    cache = ImageCache(tmp_path / "out")
    charts = [chart("a", [1, 2])]
    write_static_images(charts, tmp_path / "een", cache, 2024)
    real = image_cache.renderer_identity(find_browser())
    assert real is not None
    monkeypatch.setattr(
        "vth_pipeline.publish.images.renderer_identity", lambda browser: real + "-nieuw"
    )
    _, drawn = write_static_images(charts, tmp_path / "twee", cache, 2024)
    assert drawn == 2


def test_images_are_drawn_while_the_next_chart_is_built_and_are_the_same_bytes(tmp_path):
    """With the browser up, a chart's images are drawn as soon as it is added (before
    `finish`); the bytes are those of one render of them all after the charts were built."""
    charts = [chart("a", [1, 2]), chart("b", [3, 4]), chart("b2", [5, 6], "Anders")]
    images.stop_image_server()  # the browser not up: drawn in one render at the end
    with ImageBatch(tmp_path / "na") as batch:
        for c in charts:
            batch.add(c)
        assert batch.render is None
        _, drawn = batch.finish()
    assert drawn == 6
    images.ensure_image_server()
    with ImageBatch(tmp_path / "meteen") as batch:
        batch.add(charts[0])
        assert batch.render is not None  # handed to the browser at once
        png = tmp_path / "meteen" / "a.png"
        deadline = time.monotonic() + 60
        while not png.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert png.exists()  # drawn while this thread went on
        for c in charts[1:]:
            batch.add(c)
        _, drawn = batch.finish()
    assert drawn == 6
    assert files(tmp_path / "meteen") == files(tmp_path / "na")


def test_a_year_that_fails_while_its_charts_are_built_leaves_no_render_waiting(
    tmp_path, drawn_without_cache, caplog
):
    """The render ends by itself after what it was handed, and leaves no error behind that
    nobody retrieved (a cancelled kaleido drawing did: logged when the process ended)."""
    import gc
    import logging

    images.ensure_image_server()
    with pytest.raises(RuntimeError), ImageBatch(tmp_path / "mislukt") as batch:
        batch.add(chart("a", [1, 2]))
        render = batch.render
        assert render is not None
        raise RuntimeError("a chart that cannot be built")
    assert batch.render is None
    render.future.result(timeout=60)  # ended by itself, without error
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        gc.collect()
    assert not [r for r in caplog.records if r.name == "asyncio"], caplog.text
    # the browser draws the next year as before
    _, drawn = write_static_images([chart("a", [1, 2])], tmp_path / "volgend")
    assert drawn == 2
    assert (tmp_path / "volgend" / "a.png").read_bytes() == (
        drawn_without_cache / "a.png"
    ).read_bytes()


def test_an_svg_is_canonical_whatever_order_the_page_wrote_its_attributes_in():
    """Plotly writes a legend's attributes in another order after an earlier plot on the page
    (seen: `style` before or after `width`); the published bytes must not depend on it."""
    from vth_pipeline.publish.images import canonical_svg

    ns = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
    a = (
        f'<svg class="main-svg" {ns} width="10"><defs id="defs-a1b2c3"/>'
        '<rect class="bg" style="fill: red;" width="354" x="0"/></svg>'
    )
    b = (
        f'<svg {ns} width="10" class="main-svg"><defs id="defs-a1b2c3"/>'
        '<rect class="bg" width="354" x="0" style="fill: red;"/></svg>'
    )
    assert canonical_svg(a, "Trend 1") == canonical_svg(b, "Trend 1")
    assert canonical_svg(a, "Trend 1") == (
        '<svg xmlns="http://www.w3.org/2000/svg" class="main-svg" width="10">'
        '<defs id="defs-trend1"></defs><rect class="bg" style="fill: red;" width="354" x="0">'
        "</rect></svg>"
    )
