"""The guarded patch helper: a patch is applied only where it fits, and a failing
wrapper leaves LocalStack's behaviour as it was (fake originals and wrappers)."""

from __future__ import annotations

import contextlib
import logging
import types

import pytest

from sfnlocal.in_localstack import patching
from sfnlocal.in_localstack.patching import PINNED_LOCALSTACK, Target


class Service:
    def handle(self, item, times=1):
        return item * times

    @staticmethod
    def helper(x):
        return x + 1

    @classmethod
    def build(cls):
        return cls()


def module_function(a, b=2):
    return a + b


FAKE = types.ModuleType("fake_localstack_module")
FAKE.Service = Service
FAKE.module_function = module_function
FAKE.CONFIG = {"pool": 10}


@pytest.fixture(autouse=True)
def pinned_and_fresh(monkeypatch):
    """The pinned LocalStack runs, and targets declared here stay out of the real list."""
    monkeypatch.setattr(patching, "localstack_version", lambda: PINNED_LOCALSTACK)
    monkeypatch.setattr(patching, "TARGETS", [])


def target(name: str, signature: str, **kwargs) -> Target:
    return Target("fake_localstack_module", name, signature, **kwargs)


class Calls:
    def __init__(self, result="original result", error: Exception | None = None):
        self.args: list[tuple] = []
        self.result, self.error = result, error

    def __call__(self, *args, **kwargs):
        self.args.append((args, kwargs))
        if self.error:
            raise self.error
        return self.result


# -- which targets are patched ------------------------------------------------------


def test_a_target_with_the_expected_signature_can_be_patched():
    assert target("Service.handle", "(self, item, times=1)").problem(FAKE) is None
    assert target("module_function", "(a, b=2)").problem(FAKE) is None
    assert target("Service.helper", "(x)").problem(FAKE) is None


def test_a_changed_signature_is_named_and_not_patched():
    problem = target("Service.handle", "(self, item)").problem(FAKE)
    assert "(self, item, times=1)" in problem
    assert "expects (self, item)" in problem


def test_a_missing_symbol_is_named_and_not_patched():
    assert "does not exist" in target("Service.gone", "(self)").problem(FAKE)
    assert "does not exist" in target("Gone.handle", "(self)").problem(FAKE)


def test_another_localstack_version_patches_nothing(monkeypatch):
    monkeypatch.setattr(patching, "localstack_version", lambda: "2099.1.0")
    problem = target("module_function", "(a, b=2)").problem(FAKE)
    assert problem == f"LocalStack 2099.1.0 is not the pinned {PINNED_LOCALSTACK}"


def test_a_classmethod_is_refused_rather_than_patched_wrongly():
    assert "classmethod" in target("Service.build", "()").problem(FAKE)


def test_a_value_target_checks_the_type_of_the_value():
    assert target("CONFIG", "builtins.dict", kind="value").problem(FAKE) is None
    assert "is a builtins.dict" in target("CONFIG", "builtins.list", kind="value").problem(FAKE)


def test_an_unknown_kind_is_refused_when_declared():
    with pytest.raises(ValueError, match="kind"):
        target("module_function", "(a, b=2)", kind="property")


def test_declared_targets_are_listed_for_the_engine_check():
    declared = target("module_function", "(a, b=2)")
    assert [declared] == patching.TARGETS


# -- functions: the wrapper and its fallback -----------------------------------------


def test_the_wrapper_gets_the_original_and_the_arguments():
    original = Calls()

    def wrapper(original, *args, **kwargs):
        return f"wrapped {original(*args, **kwargs)}"

    patched = target("module_function", "(a, b=2)").replacement(original, wrapper)
    assert patched(1, b=3) == "wrapped original result"
    assert original.args == [((1,), {"b": 3})]


def test_a_wrapper_failing_before_the_original_ran_falls_back_to_it(caplog):
    original = Calls()

    def broken(original, *args, **kwargs):
        raise KeyError("a bug in the speed-up")

    patched = target("module_function", "(a, b=2)").replacement(original, broken)
    with caplog.at_level(logging.ERROR, logger=patching.LOG.name):
        assert patched(1, b=3) == "original result"
    assert original.args == [((1,), {"b": 3})]
    assert "fake_localstack_module.module_function failed" in caplog.text


def test_the_originals_own_error_reaches_the_caller_once():
    original = Calls(error=LookupError("no such function"))

    def wrapper(original, *args, **kwargs):
        return original(*args, **kwargs)

    patched = target("module_function", "(a, b=2)").replacement(original, wrapper)
    with pytest.raises(LookupError, match="no such function"):
        patched(1)
    assert len(original.args) == 1, "the original ran again after its own error"


def test_a_wrapper_failing_after_the_original_ran_does_not_run_it_twice():
    original = Calls()

    def wrapper(original, *args, **kwargs):
        original(*args, **kwargs)
        raise RuntimeError("after the fact")

    patched = target("module_function", "(a, b=2)").replacement(original, wrapper)
    with pytest.raises(RuntimeError, match="after the fact"):
        patched(1)
    assert len(original.args) == 1


def test_off_the_hot_path_the_wrappers_error_is_not_hidden():
    original = Calls()

    def broken(original, *args, **kwargs):
        raise KeyError("a bug in the speed-up")

    patched = target("module_function", "(a, b=2)", hot_path=False).replacement(original, broken)
    with pytest.raises(KeyError):
        patched(1)
    assert original.args == []


