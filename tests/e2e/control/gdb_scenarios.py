#!/usr/bin/env python3
"""Process control with gdb 13 (`target remote`) against a debug server (see common.py for the
command line). Each scenario checks values that are right only if the remote really worked: they
are computed from the debugged process's pid at run time (tests/programs/control_*.c), line numbers
come from the sources' @line markers, and processes are checked in /proc.

Scenarios: break, backtrace, print, step, watch (software watchpoint), threads, shlib, crash,
exit_code, detach, kill, attach.
"""

import os
import re
import shutil
import time

import common
import procs
from common import basic_values, check, source_line
from procs import TestFailure

# Text that means the session went wrong even if gdb goes on.
BAD_SIGNS = [
    "Remote connection closed",
    "Remote communication error",
    "Ignoring packet error",
    "Remote replied unexpectedly",
    "Remote register badly formatted",
    "Invalid hex digit",
    "Truncated register",
    "internal-error",
    "Fatal signal",
    "Couldn't write registers",
    "Cannot insert breakpoint",
    "Cannot access memory",
    "Connection refused",
    "Connection timed out",
]


def gdb(ctx, title, server, program, commands):
    """Runs gdb in batch mode: `target remote` to the server, then `commands`."""
    tool = _require("gdb", "gdb")
    argv = [tool, "-batch", "-nx", "-iex", "set debuginfod enabled off",
            "-ex", f"target remote 127.0.0.1:{server.port}"]
    for command in commands:
        argv += ["-ex", command]
    rc, out = ctx.run_client(title, argv + [program])
    for sign in BAD_SIGNS:
        check(sign not in out, f"{title}: gdb said {sign!r}")
    return rc, out


def _require(name, package):
    path = shutil.which(name)
    if path is None:
        raise TestFailure(f"{name} is not installed (Debian package {package}; "
                          f".ci/install-deps installs it)")
    return path


def stop_at(out, function, what):
    """(arguments text, file, line) of gdb's 'Breakpoint N, FUNCTION (ARGS) at FILE:LINE'."""
    m = re.search(rf"Breakpoint \d+, {function} \((.*?)\) at (\S+):(\d+)$", out, re.M)
    check(m, f"{what}: gdb did not report stopping at the breakpoint in {function}()")
    return m.group(1), m.group(2), int(m.group(3))


def print_values(out):
    """Values of gdb's `print`/`finish` results, in order ("$N = VALUE")."""
    return re.findall(r"^(?:Value returned is )?\$\d+ = (.*)$", out, re.M)


# ---------------------------------------------------------------------------------------------

def scenario_break(ctx):
    """break level3 + continue: stopped at level3's first line, with level3's real argument."""
    server = ctx.launch("control_basic", "exit", 7)
    program = ctx.program("control_basic")
    _, out = gdb(ctx, "gdb break", server, program, ["break level3", "continue"])
    want = basic_values(server.inferior_pid, 3)
    args, path, line = stop_at(out, "level3", "break")
    check(path.endswith("control_basic.c"), f"break: stopped in {path}, not control_basic.c")
    check(line == source_line("control_basic.c", "level3_first"),
          f"break: stopped at line {line}, level3's first line is "
          f"{source_line('control_basic.c', 'level3_first')}")
    check(args == f"arg3={want['arg3']}", f"break: level3's argument is {args!r}, the process "
                                          f"(pid {server.inferior_pid}) passed arg3={want['arg3']}")


def scenario_backtrace(ctx):
    """bt at level3: level3, level2, level1, main, each with its real argument."""
    server = ctx.launch("control_basic", "exit", 7)
    _, out = gdb(ctx, "gdb backtrace", server, ctx.program("control_basic"),
                 ["break level3", "continue", "bt"])
    want = basic_values(server.inferior_pid, 3)
    frames = re.findall(r"^#(\d+)\s+(?:0x[0-9a-f]+ in )?(\w+) \(([^)]*)\)", out, re.M)
    names = [f[1] for f in frames]
    check(names[:4] == ["level3", "level2", "level1", "main"],
          f"bt: expected frames level3, level2, level1, main; got {names}")
    check([f[0] for f in frames[:4]] == ["0", "1", "2", "3"], f"bt: frame numbers {frames[:4]}")
    for (_, name, args), expected in zip(frames[:3], [f"arg3={want['arg3']}", f"arg2={want['arg2']}",
                                                     f"arg1={want['arg1']}"]):
        check(args == expected, f"bt: frame {name} shows ({args}), expected ({expected})")


