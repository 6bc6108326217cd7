"""The `processes` marker is enforced (tests/process_guard.py): an unmarked test that starts a process
fails, telling its author to mark it, however the process is started and whatever catches the error;
a marked one runs. Each case is a pytest run in this process (pytester), under the guard as
tests/conftest.py installs it.
"""

from __future__ import annotations

import textwrap

import pytest

pytest_plugins = ["pytester"]

INI = "[pytest]\nmarkers =\n    processes: starts a process\n"
CONFTEST = (
    "from tests.process_guard import pytest_runtest_call, pytest_runtest_setup, pytest_runtest_teardown\n"
)
SECRET = "argv-secret-9b1d"  # in a command line: the failure must not repeat it


@pytest.fixture
def guarded(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(INI)
    pytester.makeconftest(CONFTEST)
    return pytester


def _unmarked_failures(result: pytest.RunResult, names: list[str], how: str) -> None:
    text = result.stdout.str()
    for name in names:
        assert f"test_starts.py::{name} started a process ({how}) but is not marked `processes`" in text
    assert "`pytestmark = pytest.mark.processes`" in text
    assert "so that `make test-fast` leaves it out" in text
    assert SECRET not in text


def test_an_unmarked_test_that_starts_a_process_fails_saying_how_to_mark_it(guarded: pytest.Pytester) -> None:
    guarded.makepyfile(
        test_starts=f"""
        import os, subprocess, sys

        def test_run():
            subprocess.run([sys.executable, "-c", "pass", "{SECRET}"], check=False)

        def test_caught_as_an_exception():
            try:
                subprocess.check_output(["true", "{SECRET}"])
            except Exception:
                pass

        def test_spawned():
            os.posix_spawn(sys.executable, [sys.executable, "-c", "pass", "{SECRET}"], dict(os.environ))
        """
    )
    result = guarded.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=3)
    _unmarked_failures(result, ["test_run", "test_caught_as_an_exception"], "subprocess.Popen")
    _unmarked_failures(result, ["test_spawned"], "os.posix_spawn")


def test_a_refusal_that_is_swallowed_still_fails_the_test(guarded: pytest.Pytester) -> None:
    guarded.makepyfile(
        test_starts=f"""
        import os

        def test_swallowed():
            try:
                os.system("true {SECRET}")
            except BaseException:
                pass
        """
    )
    result = guarded.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    _unmarked_failures(result, ["test_swallowed"], "os.system")


def test_a_fixture_of_a_wider_scope_is_guarded_for_the_test_that_sets_it_up(guarded: pytest.Pytester) -> None:
    guarded.makepyfile(
        test_starts=f"""
        import subprocess, sys
        import pytest

        @pytest.fixture(scope="module")
        def server():
            subprocess.run([sys.executable, "-c", "pass", "{SECRET}"], check=False)

        def test_uses_a_server(server):
            pass
        """
    )
    result = guarded.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    _unmarked_failures(result, ["test_uses_a_server"], "subprocess.Popen")


def test_threads_stay_allowed_and_the_guard_leaves_nothing_patched(guarded: pytest.Pytester) -> None:
    """A loopback server in a thread (MockServer) is in-process; after the run, Popen is the real one."""
    guarded.makepyfile(
        test_starts="""
        import threading

        def test_a_thread():
            done = []
            thread = threading.Thread(target=done.append, args=(1,))
            thread.start()
            thread.join(timeout=5)
            assert done == [1]
        """
    )
    import subprocess

    before = subprocess.Popen.__init__
    result = guarded.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert subprocess.Popen.__init__ is before


@pytest.mark.processes
def test_a_marked_test_or_module_may_start_processes(guarded: pytest.Pytester) -> None:
    guarded.makepyfile(
        test_marked_test="""
        import subprocess, sys
        import pytest

        @pytest.mark.processes
        def test_run():
            assert subprocess.run([sys.executable, "-c", "pass"], check=False).returncode == 0
        """,
        test_marked_module=textwrap.dedent(
            """
            import subprocess, sys
            import pytest

            pytestmark = pytest.mark.processes

            def test_run():
                assert subprocess.run([sys.executable, "-c", "pass"], check=False).returncode == 0
            """
        ),
    )
    result = guarded.runpytest("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
