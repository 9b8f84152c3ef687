# Sums `perf report --stdio --no-children --sort dso,sym -g none --percent-limit 0` by .NET assembly (a
# JIT-compiled method's name in /tmp/perf-PID.map reads "... [Assembly] Namespace.Type::Method(...)"), or by
# shared object for native code. Used by build/profile/cpu.sh.
/^ +[0-9.]+%/ {
  share = $1; sub("%", "", share)
  line = $0; key = ""
  at = index(line, "[.] ")
  if (at > 0) {
    rest = substr(line, at + 4)
    if (match(rest, /\[[A-Za-z0-9_.]+\] /)) key = substr(rest, RSTART + 1, RLENGTH - 3)
  }
  if (key == "") {
    if (line ~ /kernel/) key = "kernel"
    else if (line ~ /libcoreclr/) key = "runtime: libcoreclr.so (GC, type system, stubs)"
    else if (line ~ /libclrjit/) key = "runtime: libclrjit.so (JIT)"
    else if (line ~ /libSystem\.Native/) key = "libSystem.Native.so"
    else if (line ~ /libc\.so|ld-linux/) key = "libc, ld.so"
    else if (line ~ /perf-[0-9]+\.map/) key = "JIT code: stubs, unnamed"
    else key = $2
  }
  total[key] += share
}
END { for (k in total) printf "%6.2f%%  %s\n", total[k], k }
