# SPDX-License-Identifier: BSD-3-Clause
"""Style rules that the compiler cannot check (STYLE.md).

Each rule is a detector run over the tree, and each detector is first shown a
bad snippet it must flag, so a rule that silently stopped matching fails too.
"""
import os
import re
import subprocess

import pytest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SOURCE_EXT = (".c", ".h", ".py", ".sh")
SOURCE_NAMES = ("meson.build", "meson_options.txt", "run")


def tree_files():
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=TOP, check=True, capture_output=True, text=True).stdout.split("\n")
    files = []
    for f in out:
        if not f or not os.path.isfile(os.path.join(TOP, f)):
            continue
        if f.startswith("test/fuzz/corpus/"):
            continue
        if f.endswith(SOURCE_EXT) or os.path.basename(f) in SOURCE_NAMES:
            files.append(f)
    return files


def read(f):
    with open(os.path.join(TOP, f), encoding="utf-8", errors="replace") as fh:
        return fh.read()


def strip_c_comments_and_strings(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return re.sub(r'"(\\.|[^"\\\n])*"', '""', text)


def spdx_missing(text):
    head = text.split("\n")[:3]
    return not any("SPDX-License-Identifier:" in line for line in head)


# Calls that lib/ and drivers/ must never make: they print to the terminal or
# end the host process (STYLE.md "Errors").
FORBIDDEN = {
    "print to stdout/stderr": re.compile(
        r"\b(printf|puts|putchar|vprintf|perror)\s*\(|"
        r"\b(fprintf|vfprintf|fputs|fputc|fwrite)\s*\(\s*(stdout|stderr)\b"),
    "exit": re.compile(r"\b(exit|_exit|_Exit|quick_exit|abort)\s*\("),
    "rte_panic": re.compile(r"\brte_panic\s*\("),
    "rte_exit": re.compile(r"\brte_exit\s*\("),
}


def forbidden_hits(rule, text):
    hits = []
    for n, line in enumerate(strip_c_comments_and_strings(text).split("\n"), 1):
        if FORBIDDEN[rule].search(line):
            hits.append(n)
    return hits


def lib_and_driver_c_files():
    return [f for f in tree_files()
            if f.startswith(("lib/", "drivers/")) and f.endswith((".c", ".h"))]


def test_tree_has_sources():
    files = tree_files()
    assert any(f.startswith("lib/sriov/") for f in files)
    assert lib_and_driver_c_files()


def test_spdx_detector_flags_a_file_without_it():
    assert spdx_missing("#include <stdio.h>\nint x;\n")
    assert not spdx_missing("/* SPDX-License-Identifier: BSD-3-Clause */\n")
    assert not spdx_missing("#!/bin/sh\n# SPDX-License-Identifier: BSD-3-Clause\n")


def test_every_source_file_has_an_spdx_line():
    bad = [f for f in tree_files() if spdx_missing(read(f))]
    assert bad == [], "no SPDX-License-Identifier in the first lines of: %s" % bad


@pytest.mark.parametrize("rule,snippet", [
    ("print to stdout/stderr", 'void f(void) { printf("x"); }'),
    ("print to stdout/stderr", "void f(void) { fprintf(stderr, \"x\"); }"),
    ("exit", "void f(void) { exit(1); }"),
    ("exit", "void f(void) { abort(); }"),
    ("rte_panic", 'void f(void) { rte_panic("x"); }'),
    ("rte_exit", 'void f(void) { rte_exit(1, "x"); }'),
])
def test_forbidden_call_detector_flags(rule, snippet):
    assert forbidden_hits(rule, snippet) == [1]


def test_forbidden_call_detector_ignores_comments_and_names():
    text = '/* printf( */\n// exit(1)\nconst char *s = "abort()";\nint my_exit(int);\n' \
           'snprintf(buf, 1, "x");\n'
    for rule in FORBIDDEN:
        assert forbidden_hits(rule, text) == [], rule


@pytest.mark.parametrize("rule", sorted(FORBIDDEN))
def test_lib_and_drivers_make_no_forbidden_call(rule):
    bad = {}
    for f in lib_and_driver_c_files():
        hits = forbidden_hits(rule, read(f))
        if hits:
            bad[f] = hits
    assert bad == {}, "%s in lib/ or drivers/ (file: lines): %s" % (rule, bad)


def test_lines_fit_100_columns():
    bad = []
    for f in tree_files():
        if not f.endswith((".c", ".h")):
            continue
        for n, line in enumerate(read(f).split("\n"), 1):
            if len(line.expandtabs(8)) > 100:
                bad.append("%s:%d" % (f, n))
    assert bad == [], "lines over 100 columns: %s" % bad[:20]


def test_no_foreign_prefixes_for_our_symbols():
    """rte_* is DPDK's and vfu_* is libvfio-user's: our definitions use neither,
    except the PMD's public API rte_pmd_svnic_*."""
    definition = re.compile(r"^(?:[a-z_][\w ]*[\s*])?((?:rte|vfu)_\w+)\s*\(", re.M)
    bad = []
    for f in lib_and_driver_c_files():
        if not f.endswith(".c"):
            continue
        for name in definition.findall(strip_c_comments_and_strings(read(f))):
            if not name.startswith("rte_pmd_svnic_"):
                bad.append("%s: %s" % (f, name))
    assert bad == [], bad


# The directives and roles Sphinx adds to reStructuredText (DPDK's guides use
# them): plain docutils does not know them, and that is all it may say of them.
SPHINX_ONLY = re.compile(r'Unknown (directive type|interpreted text role) "(code-block|'
                         r'literalinclude|toctree|doc|ref)"|No directive entry for "code-block"|'
                         r'Cannot analyze code')


def rst_problems(text):
    """What docutils reports of @text at warning level or above, Sphinx's own
    directives aside: a malformed table, a broken literal, a bad title."""
    import io
    from docutils.core import publish_doctree
    from docutils.utils import SystemMessage

    out = io.StringIO()
    try:
        publish_doctree(text, settings_overrides={
            "report_level": 2, "halt_level": 5, "warning_stream": out})
    except SystemMessage as e:      # halt_level 5 keeps this for the worst
        out.write(str(e) + "\n")
    return [m for m in out.getvalue().split("\n")
            if re.search(r"\((WARNING|ERROR|SEVERE)/\d\)", m) and not SPHINX_ONLY.search(m)]


def test_rst_checker_flags_a_malformed_table():
    bad = "====  ====\na     b\n====  ====\nlonger text   here\n====  ====\n"
    assert rst_problems(bad)
    assert rst_problems("Title\n==\n\ntext ``unclosed\n")
    assert rst_problems(".. code-block:: c\n\n   int x;\n") == []


def test_every_doc_page_parses():
    pages = [f for f in subprocess.run(["git", "ls-files", "doc"], cwd=TOP, check=True,
                                       capture_output=True, text=True).stdout.split()
             if f.endswith(".rst")]
    assert pages
    bad = {f: rst_problems(read(f)) for f in pages}
    assert {f: m for f, m in bad.items() if m} == {}
