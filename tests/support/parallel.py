"""Which tests may run side by side in pytest-xdist's workers (``make test`` runs
``pytest -n N --dist loadgroup``; README, "How tests pick their stack").

Every test that uses the session's stack (the ``stack`` fixture, directly or through
``workflow``, ``reports``, ``console``...) goes to one group: one worker runs them all,
in their usual order, on the one stack it starts. They share that stack's state (the
approval mode, a redeploy, the Lambda concurrency, the engine's processes), so they are
never run at once. The same holds for the engine tests' own embedded engine (``engine``)
and for the tests of a module that share a module-scoped fixture (a stack a module
starts for itself, say): one group each, so that nothing is started twice. The rest
(the unit tests, the tests that start and stop a stack of their own) spread over the
other workers.

Without ``-n`` (or with ``-n 0``) the groups change nothing.
"""

from __future__ import annotations

import pytest

SHARED_SESSION_FIXTURES = ("stack", "engine")
"""Session fixtures that start a stack: the tests using one share a worker."""


def group_of(item: pytest.Item) -> str | None:
    names = getattr(item, "fixturenames", ())
    for fixture in SHARED_SESSION_FIXTURES:
        if fixture in names:
            return fixture
    # _fixtureinfo is pytest's (stable since pytest 3): the fixtures' definitions by name.
    definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    for name in names:
        defs = definitions.get(name) or ()
        if defs and defs[-1].scope == "module":
            return item.nodeid.split("::", 1)[0]
    return None


# At each item's collection: before any pytest_collection_modifyitems, where xdist's worker
# reads the groups.
def pytest_itemcollected(item: pytest.Item) -> None:
    if not item.config.pluginmanager.hasplugin("xdist"):
        return
    if item.get_closest_marker("xdist_group") is None and (group := group_of(item)):
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.hookimpl(trylast=True)  # after xdist's worker wrote the group into item._nodeid
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """pytest 9 keeps a node's id in ``Node._id``: xdist 3.8's ``item._nodeid`` is carried
    over, or the scheduler would never see the groups."""
    if not config.getoption("loadgroup", default=False):  # False without xdist
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        grouped = item.__dict__.get("_nodeid")
        if grouped and grouped != item.nodeid:
            item._id = coerce_node_id(grouped)
