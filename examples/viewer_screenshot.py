"""The screenshot of the viewer in the docs: a page of an output folder, opened in headless Chromium
with the pointer on a projected entity (so its word links and source entity show), saved as PNG.

    projner demo --output demo-out
    python examples/viewer_screenshot.py demo-out docs/img/viewer.png --fragment "gold=disagrees"
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from projner.testing.browser import Chromium
from projner.viewer import view

# The first projected entity on the page with a source entity and at least two links into it.
FIND_ENTITY = """(() => {
  for (const box of document.querySelectorAll(".line.tgt .ent:not(.missed)")) {
    const r = box.getBoundingClientRect();
    if (r.bottom > innerHeight) break;
    const pair = box.closest(".pair");
    if (pair.querySelectorAll(".line.src .ent").length < %(min_source)d) continue;
    return [r.left + r.width / 2, r.top + r.height / 2];
  }
  return null;
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
        point = browser.evaluate(FIND_ENTITY % {"min_source": 2}) or browser.evaluate(FIND_ENTITY % {"min_source": 1})
        if point:
            browser.move_mouse(*point)
        args.png.parent.mkdir(parents=True, exist_ok=True)
        browser.screenshot(args.png)
    print(f"{args.png}: {args.width}x{args.height}" + (f", pointer at {point[0]:.0f},{point[1]:.0f}" if point else ""))


if __name__ == "__main__":
    main()