def scenario_print(ctx):
    """Locals, arguments and a run-time global, in level3 and (after `up`) in level2."""
    server = ctx.launch("control_basic", "exit", 7)
    _, out = gdb(ctx, "gdb print", server, ctx.program("control_basic"), [
        "break level3", "continue", "next",
        "print local3", "print arg3", "print g_runtime_value", "up", "print local2"])
    want = basic_values(server.inferior_pid, 3)
    values = print_values(out)
    expected = [str(want["local3"]), str(want["arg3"]), str(want["g_runtime_value"]),
                str(want["local2"])]
    check(values == expected,
          f"print: local3, arg3, g_runtime_value, local2 (in level2) should be {expected} for "
          f"pid {server.inferior_pid}; gdb printed {values}")


def scenario_step(ctx):
    """next, step into level3, finish (with its return value), next."""
    server = ctx.launch("control_basic", "exit", 7)
    _, out = gdb(ctx, "gdb step", server, ctx.program("control_basic"), [
        "break level2", "continue", "next", "step", "finish", "next", "print result"])
    want = basic_values(server.inferior_pid, 3)
    lines = {m: source_line("control_basic.c", m) for m in
             ("level2_first", "level2_call", "level3_first", "level2_after_call")}
    _, _, line = stop_at(out, "level2", "step")
    check(line == lines["level2_first"], f"step: break level2 stopped at line {line}")
    # gdb prints "LINE\tsource" after each stop; their order is the path the process took.
    shown = [int(n) for n in re.findall(r"^(\d+)\t", out, re.M)]
    expected = [lines["level2_first"], lines["level2_call"], lines["level3_first"],
                lines["level2_call"], lines["level2_after_call"]]
    check(shown == expected, f"step: break, next, step, finish, next should show lines "
                             f"{expected}; gdb showed {shown}")
    check(re.search(rf"^level3 \(arg3={want['arg3']}\) at \S+control_basic\.c:{lines['level3_first']}$",
                    out, re.M), f"step: `step` did not enter level3 (arg3={want['arg3']})")
    check(re.search(rf"^0x[0-9a-f]+ in level2 \(arg2={want['arg2']}\) at \S+control_basic\.c:"
                    rf"{lines['level2_call']}$", out, re.M),
          "step: finish did not return to level2, in the middle of the line calling level3")
    values = print_values(out)
    check(values == [str(want["level3_result"])] * 2,
          f"step: finish's returned value and `print result` should both be "
          f"{want['level3_result']}; gdb printed {values}")


def scenario_watch(ctx):
    """A software watchpoint (single-stepping): g_watched goes 0 -> seed -> seed + 1."""
    server = ctx.launch("control_basic", "exit", 7)
    _, out = gdb(ctx, "gdb watch", server, ctx.program("control_basic"), [
        "set can-use-hw-watchpoints 0", "break count_up", "break after_count_up", "continue",
        "watch g_watched", "continue", "continue"])
    seed = basic_values(server.inferior_pid, 3)["g_runtime_value"]
    check(re.search(r"^Watchpoint \d+: g_watched$", out, re.M) and "Hardware watchpoint" not in out,
          "watch: gdb did not set a software watchpoint on g_watched")
    check(not re.search(r"^Breakpoint \d+, after_count_up ", out, re.M),
          "watch: the watchpoint never fired; the process ran on to after_count_up")
    changes = re.findall(r"^Old value = (-?\d+)\nNew value = (-?\d+)$", out, re.M)
    expected = [("0", str(seed)), (str(seed), str(seed + 1))]
    check(changes == expected, f"watch: expected the changes {expected} (seed from pid "
                               f"{server.inferior_pid}); gdb reported {changes}")
    stops = re.findall(r"^count_up \(seed=(\d+), n=5\) at \S+control_basic\.c:(\d+)$", out, re.M)
    check(len(stops) == 2 and all(s[0] == str(seed) for s in stops),
          f"watch: each watchpoint stop should be in count_up(seed={seed}); got {stops}")