def test_a_patched_method_receives_self_and_falls_back_with_it():
    class Local(Service):
        pass

    seen = []

    def broken(original, self, item, times=1):
        seen.append(self)
        raise ValueError("broken")

    Local.handle = target("Service.handle", "(self, item, times=1)").replacement(
        Service.handle, broken
    )
    service = Local()
    assert service.handle("ab", times=2) == "abab"
    assert seen == [service]


def test_the_patched_function_keeps_the_originals_name_and_signature():
    patched = target("module_function", "(a, b=2)").replacement(module_function, lambda o, *a: 0)
    assert patched.__name__ == "module_function"
    assert str(patching.inspect.signature(patched)) == "(a, b=2)"


def test_a_value_target_is_replaced_by_what_the_patch_makes_of_it():
    replaced = target("CONFIG", "builtins.dict", kind="value").replacement(
        FAKE.CONFIG, lambda config: {**config, "pool": 100}
    )
    assert replaced == {"pool": 100}


# -- context managers: the fallback covers entering and leaving ----------------------


class Environments:
    """A fake ``get_environment``: a generator context manager that records its life."""

    def __init__(self, enter_error: Exception | None = None, suppress: bool = False) -> None:
        self.events: list[str] = []
        self.enter_error, self.suppress = enter_error, suppress

    @contextlib.contextmanager
    def get(self, name):
        self.events.append(f"enter {name}")
        if self.enter_error:
            raise self.enter_error
        try:
            yield f"environment {name}"
        except Exception as error:
            self.events.append(f"body failed: {error}")
            if not self.suppress:
                raise
        finally:
            self.events.append(f"exit {name}")


@contextlib.contextmanager
def passing_through(original, name):
    """A context wrapper that only enters the original."""
    with original(name) as env:
        yield env


@contextlib.contextmanager
def failing_after_leaving(original, name):
    """A context wrapper whose own cleanup fails once the original was left."""
    with original(name) as env:
        yield env
    raise RuntimeError("could not release the slot")


def use_once(patched, caplog) -> None:
    """Enters and leaves the patched context as an invocation does: it gives the original's."""
    with caplog.at_level(logging.ERROR, logger=patching.LOG.name), patched("a") as env:
        assert env == "environment a"


def context_target(**kwargs) -> Target:
    return target("Service.handle", "(self)", kind="contextmanager", **kwargs)


def test_a_context_wrapper_runs_around_the_original():
    environments, log = Environments(), []

    @contextlib.contextmanager
    def wrapper(original, name):
        log.append("before")
        with original(name) as env:
            yield env
        log.append("after")

    patched = context_target().replacement(environments.get, wrapper)
    with patched("a") as env:
        assert env == "environment a"
    assert log == ["before", "after"]
    assert environments.events == ["enter a", "exit a"]


def test_a_context_wrapper_failing_before_entering_falls_back_to_the_original(caplog):
    environments = Environments()

    @contextlib.contextmanager
    def broken(original, name):
        raise KeyError("no slot")
        yield  # a generator context manager

    patched = context_target().replacement(environments.get, broken)
    use_once(patched, caplog)
    assert environments.events == ["enter a", "exit a"]
    assert "LocalStack's original runs" in caplog.text


def test_an_error_in_the_with_body_reaches_the_caller_and_the_original():
    environments = Environments()

    patched = context_target().replacement(environments.get, passing_through)
    with pytest.raises(ValueError, match="invocation failed"), patched("a"):
        raise ValueError("invocation failed")
    assert environments.events == ["enter a", "body failed: invocation failed", "exit a"]


def test_the_originals_error_on_entering_is_not_retried():
    environments = Environments(enter_error=LookupError("no environment"))

    patched = context_target().replacement(environments.get, passing_through)
    with pytest.raises(LookupError, match="no environment"), patched("a"):
        pass
    assert environments.events == ["enter a"]


def test_a_context_wrapper_failing_in_its_cleanup_leaves_the_result_alone(caplog):
    environments = Environments()

    patched = context_target().replacement(environments.get, failing_after_leaving)
    use_once(patched, caplog)
    assert environments.events == ["enter a", "exit a"]
    assert "failed on leaving" in caplog.text


def test_a_failing_cleanup_does_not_hide_the_bodys_error():
    environments = Environments()

    @contextlib.contextmanager
    def wrapper(original, name):
        try:
            with original(name) as env:
                yield env
        finally:
            raise RuntimeError("could not release the slot")

    patched = context_target().replacement(environments.get, wrapper)
    with pytest.raises(ValueError, match="invocation failed"), patched("a"):
        raise ValueError("invocation failed")
    assert environments.events == ["enter a", "body failed: invocation failed", "exit a"]


def test_a_failing_cleanup_keeps_the_originals_decision_to_suppress():
    environments = Environments(suppress=True)

    patched = context_target().replacement(environments.get, failing_after_leaving)
    with patched("a"):
        raise ValueError("handled by the original")
    assert environments.events == ["enter a", "body failed: handled by the original", "exit a"]


def test_a_cleanup_failing_before_the_original_left_still_leaves_it():
    environments = Environments()

    @contextlib.contextmanager
    def wrapper(original, name):
        context = original(name)
        env = context.__enter__()
        yield env
        raise RuntimeError("forgot to leave the original")

    patched = context_target().replacement(environments.get, wrapper)
    with patched("a"):
        pass
    assert environments.events == ["enter a", "exit a"]
