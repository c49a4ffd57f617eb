"""The README is part of the product: its examples run, and CI runs its test command."""

import doctest
import re

from conftest import ROOT

README = ROOT / "README.md"


def quick_start_commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_readme_examples_run():
    parser = doctest.DocTestParser()
    test = parser.get_doctest(README.read_text(encoding="utf-8"), {}, "README.md", str(README), 0)
    assert test.examples, "the README has no >>> examples"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0


def test_quick_start_is_two_commands_and_ci_runs_the_test_command():
    install_and_demo, install_and_test = quick_start_commands()
    assert "projner demo" in install_and_demo
    assert "pytest" in install_and_test
    assert install_and_test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
