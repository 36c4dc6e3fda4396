#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Turns what the test runners left behind into one line per test program:

    LABEL PASSED FAILED SKIPPED NOTE

usertools/svnic-test.sh adds the lines up. Counting is per test case: CUnit's own
run summary of each program, pytest's JUnit report. A program that died before
CUnit printed its summary, or that exited non-zero although every case passed
(a sanitizer report at exit, a leak), counts one failure more.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET

CUNIT_TESTS = re.compile(r"^\s*tests\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", re.M)


def cunit(testlog, label):
    with open(testlog, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            name = rec.get("name", "?")
            out = rec.get("stdout") or ""
            rc = rec.get("returncode")
            m = CUNIT_TESTS.search(out)
            note = ""
            if m is None:
                passed, failed = 0, 1
                note = "no CUnit run summary (crashed or timed out, exit %s)" % rc
            else:
                total, ran, passed, failed, inactive = (int(x) for x in m.groups())
                if ran != total or inactive:
                    failed += (total - ran) + inactive
                    note = "%d of %d tests did not run" % (total - ran + inactive, total)
                if rc != 0 and failed == 0:
                    failed = 1
                    note = "all cases passed but the program exited with %s" % rc
            print("%s:%s %d %d 0 %s" % (label, name, passed, failed, note))


def junit(path, label):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    for s in suites:
        tests = int(s.get("tests", 0))
        failed = int(s.get("failures", 0)) + int(s.get("errors", 0))
        skipped = int(s.get("skipped", 0))
        print("%s:%s %d %d %d" % (label, s.get("name", "pytest"),
                                  tests - failed - skipped, failed, skipped))


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("cunit", "junit"):
        sys.stderr.write("usage: svnic-test-collect.py cunit|junit FILE LABEL\n")
        sys.exit(2)
    {"cunit": cunit, "junit": junit}[sys.argv[1]](sys.argv[2], sys.argv[3])
