#!/usr/bin/env bash
# Leak check for the libpq layer: runs its tests under valgrind memcheck and fails when a
# leaked block (definitely or indirectly lost) or an invalid memory access has a stack that
# goes through libpq or through our `Postgres` module. See docs/development.md, "Leak check".
#
#   scripts/check-leaks.sh                     build the tests, run PostgresTests under valgrind
#   scripts/check-leaks.sh --no-build          use the test binary as it is
#   scripts/check-leaks.sh --filter REGEX      other tests (swift-testing --filter), e.g. ConnectionTests
#   scripts/check-leaks.sh --exec PROGRAM ARGS run any program with the same valgrind settings and verdict
#   scripts/check-leaks.sh --analyze FILE.xml  only the verdict, on an existing `valgrind --xml=yes` file
#
# Environment: CHECK_LEAKS_TIMEOUT (seconds, default 1800), CHECK_LEAKS_OUT (results folder,
# default .build/check-leaks), GUGUS_TEST_DATABASE_URL (else the tests start .gugus-test/).
# Exit status: 0 clean, 1 leaks or bad accesses in our code (or the tests failed), 2 the
# check itself could not run.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
out=${CHECK_LEAKS_OUT:-$root/.build/check-leaks}
timeout_seconds=${CHECK_LEAKS_TIMEOUT:-1800}
suppressions=$root/scripts/valgrind.supp
filter=PostgresTests
build=1
mode=tests
analyze_file=
exec_command=()

