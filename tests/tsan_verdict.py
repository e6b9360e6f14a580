#!/usr/bin/env python3
"""Runs one test under ThreadSanitizer and fails on every data race whose racing access is ours.

Debian's Qt and GLib are not built with -fsanitize=thread, so TSan cannot see their locks (Qt 6
locks with futexes): Qt handing its own objects between threads (posted events, thread-pool
tasks, wait conditions, the event dispatcher's eventfd) shows up as races whose two accesses
are both made by Qt or GLib code. Those are counted and listed by kind, not failed. A race is
ours when either access is made by code compiled here (the first frame below TSan's interceptor
is in our binary, LibTorch or libstdc++), and any report other than a data race always fails.
One more kind is Qt's: an atomic operation in code compiled here (Qt's inline reference counting
of a QString shared across threads) against an access inside Qt, whose own atomics TSan cannot
see (the last owner's free inside Qt reads to TSan as a plain write). An atomic operation has no
data race with another atomic operation, and the other side's atomicity is what TSan cannot see.

usage: tsan_verdict.py LOG_DIR -- TEST_EXECUTABLE [ARGS...]
"""
import os
import re
import subprocess
import sys
from pathlib import Path

UNINSTRUMENTED = re.compile(r"\((?:libQt6\w*|libglib-2\.0|libgobject-2\.0)\.so[.\d]*\+0x")
SANITIZER = re.compile(r"\(libtsan\.so[.\d]*\+0x|/src/libsanitizer/")
ACCESS_HEADER = re.compile(r"^  (Previous )?(atomic )?(read|write|Read|Write|Atomic read|Atomic write)\b")
FRAME = re.compile(r"^\s+#\d+ (.*)$")


def access_stacks(report, atomic=None):
    """The frames of each access in one report (the two racing accesses); `atomic`, a list, gets
    whether each access was an atomic operation."""
    stacks, current = [], None
    for line in report.splitlines():
        header = ACCESS_HEADER.match(line)
        if header:
            current = []
            stacks.append(current)
            if atomic is not None:
                atomic.append(bool(header.group(2)) or "Atomic" in header.group(3))
        elif current is not None and FRAME.match(line):
            current.append(FRAME.match(line).group(1))
        elif current is not None and not line.strip():
            current = None
    return stacks


def access_is_uninstrumented(frames):
    for frame in frames:
        if SANITIZER.search(frame):
            continue
        return bool(UNINSTRUMENTED.search(frame))
    return False


def kind_of(frames):
    """A short name for where Qt made the access: its first named frame below the interceptor."""
    for frame in frames:
        if SANITIZER.search(frame):
            continue
        name = re.split(r" <null>| /\S| \(\S+\+0x", frame)[0]
        return name if name != "<null>" else UNINSTRUMENTED.search(frame).group(0)[1:-3]
    return "?"


def split_reports(text):
    return [block for block in text.split("==================") if "WARNING: ThreadSanitizer" in block]


def main():
    if "--" not in sys.argv or sys.argv.index("--") != 2:
        sys.exit(__doc__)
    log_dir = Path(sys.argv[1])
    command = sys.argv[3:]
    log_dir.mkdir(parents=True, exist_ok=True)
    test_name = Path(command[0]).name
    for old in log_dir.glob(f"{test_name}.*"):
        old.unlink()
    env = dict(os.environ)
    env["TSAN_OPTIONS"] = " ".join(
        filter(None, [env.get("TSAN_OPTIONS", ""), f"log_path={log_dir / test_name}", "exitcode=0"]))
    test_status = subprocess.call(command, env=env)

    ours, qt_kinds = [], {}
    for log in sorted(log_dir.glob(f"{test_name}.*")):
        for report in split_reports(log.read_text(errors="replace")):
            atomic = []
            stacks = access_stacks(report, atomic)
            is_race = "WARNING: ThreadSanitizer: data race" in report
            inside_qt = [access_is_uninstrumented(s) for s in stacks]
            qt_reference_count = (len(stacks) == 2 and any(inside_qt) and
                                  all(inside or is_atomic for inside, is_atomic in zip(inside_qt, atomic)))
            if is_race and stacks and (all(inside_qt) or qt_reference_count):
                kind = " / ".join(kind_of(s) for s in stacks)
                qt_kinds[kind] = qt_kinds.get(kind, 0) + 1
            else:
                ours.append(report)

    qt_total = sum(qt_kinds.values())
    print(f"ThreadSanitizer verdict for {test_name}: {len(ours)} report(s) in our code, "
          f"{qt_total} race(s) between two accesses made inside Qt/GLib (logs: {log_dir})")
    for kind, count in sorted(qt_kinds.items(), key=lambda item: -item[1]):
        print(f"  inside Qt/GLib x{count}: {kind}")
    for report in ours:
        print("==================" + report)
    if test_status != 0:
        return test_status
    return 1 if ours else 0


if __name__ == "__main__":
    sys.exit(main())
