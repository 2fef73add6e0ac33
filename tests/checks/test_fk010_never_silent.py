"""FK010 never passes silently: a critical function its call graph cannot reach is a warning."""

from __future__ import annotations

from tests.conftest import run


def test_an_unresolved_critical_function_is_a_warning(project) -> None:
    folder = project({
        "flagkeeper.toml": 'entry-points = ["app"]\ncritical = ["orders.send_child_order"]\n',
        "orders.py": "def send_child_order(order):\n    pass\n",
        "app.py": "import orders\n\nsend = getattr(orders, 'send_child_order')\nsend(1)\n",
    })  # fmt: skip
    result = run(["check", ".", "--select", "FK010", "--format", "json"], folder)
    [finding] = result.json()
    assert (finding["path"], finding["line"], finding["severity"]) == ("orders.py", 1, "warning")
    assert "no call path that flagkeeper resolves reaches it" in finding["message"]
    # Once a path is resolved, the usual error for a missing kill switch takes over.
    folder.joinpath("app.py").write_text("import orders\n\norders.send_child_order(1)\n")
    [finding] = run(["check", ".", "--select", "FK010", "--format", "json"], folder).json()
    assert finding["severity"] == "error" and "without a kill-switch check" in finding["message"]


def test_a_method_of_a_new_instance_resolves_however_common_its_name(project) -> None:
    """`Router().run()` is Router.run, even when ten classes define `run` (too many to follow by name)."""
    others = "".join(f"class Other{number}:\n    def run(self):\n        pass\n\n" for number in range(10))
    folder = project({
        "flagkeeper.toml": 'entry-points = ["app"]\ncritical = ["orders.send_child_order"]\n',
        "orders.py": "def send_child_order(order):\n    pass\n",
        "routing.py": "import orders\n\n" + others + "class Router:\n    def run(self):\n        orders.send_child_order(1)\n",
        "app.py": "from routing import Router\n\nRouter().run()\n",
    })  # fmt: skip
    [finding] = run(["check", ".", "--select", "FK010", "--format", "json"], folder).json()
    assert finding["severity"] == "error"
    assert "app -> routing.Router.run -> orders.send_child_order" in finding["message"]