def scenario_threads(ctx):
    """Every thread listed; the breakpoint (called only by worker2) is hit in worker2's thread."""
    server = ctx.launch("control_threads")
    pid = server.inferior_pid
    # While the process is stopped at the breakpoint, /proc shows the threads gdb should list.
    _, out = gdb(ctx, "gdb threads", server, ctx.program("control_threads"), [
        "break second_worker_here", "continue", "info threads",
        f"shell {procs.THREAD_LISTING_SHELL.format(pid=pid)}"])
    m = re.search(r"^Thread (\d+)(?: \"[^\"]*\")? hit Breakpoint \d+, second_worker_here "
                  r"\(value=(\d+)\)", out, re.M)
    check(m, "threads: gdb did not report a thread hitting the breakpoint in second_worker_here")
    check(int(m.group(2)) == pid % 10000, f"threads: value={m.group(2)}, worker2 passed {pid % 10000}")
    listed = re.findall(r"^(\*?)\s+(\d+)\s+(?:Thread (?:\d+\.)?(\d+)|LWP (\d+))", out, re.M)
    tids = sorted(int(t[2] or t[3]) for t in listed)
    names = procs.parse_thread_listing(out)
    check(tids == sorted(names), f"threads: info threads lists threads {tids}; the process has "
                                 f"{sorted(names)} ({names})")
    current = [int(t[2] or t[3]) for t in listed if t[0] == "*"]
    check(len(current) == 1 and names.get(current[0]) == "worker2",
          f"threads: the current thread is {current}, named {[names.get(t) for t in current]}; "
          f"the breakpoint is only reached by worker2")
    check([t[1] for t in listed if t[0] == "*"] == [m.group(1)],
          f"threads: the stop was reported in thread {m.group(1)}, info threads marks {current}")


def scenario_shlib(ctx):
    """A (pending) breakpoint in libcontrol_lib.so's lib_compute, then finish."""
    server = ctx.launch("control_shlib")
    pid = server.inferior_pid
    _, out = gdb(ctx, "gdb shlib", server, ctx.program("control_shlib"), [
        "set breakpoint pending on", "break lib_compute", "continue", "info symbol $pc",
        "finish"])
    args, path, line = stop_at(out, "lib_compute", "shlib")
    check(path.endswith("control_lib.c") and line == source_line("control_lib.c", "lib_compute_first"),
          f"shlib: stopped at {path}:{line}, expected control_lib.c:"
          f"{source_line('control_lib.c', 'lib_compute_first')}")
    check(args == f"input={pid % 10000}", f"shlib: lib_compute({args}), expected input={pid % 10000}")
    check(re.search(r"^lib_compute \+ \d+ in section \.text of \S*libcontrol_lib\.so$", out, re.M),
          "shlib: info symbol $pc does not place the PC in libcontrol_lib.so")
    check(print_values(out) == [str(pid % 10000 * 2 + 1)],
          f"shlib: finish should return {pid % 10000 * 2 + 1}; got {print_values(out)}")


