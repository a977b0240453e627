"""The sandbox: the student's module in its own process, plain data back, limits enforced."""

import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gradcheck.grading._codec import UnsupportedValue, decode, encode
from gradcheck.grading._sandbox import Limits, Sandbox, StudentCodeError

STUDENT = """
import os
import numpy as np

def add(a, b):
    return a + b

def boom(x):
    raise ValueError(f"bad {x}")

def spin():
    while True:
        try:
            pass
        except BaseException:
            pass

def leave():
    os._exit(3)

def hog():
    return [np.ones(1 << 27) for _ in range(100)]

def ones(n):
    return float(np.ones(n).sum())

def shout(n):
    print("y" * n)
    raise ValueError("after shouting")

def chatty():
    for _ in range(1000):
        print("x" * 1000)
    return "done"

def forks():
    child = os.fork()
    if child == 0:
        os.setsid()
        import time
        time.sleep(60)
    return child

def whoami():
    return os.getuid()

class Column(np.ndarray):
    @property
    def shape(self):
        return (3, 1)

def lies():
    return np.zeros(3).view(Column)

def a_function():
    return add
"""


pytest_plugins = ["pytester"]


def soon(seconds: float = 30.0) -> float:
    return time.monotonic() + seconds


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("student")
    (folder / "student.py").write_text(STUDENT)
    box = Sandbox("student", folder / "student.py", Limits(memory_mb=1024, output_kb=4))
    yield box
    box.close()


def test_plain_data_travels_back_as_base_class_arrays_and_builtin_scalars() -> None:
    class Column(np.ndarray):
        @property
        def shape(self) -> tuple[int, ...]:
            return (3, 1)

    value = {
        "W1": np.arange(3.0).view(Column),
        "m": np.int64(4),
        "J": np.float64(0.5),
        "caches": [(np.ones((2, 2), order="F"), None)],
        1: "text",
        "ok": np.True_,
    }
    back = decode(encode(value))
    assert type(back["W1"]) is np.ndarray and back["W1"].shape == (3,)
    assert back["W1"].flags.writeable and back["W1"].flags.owndata
    assert type(back["m"]) is int and type(back["J"]) is float and back["ok"] is True
    np.testing.assert_array_equal(back["caches"][0][0], np.ones((2, 2)))
    assert back[1] == "text"


@pytest.mark.parametrize(
    "value",
    [lambda: 1, object(), np.array([object()]), iter([1])],
    ids=["function", "object", "object array", "iterator"],
)
def test_what_is_not_plain_data_is_refused_by_name(value: Any) -> None:
    with pytest.raises(UnsupportedValue, match=r"^(a |an array of dtype object)"):
        encode(value)


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x00\x00\x02[]",
        b'\x00\x00\x00\x0f["array", "<f8"',
        b'\x00\x00\x00\x13["array", "|O", [1]]',
    ],
)
def test_a_malformed_message_is_an_error_never_an_object(data: bytes) -> None:
    with pytest.raises((ValueError, IndexError)):
        decode(data)


def test_a_call_returns_the_students_result(sandbox: Sandbox) -> None:
    assert sandbox.call("add", (2, 3), {}, soon()) == 5
    out = sandbox.call("add", (np.ones((2, 1)), np.ones((1, 3))), {}, soon())
    assert type(out) is np.ndarray and out.shape == (2, 3)


def test_a_subclass_comes_back_with_its_real_shape(sandbox: Sandbox) -> None:
    assert sandbox.call("lies", (), {}, soon()).shape == (3,)


def test_a_students_exception_fails_the_call_with_its_type_message_and_line(
    sandbox: Sandbox,
) -> None:
    with pytest.raises(ValueError, match=r"Your code raised an exception: ValueError: bad 7"):
        sandbox.call("boom", (7,), {}, soon())
    with pytest.raises(StudentCodeError, match=r"at student.py, line 9, in boom"):
        sandbox.call("boom", (7,), {}, soon())


def test_returning_a_function_is_refused_with_what_to_return(sandbox: Sandbox) -> None:
    with pytest.raises(StudentCodeError, match="cannot read: return numpy arrays") as info:
        sandbox.call("a_function", (), {}, soon())
    assert info.value.kind == "data"


@pytest.mark.slow
def test_a_loop_that_catches_everything_is_stopped_at_the_deadline(sandbox: Sandbox) -> None:
    started = time.monotonic()
    with pytest.raises(StudentCodeError, match=r"Time limit exceeded \(>1s\) in spin\(\)"):
        sandbox.call("spin", (), {}, soon(1.0))
    assert time.monotonic() - started < 5
    assert sandbox.call("add", (1, 1), {}, soon()) == 2  # a fresh process answers


def test_exiting_costs_the_call_and_the_next_call_runs(sandbox: Sandbox) -> None:
    with pytest.raises(StudentCodeError, match="exited with status 3") as info:
        sandbox.call("leave", (), {}, soon())
    assert info.value.kind == "crash"
    assert sandbox.call("add", (1, 1), {}, soon()) == 2


def test_memory_beyond_the_limit_fails_the_call(sandbox: Sandbox) -> None:
    with pytest.raises(MemoryError, match="ran out of memory") as info:
        sandbox.call("hog", (), {}, soon())
    assert info.value.kind == "memory"  # type: ignore[attr-defined]


