"""The X-matrix and the strategy map on a laptop's screen (1440 px, and 1280 px in German): every
owner's name whole, and no cause-and-effect arrow running behind a card."""

from __future__ import annotations

import pytest

from okrplatform.org.models import User

from .conftest import page_fits_its_width, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

LAPTOP = {"width": 1440, "height": 900}

# An owner's name is clipped when it overflows its cell, or its cell lies beyond what the
# matrix's frame (which scrolls sideways rather than widen the page) or the screen shows.
CLIPPED_OWNERS = """() => {
  const frame = document.querySelector('.okr-x-wrap').getBoundingClientRect();
  const right = Math.min(frame.right, window.innerWidth);
  return [...document.querySelectorAll('.okr-x__owner')]
    .filter((cell) => cell.scrollWidth > cell.clientWidth + 1
                   || cell.getBoundingClientRect().right > right + 1)
    .map((cell) => cell.textContent.trim());
}"""


# Each arrow sampled along its path; a point inside a card that is neither of its two ends is an
# arrow behind (or over) a card that it does not connect.
ARROWS_THROUGH_CARDS = """() => {
  const cards = [...document.querySelectorAll('#strategy-map .okr-smap__objective')];
  const boxes = new Map(cards.map((card) => [card.id.slice(5), card.getBoundingClientRect()]));
  const svg = document.querySelector('#strategy-map svg');
  const matrix = svg.getScreenCTM();
  const crossings = [];
  svg.querySelectorAll('path.okr-smap__edge').forEach((path) => {
    const length = path.getTotalLength();
    for (let step = 0; step <= 100; step += 1) {
      const local = path.getPointAtLength(length * step / 100);
      const point = new DOMPoint(local.x, local.y).matrixTransform(matrix);
      for (const [id, box] of boxes) {
        if (id === path.dataset.from || id === path.dataset.to) continue;
        if (point.x > box.left + 1 && point.x < box.right - 1
            && point.y > box.top + 1 && point.y < box.bottom - 1) {
          crossings.push(`${path.dataset.from}→${path.dataset.to} crosses ${id}`);
          return;
        }
      }
    }
  });
  return crossings;
}"""


@pytest.mark.parametrize(("language", "width"), [("en", 1440), ("de", 1280)])
def test_the_x_matrix_fits_the_screen_with_every_owner_named_in_full(
    new_context, demo, language, width
):
    User.objects.filter(username="elena").update(language=language)
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, "elena")  # the whole company: the largest matrix of the demo
    page.goto("/alignment/x-matrix/")

    screenshot(page, f"x-matrix-{width}-{language}")
    assert page_fits_its_width(page)
    assert page.evaluate(CLIPPED_OWNERS) == []
    assert page.evaluate(
        "document.querySelector('.okr-x-wrap').scrollWidth"
        " <= document.querySelector('.okr-x-wrap').clientWidth + 1"
    ), "the whole matrix in view, no sideways scrolling"
    assert page.locator(".okr-x__owner").count() >= 3


@pytest.mark.parametrize("username", ["elena", "jonas"])
def test_no_strategy_map_arrow_runs_behind_a_card_at_1440_px(new_context, demo, username):
    page = new_context(viewport=LAPTOP).new_page()
    sign_in(page, username)
    page.goto("/alignment/strategy-map/")
    page.wait_for_selector("#strategy-map[data-arrows-drawn]")

    screenshot(page, f"strategy-map-1440-{username}")
    assert page_fits_its_width(page)
    assert page.locator("#strategy-map svg path.okr-smap__edge").count() >= 5
    assert page.evaluate(ARROWS_THROUGH_CARDS) == []