die() { echo "check-leaks: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case $1 in
        --no-build) build=0; shift ;;
        --filter) [ $# -ge 2 ] || die "--filter needs a value"; filter=$2; shift 2 ;;
        --analyze) [ $# -ge 2 ] || die "--analyze needs a file"; mode=analyze; analyze_file=$2; shift 2 ;;
        --exec) shift; [ $# -ge 1 ] || die "--exec needs a program"; mode=exec; exec_command=("$@"); break ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument: $1 (try --help)" ;;
    esac
done

command -v python3 >/dev/null || die "python3 is needed to read valgrind's report (apt-get install python3)"

# The verdict, shared by every mode. Reads valgrind's XML; prints a summary; writes details.
analyze() {  # analyze XML REPORT [UNSTRIPPED_BINARY STRIPPED_BINARY BASE_FILE]
    python3 - "$@" <<'PY'
import os, re, signal, subprocess, sys, xml.etree.ElementTree as ET
signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quietly, when piped into head

xml_path, report_path = sys.argv[1], sys.argv[2]
unstripped, stripped, base_file = (sys.argv[3:6] + [None, None, None])[:3]

try:
    root = ET.parse(xml_path).getroot()
except (ET.ParseError, OSError) as error:
    print(f"check-leaks: cannot read valgrind's report {xml_path}: {error}")
    print("  valgrind probably died before finishing; see the .log file beside it.")
    sys.exit(2)
states = [s.findtext("state") for s in root.findall("status")]
if "FINISHED" not in states:
    print(f"check-leaks: valgrind did not finish (states: {states}); see the .log beside {xml_path}")
    sys.exit(2)

# "Ours": a frame in libpq, or a Swift function of the module `Postgres`. Mangled Swift names
# start with their module: `$s8Postgres...` (functions, closures, thunks, metadata accessors
# of the module), or carry `8PostgresE` for an extension declared in it. A name that merely
# mentions a Postgres type in its signature (`$s16GugusTestSupport...8Postgres0F13Config...`)
# is not ours.
SWIFT_OURS = re.compile(r"^_?\$[sS]8Postgres|(?<![0-9])8PostgresE|^Postgres\.|^\(extension in Postgres\)")
def is_libpq(obj): return os.path.basename(obj or "").startswith("libpq.so")
def frame_is_ours(frame): return is_libpq(frame["obj"]) or bool(SWIFT_OURS.search(frame["fn"]))

def frames(stack):
    return [{"ip": f.findtext("ip") or "0", "obj": f.findtext("obj") or "",
             "fn": f.findtext("fn") or "???", "file": f.findtext("file"), "line": f.findtext("line")}
            for f in stack.findall("frame")]

errors = []
for error in root.findall("error"):
    kind = error.findtext("kind") or "?"
    what = error.findtext("xwhat/text") or error.findtext("what") or kind
    stacks = [frames(s) for s in error.findall("stack")]
    auxwhat = [a.text or "" for a in error.findall("auxwhat")] + [a.findtext("text") or "" for a in error.findall("xauxwhat")]
    errors.append({
        "kind": kind, "what": what, "stacks": stacks, "aux": auxwhat,
        # A definitely-lost record's leakedbytes include the blocks it loses indirectly,
        # which have records of their own: count its direct bytes only.
        "bytes": int((re.search(r"\(([\d,]+) direct", what) or [None, error.findtext("xwhat/leakedbytes") or "0"])[1].replace(",", "")),
        "blocks": int(error.findtext("xwhat/leakedblocks") or 0),
        "ours": any(frame_is_ours(f) for s in stacks for f in s),
        "libpq": any(is_libpq(f["obj"]) for s in stacks for f in s),
        "suppression": error.findtext("suppression/rawtext") or "",
    })

# Swift's runtime keeps metadata and witness tables in caches it reaches through interior
# pointers, which memcheck calls "possibly lost" whoever asked for the type first.
RUNTIME_CACHE = re.compile(r"Metadata|WitnessTable|ConcurrentReadableHashMap")
def in_runtime_cache(e):
    return any(os.path.basename(f["obj"]).startswith("libswiftCore") and RUNTIME_CACHE.search(f["fn"])
               for s in e["stacks"] for f in s)

LOST = {"Leak_DefinitelyLost", "Leak_IndirectlyLost"}
order = lambda e: (e["kind"] != "Leak_DefinitelyLost", -e["bytes"])
lost_ours = sorted((e for e in errors if e["kind"] in LOST and e["ours"]), key=order)
bad_ours = [e for e in errors if not e["kind"].startswith("Leak_") and e["ours"]]
lost_other = sorted((e for e in errors if e["kind"] in LOST and not e["ours"]), key=order)
bad_other = [e for e in errors if not e["kind"].startswith("Leak_") and not e["ours"]]
possible_ours = [e for e in errors if e["kind"] == "Leak_PossiblyLost" and e["ours"] and not in_runtime_cache(e)]
possible_runtime = [e for e in errors if e["kind"] == "Leak_PossiblyLost" and in_runtime_cache(e)]
reachable_libpq = [e for e in errors if e["kind"] == "Leak_StillReachable" and e["libpq"]]

# Names and lines for the frames we print: demangle Swift names with `swift demangle`, and
# find file:line of our frames with llvm-symbolizer on the unstripped test binary.
shown = lost_ours + bad_ours + possible_ours + reachable_libpq + lost_other + bad_other
names = sorted({f["fn"] for e in shown for s in e["stacks"] for f in s if f["fn"].lstrip("_").startswith(("$s", "$S"))})
demangled = {}
if names:
    try:
        result = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(names) + "\n",
                                capture_output=True, text=True, timeout=120)
        lines = result.stdout.split("\n")
        if result.returncode == 0 and len(lines) >= len(names):
            demangled = dict(zip(names, lines))
    except (OSError, subprocess.TimeoutExpired):
        pass

locations = {}
base = None
if unstripped and base_file and os.path.exists(base_file):
    try:
        base = int(open(base_file).read().split()[0], 16)
    except (ValueError, IndexError):
        base = None
if base is not None:
    wanted = []
    for e in lost_ours + bad_ours + possible_ours:
        for s in e["stacks"]:
            for index, f in enumerate(s):
                if f["obj"] and os.path.realpath(f["obj"]) == os.path.realpath(stripped) \
                        and SWIFT_OURS.search(f["fn"]) and not f["file"]:
                    # Return addresses point after the call: look up the byte before them.
                    wanted.append((f["ip"], int(f["ip"], 16) - base - (1 if index else 0)))
    symbolizer = os.environ.get("CHECK_LEAKS_SYMBOLIZER")
    if wanted and symbolizer:
        query = "\n".join(f"0x{offset:x}" for _, offset in wanted) + "\n"
        try:
            result = subprocess.run([symbolizer, f"--obj={unstripped}", "--output-style=GNU", "--functions=none",
                                     "--no-inlines"], input=query,
                                    capture_output=True, text=True, timeout=120)
            for (ip, _), line in zip(wanted, result.stdout.splitlines()):
                if line and not line.startswith("??"):
                    line = re.sub(r":0$", "", line)  # line 0: code the compiler made for that function
                    locations[ip] = os.path.relpath(line, os.getcwd()) if line.startswith(os.getcwd() + "/") else line
        except (OSError, subprocess.TimeoutExpired):
            pass

def describe(frame):
    name = demangled.get(frame["fn"], frame["fn"])
    if len(name) > 160: name = name[:157] + "..."
    where = locations.get(frame["ip"])
    if not where and frame["file"]:
        where = f"{frame['file']}:{frame['line']}"
    if not where:
        where = os.path.basename(frame["obj"]) or "?"
    return f"{'*' if frame_is_ours(frame) else ' '} {name}  [{where}]"

def render(e, limit=24):
    lines = [f"{e['kind']}: {e['what']}"]
    for number, stack in enumerate(e["stacks"]):
        if number:
            lines.append(f"   {e['aux'][number - 1] if number - 1 < len(e['aux']) else 'and'}:")
        for frame in stack[:limit]:
            lines.append("     " + describe(frame))
        if len(stack) > limit:
            lines.append(f"       ... {len(stack) - limit} more frames")
    return "\n".join(lines)

def total(items): return sum(e["blocks"] for e in items), sum(e["bytes"] for e in items)
suppressed = [(int(p.findtext("count") or 0), p.findtext("name") or "?") for p in root.findall("suppcounts/pair")]

report = []
def section(title, items, limit=24):
    if not items: return
    report.append(f"\n=== {title} ({len(items)}) ===")
    for e in items: report.append(render(e, limit) + "\n")
section("LEAKS IN OUR CODE (definitely/indirectly lost, stack through libpq or Postgres)", lost_ours)
section("INVALID ACCESSES IN OUR CODE", bad_ours)
section("possibly lost, through our code (not a failure: check by hand)", possible_ours)
section("libpq memory still allocated at exit (not a failure: connections or results still referenced)", reachable_libpq, 12)
section("lost elsewhere (not ours, ignored)", lost_other, 12)
section("errors elsewhere (not ours, ignored)", bad_other, 12)
report.append("\n=== suppressions used (scripts/valgrind.supp and valgrind's defaults) ===")
report += [f"  {count:6d}  {name}" for count, name in suppressed if count] or ["  none"]
report.append("\n* marks a frame in our code (libpq or the Postgres module). Stacks are innermost first.")
report.append("The <suppression> text of any report is in the XML, should one prove not ours.")
with open(report_path, "w") as handle:
    handle.write("\n".join(report).lstrip() + "\n")

blocks, size = total(lost_ours)
other_blocks, other_size = total(lost_other)
reach_blocks, reach_size = total(reachable_libpq)
print(f"blocks lost in our code: {blocks} ({size} bytes, {len(lost_ours)} loss records)")
print(f"invalid accesses in our code: {len(bad_ours)}")
print(f"ignored, not ours: {other_blocks} blocks lost ({other_size} bytes), {len(bad_other)} other errors, "
      f"{len(possible_runtime)} possibly-lost Swift runtime caches; suppressed: {sum(c for c, _ in suppressed)}")
if possible_ours: print(f"note: {len(possible_ours)} possibly-lost records through our code (see the report)")
if reachable_libpq: print(f"note: {reach_blocks} libpq blocks ({reach_size} bytes) still allocated at exit (see the report)")
failing = lost_ours + bad_ours
for e in failing[:5]:
    print()
    print(render(e, 16))
if len(failing) > 5:
    print(f"\n... and {len(failing) - 5} more")
print(f"\ndetails: {report_path}")
sys.exit(1 if failing else 0)
PY
}

