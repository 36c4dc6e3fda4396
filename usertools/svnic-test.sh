#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Runs every svnic test suite from a fresh clone: sets up and builds what it
# needs, then ends with one line "N passed, N failed" counting every test case.
#
#   usertools/svnic-test.sh [--suite NAME]... [--fuzz-seconds N]
#
# Suites: style (pytest), clang (the whole tree builds warning-free with clang
# too), unit (CUnit, gcc), asan (the unit suite built with
# AddressSanitizer + UndefinedBehaviorSanitizer), integration (pytest: svnic-emu
# and the tools as real processes; the leak test runs the sanitizer build), fuzz (a short run of every
# libFuzzer target, built with clang), coverage (lib/sriov line coverage >= 90%).
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

all_suites=(style clang unit asan integration fuzz coverage)
suites=()
fuzz_seconds=${SVNIC_FUZZ_SECONDS:-20}
# A fixed seed makes a smoke run replay the same inputs each time (a shorter run
# is a prefix of a longer one); SVNIC_FUZZ_SEED=0 lets libFuzzer pick one.
fuzz_seed=${SVNIC_FUZZ_SEED:-1}
while [ $# -gt 0 ]; do
	case "$1" in
	--suite) suites+=("$2"); shift 2 ;;
	--fuzz-seconds) fuzz_seconds=$2; shift 2 ;;
	-h|--help) sed -n '3,/^set /p' "$0" | sed '$d'; exit 0 ;;
	*) echo "svnic-test: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ ${#suites[@]} -gt 0 ] || suites=("${all_suites[@]}")

out="$top/build-test"
results="$out/results"
mkdir -p "$out"
: > "$results"
py=/usr/bin/python3
[ -x "$py" ] || py=python3

say() { printf '\n=== %s\n' "$*"; }
# LABEL PASSED FAILED SKIPPED NOTE
record() { echo "$1 $2 $3 ${4:-0} ${5:-}" >> "$results"; }

finish() {
	local p f s
	say "summary"
	awk '{ printf "  %-44s %4d passed %4d failed%s\n", $1, $2, $3,
		($4 > 0 ? sprintf(" %d skipped", $4) : "") ;
		if (NF > 4) { $1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); print "      " $0 } }' "$results"
	p=$(awk '{ s += $2 } END { print s + 0 }' "$results")
	f=$(awk '{ s += $3 } END { print s + 0 }' "$results")
	s=$(awk '{ s += $4 } END { print s + 0 }' "$results")
	if [ "$s" -gt 0 ]; then
		echo "$p passed, $f failed, $s skipped"
	else
		echo "$p passed, $f failed"
	fi
	[ "$f" -eq 0 ]
	exit $?
}

say "set-up and build"
if ! bash usertools/svnic-setup.sh; then
	record setup 0 1 0 "usertools/svnic-setup.sh failed"
	finish
fi
read -r -a sdk_opt < "$top/.sdk/meson-args" || sdk_opt=()

# configure DIR [meson options...]: a build tree beside build/, reconfigured
# when it exists already.
configure() {
	local dir=$1
	shift
	if [ -f "$dir/build.ninja" ]; then
		meson configure "$dir" "${sdk_opt[@]}" "$@" > /dev/null
	else
		meson setup "$dir" "${sdk_opt[@]}" "$@" > "$out/$(basename "$dir").setup.log" 2>&1 ||
			{ cat "$out/$(basename "$dir").setup.log"; return 1; }
	fi
	ninja -C "$dir" > "$out/$(basename "$dir").build.log" 2>&1 ||
		{ tail -n 40 "$out/$(basename "$dir").build.log"; return 1; }
}

# unit_in DIR LABEL: the CUnit programs of a build tree, counted per case.
unit_in() {
	local dir=$1 label=$2
	rm -f "$dir/meson-logs/testlog.json"
	meson test -C "$dir" --suite unit --no-rebuild --print-errorlogs > "$out/$label.log" 2>&1
	if [ ! -f "$dir/meson-logs/testlog.json" ]; then
		tail -n 20 "$out/$label.log"
		record "$label" 0 1 0 "meson test did not run"
		return
	fi
	$py usertools/svnic-test-collect.py cunit "$dir/meson-logs/testlog.json" "$label" >> "$results"
	grep -E '^ +[0-9]+\. |FAIL|ERROR|Sanitizer' "$out/$label.log" | head -n 40
}