def scenario_crash(ctx):
    """SIGSEGV reported in crash_here; bt shows crash_here, middle, outer, main."""
    server = ctx.launch("control_crash")
    pid = server.inferior_pid
    _, out = gdb(ctx, "gdb crash", server, ctx.program("control_crash"),
                 ["continue", "bt", "print g_crash_value"])
    check(re.search(r"^Program received signal SIGSEGV, Segmentation fault\.$", out, re.M),
          "crash: gdb did not report SIGSEGV")
    m = re.search(r"^0x[0-9a-f]+ in crash_here \(target=0x0, value=(\d+)\) at \S+control_crash\.c:(\d+)$",
                  out, re.M)
    check(m, "crash: the SIGSEGV stop is not reported in crash_here(target=0x0, ...)")
    check(int(m.group(1)) == pid + 2 and int(m.group(2)) == source_line("control_crash.c", "crash_store"),
          f"crash: stop in crash_here(value={m.group(1)}) at line {m.group(2)}, expected value="
          f"{pid + 2} at line {source_line('control_crash.c', 'crash_store')}")
    names = re.findall(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\w+) \(", out, re.M)
    check(names[:4] == ["crash_here", "middle", "outer", "main"],
          f"crash: bt should be crash_here, middle, outer, main; got {names}")
    check(print_values(out) == [str(pid + 2)], f"crash: g_crash_value should be {pid + 2}")


def scenario_exit_code(ctx):
    """The process runs to its end: "exited with code 07", and it is gone."""
    server = ctx.launch("control_basic", "exit", 7)
    pid = server.inferior_pid
    _, out = gdb(ctx, "gdb exit_code", server, ctx.program("control_basic"), ["continue"])
    m = re.search(r"^\[Inferior 1 \(process (\d+)\) exited with code (\d+)\]$", out, re.M)
    check(m, "exit_code: gdb did not report '[Inferior 1 (process N) exited with code NN]'")
    check(int(m.group(1)) == pid and m.group(2) == "07",
          f"exit_code: gdb reported process {m.group(1)} exited with code {m.group(2)}; "
          f"expected process {pid}, code 07")
    check(f"control_basic: level1 returned {basic_values(pid, 3)['level3_result']}" in
          "\n".join(server.output + [out]), "exit_code: the program's own output is missing")
    common.check_killed(pid, "exit_code")


def scenario_detach(ctx):
    """detach at a breakpoint: the process runs on, untraced, and finishes by itself."""
    done = os.path.join(ctx.tmp, "detach.done")
    server = ctx.launch("control_basic", "ticks", 50, done)
    pid = server.inferior_pid
    _, out = gdb(ctx, "gdb detach", server, ctx.program("control_basic"),
                  ["break tick", "continue", "print g_runtime_value", "detach"])
    args, _, _ = stop_at(out, "tick", "detach")
    check(args == "i=1", f"detach: the first stop in tick should have i=1, got ({args})")
    check(print_values(out) == [str(pid * 1000 + 4)],
          f"detach: g_runtime_value should be {pid * 1000 + 4}; got {print_values(out)}")
    check(re.search(rf"^\[Inferior 1 \(process {pid}\) detached\]$", out, re.M),
          f"detach: gdb did not report '[Inferior 1 (process {pid}) detached]'")
    common.check_runs_on_after_detach(pid, "detach", done_file=done)


def scenario_kill(ctx):
    """kill at a breakpoint: the process is gone."""
    server = ctx.launch("control_basic", "exit", 7)
    pid = server.inferior_pid
    _, out = gdb(ctx, "gdb kill", server, ctx.program("control_basic"),
                 ["break level3", "continue", "kill", "info inferiors"])
    stop_at(out, "level3", "kill")
    check(re.search(rf"^\[Inferior 1 \(process {pid}\) killed\]$", out, re.M),
          f"kill: gdb did not report '[Inferior 1 (process {pid}) killed]'")
    common.check_killed(pid, "kill")
    check("control_basic: level1 returned" not in "\n".join(server.output),
          "kill: the program ran to its end instead of being killed")


def scenario_attach(ctx):
    """The server attaches to a running program; break, check values, detach; it runs on."""
    done = os.path.join(ctx.tmp, "attach.done")
    popen = ctx.start_program("control_basic", "ticks", 40, done)
    time.sleep(0.3)  # let it start ticking
    check(popen.poll() is None, f"attach: the program exited at once ({popen.returncode})")
    server = ctx.attach(popen.pid)
    _, out = gdb(ctx, "gdb attach", server, ctx.program("control_basic"),
                 ["break tick", "continue", "print i", "print g_runtime_value", "detach"])
    args, _, _ = stop_at(out, "tick", "attach")
    m = re.fullmatch(r"i=(\d+)", args)
    check(m and 1 <= int(m.group(1)) <= 40, f"attach: tick({args}), expected 1 <= i <= 40")
    check(print_values(out) == [m.group(1), str(popen.pid * 1000 + 4)],
          f"attach: print i, g_runtime_value should be {[m.group(1), str(popen.pid * 1000 + 4)]}; "
          f"got {print_values(out)}")
    check(re.search(rf"^\[Inferior 1 \(process {popen.pid}\) detached\]$", out, re.M),
          f"attach: gdb did not report '[Inferior 1 (process {popen.pid}) detached]'")
    common.check_runs_on_after_detach(popen.pid, "attach", done_file=done, popen=popen)


SCENARIOS = {name[len("scenario_"):]: fn for name, fn in globals().items()
             if name.startswith("scenario_")}

if __name__ == "__main__":
    common.main("gdb", SCENARIOS)