if [ "$mode" = analyze ]; then
    [ -f "$analyze_file" ] || die "no such file: $analyze_file"
    mkdir -p "$out"
    analyze "$analyze_file" "$out/report.txt"
    exit $?
fi

command -v valgrind >/dev/null || die "valgrind is not installed (apt-get install valgrind)"
[ -f "$suppressions" ] || die "missing $suppressions"
mkdir -p "$out"
rm -f "$out"/valgrind.xml "$out"/valgrind.log "$out"/tests.log "$out"/report.txt "$out"/load-base

# valgrind 3.19 (Debian 12) dies of SIGSEGV when a program sleeps in sigsuspend() with a mask
# in read-only memory, which libdispatch does on the main thread of every Swift async main
# (dispatchMain: `static const sigset_t mask`). A preloaded sigsuspend hands the kernel a
# writable copy; the behaviour is the same. The same library records where the test binary
# is loaded, so addresses can be turned into file:line afterwards.
preload=$out/valgrind-preload.so
if [ ! -f "$preload" ] || [ "$0" -nt "$preload" ]; then
    compiler=$(command -v cc || command -v clang || true)
    [ -n "$compiler" ] || die "a C compiler (cc or clang) is needed for the valgrind preload"
    cat >"$out/valgrind-preload.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, (size_t)(_NSIG / 8));
}