for suite in "${suites[@]}"; do
	case "$suite" in
	style)
		say "style: SPDX lines, forbidden calls in lib/ and drivers/"
		rm -f "$out/style.xml"
		$py -m pytest -q -p no:cacheprovider test/style --junitxml="$out/style.xml"
		if [ -f "$out/style.xml" ]; then
			$py usertools/svnic-test-collect.py junit "$out/style.xml" style >> "$results"
		else
			record style 0 1 0 "pytest did not run"
		fi
		;;
	clang)
		say "clang: the whole tree, -Wall -Wextra -Werror, with clang"
		if CC=clang configure build-clang; then
			record "build:clang" 1 0 0
		else
			record "build:clang" 0 1 0 "clang build failed: $out/build-clang.build.log"
		fi
		;;
	unit)
		say "unit: CUnit suites (gcc, build/)"
		unit_in build unit
		;;
	asan)
		say "asan: unit suites under AddressSanitizer + UndefinedBehaviorSanitizer"
		if configure build-asan -Db_sanitize=address,undefined -Db_lundef=false \
			-Dc_args=-fno-sanitize-recover=all; then
			ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 unit_in build-asan asan
		else
			record asan 0 1 0 "sanitizer build failed"
		fi
		;;
	integration)
		say "integration: processes, sockets, kernel interfaces (pytest)"
		asan_build=""
		if configure build-asan -Db_sanitize=address,undefined -Db_lundef=false \
			-Dc_args=-fno-sanitize-recover=all; then
			asan_build="$top/build-asan"
		fi
		rm -f "$out/integration.xml"
		SVNIC_BUILD="$top/build" SVNIC_ASAN_BUILD="$asan_build" \
			$py -m pytest -q -p no:cacheprovider test/integration \
			--junitxml="$out/integration.xml"
		if [ -f "$out/integration.xml" ]; then
			$py usertools/svnic-test-collect.py junit "$out/integration.xml" integration \
				>> "$results"
		else
			record integration 0 1 0 "pytest did not run"
		fi
		;;
	fuzz)
		say "fuzz: ${fuzz_seconds}s of each libFuzzer target (clang, ASan+UBSan)"
		if CC=clang configure build-fuzz -Dfuzzers=true -Dtests=false \
			-Db_sanitize=address,undefined -Db_lundef=false \
			"-Dc_args=-fsanitize=fuzzer-no-link -fno-sanitize-recover=all"; then
			for t in build-fuzz/test/fuzz/fuzz_*; do
				[ -f "$t" ] && [ -x "$t" ] || continue
				name=$(basename "$t")
				# new inputs go to a scratch corpus; the seeds in the tree stay as they are
				corpus="$out/corpus-$name"
				seeds=()
				[ -d "test/fuzz/corpus/$name" ] && seeds=("test/fuzz/corpus/$name")
				mkdir -p "$corpus" "$out/artifacts"
				if "$t" -seed="$fuzz_seed" -max_total_time="$fuzz_seconds" -timeout=10 \
					-rss_limit_mb=2048 \
					-artifact_prefix="$out/artifacts/$name-" -print_final_stats=1 \
					"$corpus" "${seeds[@]}" > "$out/$name.log" 2>&1; then
					record "fuzz:$name" 1 0 0 "$(grep -o 'stat::number_of_executed_units: [0-9]*' "$out/$name.log" | sed 's/.*: /runs=/')"
				else
					tail -n 30 "$out/$name.log"
					record "fuzz:$name" 0 1 0 "crash or leak: see $out/artifacts"
				fi
			done
		else
			record fuzz 0 1 0 "fuzz build failed (clang)"
		fi
		;;
	coverage)
		say "coverage: lib/sriov lines covered by the unit suites (>= 90%)"
		if configure build-cov -Db_coverage=true; then
			find build-cov -name '*.gcda' -delete
			meson test -C build-cov --suite unit --no-rebuild > "$out/coverage-run.log" 2>&1
			if gcovr -r "$top" --filter 'lib/sriov/' --fail-under-line 90 \
				--txt "$out/coverage.txt" build-cov > "$out/coverage.log" 2>&1; then
				record "coverage:lib/sriov" 1 0 0 "$(grep TOTAL "$out/coverage.txt" | awk '{print "lines " $NF}')"
			else
				cat "$out/coverage.txt" "$out/coverage.log" 2>/dev/null | tail -n 20
				record "coverage:lib/sriov" 0 1 0 "below 90% line coverage (or gcovr failed)"
			fi
		else
			record coverage 0 1 0 "coverage build failed"
		fi
		;;
	*)
		record "$suite" 0 1 0 "no such suite"
		;;
	esac
done
finish