def test_a_calls_own_memory_limit_applies_to_that_call_only(sandbox: Sandbox) -> None:
    # 256 MiB of ones fit the process's 1024 MiB but not a test's own 128 MiB.
    with pytest.raises(MemoryError, match="ran out of memory"):
        sandbox.call("ones", (1 << 25,), {}, soon(), Limits(memory_mb=128, output_kb=4))
    assert sandbox.call("ones", (1 << 25,), {}, soon()) == float(1 << 25)


def test_a_calls_own_memory_limit_is_undone_in_a_process_without_one(tmp_path: Path) -> None:
    (tmp_path / "student.py").write_text(STUDENT)
    box = Sandbox("student", tmp_path / "student.py", Limits(memory_mb=0, output_kb=4))
    try:
        with pytest.raises(MemoryError, match="ran out of memory"):
            box.call("ones", (1 << 25,), {}, soon(), Limits(memory_mb=128, output_kb=4))
        assert box.call("ones", (1 << 25,), {}, soon()) == float(1 << 25)
    finally:
        box.close()


def test_a_calls_own_output_limit_applies_to_that_call_only(sandbox: Sandbox) -> None:
    # 5,000 characters printed with their newline are 5,001: 1 KiB keeps 1,024 of them.
    with pytest.raises(StudentCodeError) as small:
        sandbox.call("shout", (5000,), {}, soon(), Limits(memory_mb=1024, output_kb=1))
    with pytest.raises(StudentCodeError) as default:
        sandbox.call("shout", (5000,), {}, soon())
    assert "3977 more characters of output dropped" in str(small.value)
    assert "905 more characters of output dropped" in str(default.value)


def test_printed_output_is_captured_and_capped(sandbox: Sandbox) -> None:
    assert sandbox.call("chatty", (), {}, soon()) == "done"
    with pytest.raises(StudentCodeError) as info:
        sandbox.call("boom", (1,), {}, soon())
    assert "Your code printed" not in str(info.value)  # the output went with its own call


def test_a_forked_process_is_ended_with_the_sandbox(tmp_path: Path) -> None:
    (tmp_path / "student.py").write_text(STUDENT)
    box = Sandbox("student", tmp_path / "student.py")
    escaped = box.call("forks", (), {}, soon())  # in a session of its own
    assert _alive(escaped)
    box.close()
    assert not _alive(escaped)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] not in "ZX"


@pytest.mark.skipif(os.geteuid() != 0, reason="dropping the user needs root")
def test_started_as_root_the_student_runs_as_an_unprivileged_user(sandbox: Sandbox) -> None:
    assert sandbox.call("whoami", (), {}, soon()) >= 200_000


def test_an_unimportable_module_says_why_on_every_call(tmp_path: Path) -> None:
    (tmp_path / "student.py").write_text("import sys\nprint('hi')\nsys.exit('bye')\n")
    box = Sandbox("student", tmp_path / "student.py")
    try:
        for _ in range(2):
            with pytest.raises(
                StudentCodeError,
                match=r"Your module 'student' could not be imported, so this test could not "
                r"run: SystemExit: bye \(line 3\)\n\(Your code called sys.exit\(\)",
            ):
                box.call("anything", (), {}, soon())
    finally:
        box.close()


def test_a_file_submission_is_copied_alone_never_its_neighbours(tmp_path: Path) -> None:
    (tmp_path / "student.py").write_text("import solution\n")
    (tmp_path / "solution.py").write_text("SECRET = 1\n")
    box = Sandbox("student", tmp_path / "student.py")
    try:
        with pytest.raises(StudentCodeError, match="No module named 'solution'"):
            box.ensure_imported(soon())
    finally:
        box.close()


def test_a_students_traceback_shows_the_test_and_not_the_toolkit(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(student=STUDENT, test_it="def test_it(student):\n    student.boom(7)\n")
    result = pytester.runpytest("--dimgrad-student=student", "--dimgrad-sandbox=on")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*student.boom(7)*", "E   *Your code raised an exception: ValueError: bad 7"]
    )
    result.stdout.no_fnmatch_line("*gradcheck/grading/*")


def test_the_grader_refuses_to_import_the_students_module_itself(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(student=STUDENT, test_it="import student\n\ndef test_it():\n    pass\n")
    pytester.runpytest("--dimgrad-student=student", "--grade-json=results.json")
    import json

    (test,) = json.loads((pytester.path / "results.json").read_text())["tests"]
    assert test["score"] == 0
    assert "use the `student` fixture instead of importing it" in test["output"]


def test_a_test_can_lower_its_memory_and_output_limits_with_a_marker(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        student=STUDENT,
        test_it=(
            "import pytest\n\n"
            "@pytest.mark.dimgrad_limits(memory_mb=128)\n"
            "def test_small(student):\n    student.ones(1 << 25)\n\n"
            "def test_default(student):\n    assert student.ones(1 << 25) == float(1 << 25)\n"
        ),
    )
    result = pytester.runpytest(
        "--dimgrad-student=student", "--dimgrad-sandbox=on", "--dimgrad-memory=1024"
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*test_small*", "*ran out of memory*"])


def test_a_marker_may_not_raise_the_runs_memory_limit(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        student=STUDENT,
        test_it=(
            "import pytest\n\n"
            "@pytest.mark.dimgrad_limits(memory_mb=4096)\n"
            "def test_big(student):\n    student.add(1, 2)\n"
        ),
    )
    result = pytester.runpytest(
        "--dimgrad-student=student", "--dimgrad-sandbox=on", "--dimgrad-memory=1024"
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*above the run's 1024 MiB, which a test can lower but not raise*"]
    )