static int record_main_program(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    if (info->dlpi_name != NULL && info->dlpi_name[0] != '\0') return 0;
    char line[32];
    int length = snprintf(line, sizeof line, "%#lx\n", (unsigned long)info->dlpi_addr);
    if (write(*(int *)data, line, (size_t)length) < 0) return 1;
    return 1;
}

__attribute__((constructor)) static void record_load_base(void) {
    const char *path = getenv("CHECK_LEAKS_BASE_FILE");
    const char *wanted = getenv("CHECK_LEAKS_EXE");
    if (path == NULL || wanted == NULL) return;
    /* Only the test binary: not valgrind's launcher, nor initdb/pg_ctl/postgres that the
       tests spawn and that inherit LD_PRELOAD. (valgrind answers /proc/self/exe for its client.) */
    char exe[4096];
    ssize_t length = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (length <= 0) return;
    exe[length] = '\0';
    if (strcmp(exe, wanted) != 0) return;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) return;
    dl_iterate_phdr(record_main_program, &fd);
    close(fd);
}
C
    "$compiler" -shared -fPIC -O2 -o "$preload" "$out/valgrind-preload.c" || die "cannot build $preload"
fi

valgrind_options=(
    --tool=memcheck
    --leak-check=full
    --show-leak-kinds=all               # all in the XML; the verdict picks what counts
    --errors-for-leak-kinds=definite,indirect
    --num-callers=40
    --error-limit=no
    --suppressions="$suppressions"
    --gen-suppressions=all              # each report carries its would-be suppression
    --child-silent-after-fork=yes       # spawned initdb/pg_ctl/postgres are not traced
    --fair-sched=try
    --xml=yes --xml-file="$out/valgrind.xml"
    --log-file="$out/valgrind.log"
)

