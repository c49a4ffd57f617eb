"""The screenshot of the viewer in the docs: a page of an output folder, opened in headless Chromium
with the pointer on a projected entity (so its word links and source entity show), saved as PNG.

    projner demo --output demo-out
    python examples/viewer_screenshot.py demo-out docs/img/viewer.png --fragment "gold=disagrees"
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from projner import view
from projner.testing.browser import Chromium

CANDIDATES = """[...document.querySelectorAll(".line.tgt .ent:not(.missed)")]
  .map(box => [box.getBoundingClientRect(), box.querySelectorAll(".w").length])
  .filter(([r]) => r.bottom < innerHeight)
  .map(([r, words]) => [r.left + r.width / 2, r.top + r.height / 2, words])"""

# Under the pointer: whether the links run straight from the source entity's row to the target's,
# crossing no other words (source entity on its line's last row, target entity on its first).
CLEAR_LINKS = """(() => {
  const rows = (box) => [...box.closest(".line").querySelectorAll(".w")].map(w => w.getBoundingClientRect().top);
  const target = document.querySelector(".line.tgt .ent.hl"), source = document.querySelector(".line.src .ent.hl");
  if (!target || !source || !document.querySelector("svg.links path.on")) return false;
  const top = (box) => box.querySelector(".w").getBoundingClientRect().top;
  return top(source) >= Math.max(...rows(source)) - 4 && top(target) <= Math.min(...rows(target)) + 4;
})()"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--fragment", default="", help="the page's #state, e.g. 'gold=disagrees&size=10'")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Chromium(width=args.width, height=args.height) as browser:
        page = view(args.folder, Path(tmp) / "page.html").path
        browser.open(page, args.fragment)
        clear = []
        for x, y, words in browser.evaluate(CANDIDATES):
            browser.move_mouse(x, y)
            if browser.evaluate(CLEAR_LINKS):
                clear.append((words, -y, x, y))
        if clear:
            _, _, x, y = max(clear)  # the longest entity, the highest on the page among those
            browser.move_mouse(x, y)
        args.png.parent.mkdir(parents=True, exist_ok=True)
        browser.screenshot(args.png)
    print(f"{args.png}: {args.width}x{args.height}" + (f", pointer at {x:.0f},{y:.0f}" if clear else ", no pointer"))


if __name__ == "__main__":
    main()
