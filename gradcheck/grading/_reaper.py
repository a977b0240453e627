"""Ending every process the student's code started, before the grade is written.

The student's process starts in a session of its own, so that one signal reaches its
process group; a descendant can leave that group (`setsid`, a double fork). So the grader
also becomes a "subreaper" (Linux `prctl(PR_SET_CHILD_SUBREAPER)`): an orphaned descendant
is re-parented to the grader instead of to init, and stays findable. At the end the grader
stops and kills, read from `/proc`:

- every descendant of the student's process;
- every process of the sandbox's own user id (when started as root);
- every child of the grader that left the grader's session after the student's process
  started (an orphan of the student's, re-parented here).

Elsewhere than Linux only the process group is ended: grade inside a container.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import time
from pathlib import Path

_PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Makes orphaned descendants of this process its children (Linux); True when done."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


class _Process:
    __slots__ = ("pid", "ppid", "session", "start", "uid")

    def __init__(self, pid: int, ppid: int, session: int, start: int, uid: int) -> None:
        self.pid, self.ppid, self.session, self.start, self.uid = pid, ppid, session, start, uid


def _processes() -> dict[int, _Process]:
    """The live (not zombie) processes, from /proc."""
    found: dict[int, _Process] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            uid = entry.stat().st_uid
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] in ("Z", "X"):  # ended already: its parent (or init) reaps it
            continue
        pid = int(entry.name)
        found[pid] = _Process(pid, int(fields[1]), int(fields[3]), int(fields[19]), uid)
    return found


def _victims(leader: int, uid: int | None, leader_start: int | None) -> set[int]:
    table = _processes()
    me = os.getpid()
    my_session = os.getsid(0)
    victims: set[int] = set()
    children: dict[int, list[int]] = {}
    for process in table.values():
        children.setdefault(process.ppid, []).append(process.pid)
    todo = [leader] if leader in table else []
    while todo:
        pid = todo.pop()
        if pid not in victims:
            victims.add(pid)
            todo.extend(children.get(pid, ()))
    for process in table.values():
        if uid is not None and process.uid == uid:
            victims.add(process.pid)
        elif (
            leader_start is not None
            and process.ppid == me
            and process.session != my_session
            and process.start >= leader_start
        ):
            victims.add(process.pid)  # an orphan of the student's, re-parented to us
    victims.discard(me)
    return victims


def start_time(pid: int) -> int | None:
    """The start time of `pid` in clock ticks since boot, or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat[stat.rindex(")") + 2 :].split()[19])


def _signal(pid: int, sig: int, group: bool = False) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        (os.killpg if group else os.kill)(pid, sig)


def end_all(leader: int, uid: int | None, leader_start: int | None) -> None:
    """Kills the student's process `leader`, its group, its descendants and, when `uid` is
    given, every process of `uid`.

    **Arguments:**

    - `leader`: the pid of the student's process.
    - `uid`: the sandbox's own user id, or None when it runs as the grader's user.
    - `leader_start`: the start time of `leader` (`start_time`): children of the grader
      that left its session since then are the student's orphans.

    Repeats until none is left (a process may fork while being killed), at most 5 s.
    """
    if not Path("/proc").is_dir():
        _signal(leader, signal.SIGKILL, group=True)
        return
    stop = time.monotonic() + 5.0
    killed: set[int] = set()
    while time.monotonic() < stop:
        victims = _victims(leader, uid, leader_start)
        killed |= victims
        if not victims:
            break
        for pid in victims:
            # Stopped first: a stopped process cannot fork while its relatives die.
            _signal(pid, signal.SIGSTOP)
        for pid in victims:
            _signal(pid, signal.SIGKILL)
        time.sleep(0.005)
    _signal(leader, signal.SIGKILL, group=True)
    for pid in killed - {leader}:  # the leader is its Popen's to wait for
        # Killed orphans re-parented to this process (the subreaper) are reaped here.
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