run_under_valgrind() {  # COMMAND... ; output to $out/tests.log; sets $status and $seconds
    local started=$SECONDS
    set +e
    timeout --signal=TERM --kill-after=60 "$timeout_seconds" \
        env LD_PRELOAD="$preload${LD_PRELOAD:+:$LD_PRELOAD}" CHECK_LEAKS_BASE_FILE="$out/load-base" \
            CHECK_LEAKS_EXE="$(readlink -f "$1")" \
        valgrind "${valgrind_options[@]}" "$@" >"$out/tests.log" 2>&1
    status=$?
    set -e
    seconds=$((SECONDS - started))
    # valgrind 3.19 cannot read some of the DWARF 5 in the toolchain's libraries and says
    # "### unhandled dwarf2 abbrev form code": harmless, and not worth showing.
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        echo "check-leaks: timed out after ${timeout_seconds}s (CHECK_LEAKS_TIMEOUT); last output:" >&2
        { grep -v '^### ' "$out/tests.log" || true; } | tail -20 >&2
        exit 2
    fi
}

if [ "$mode" = exec ]; then
    echo "check-leaks: running ${exec_command[*]} under valgrind..."
    run_under_valgrind "${exec_command[@]}"
    echo "check-leaks: program exited with status $status after ${seconds}s (output: $out/tests.log)"
    set +e
    analyze "$out/valgrind.xml" "$out/report.txt"
    exit $?
fi

# Build the tests (debug), unless told not to. SwiftPM waits by itself if .build is busy.
if [ "$build" = 1 ]; then
    echo "check-leaks: swift build --build-tests"
    swift build --build-tests || die "the build failed"
fi
bin_dir=$(swift build --show-bin-path)
shopt -s nullglob
candidates=("$bin_dir"/*PackageTests.xctest)
shopt -u nullglob
[ ${#candidates[@]} -eq 1 ] || die "expected one *PackageTests.xctest in $bin_dir, found ${#candidates[@]}; build with --build-tests"
tests_binary=${candidates[0]}

# valgrind 3.19 cannot read the DWARF 5 debug info that Swift 6.3's clang writes (it aborts
# with "debuginfo reader: ensure_valid failed"). Run a copy without debug sections: function
# names still come from the symbol table, and lines are looked up later in the original.
stripped=$out/$(basename "$tests_binary")
objcopy_tool=$(command -v objcopy || command -v llvm-objcopy || true)
[ -n "$objcopy_tool" ] || objcopy_tool=$(dirname "$(readlink -f "$(command -v swift)")")/llvm-objcopy
"$objcopy_tool" --strip-debug "$tests_binary" "$stripped" || die "cannot strip $tests_binary"

echo "check-leaks: running the tests matching '$filter' under valgrind (CPU-bound code runs 20-50x slower)..."
run_under_valgrind "$stripped" --testing-library swift-testing --filter "$filter" --no-parallel
tests_status=$status
grep 'Test run with' "$out/tests.log" | tail -1 || true
echo "check-leaks: tests exited with status $tests_status after ${seconds}s (output: $out/tests.log)"
if ! grep -q 'Test run with [1-9]' "$out/tests.log"; then
    echo "check-leaks: no test ran for filter '$filter'" >&2
    exit 2
fi

symbolizer=$(command -v llvm-symbolizer || true)
[ -n "$symbolizer" ] || symbolizer=$(dirname "$(readlink -f "$(command -v swift)")")/llvm-symbolizer
[ -x "$symbolizer" ] && export CHECK_LEAKS_SYMBOLIZER=$symbolizer
set +e
analyze "$out/valgrind.xml" "$out/report.txt" "$tests_binary" "$stripped" "$out/load-base"
verdict=$?
set -e
if [ "$verdict" -eq 0 ] && [ "$tests_status" -ne 0 ]; then
    echo "check-leaks: FAIL: the tests themselves failed under valgrind (see $out/tests.log);" \
         "the leak check only covers what ran." >&2
    exit 1
fi
case $verdict in
    0) echo "check-leaks: PASS" ;;
    1) echo "check-leaks: FAIL: leaks or invalid accesses in our code (stacks above, all in $out/report.txt)" >&2 ;;
esac
exit "$verdict"
