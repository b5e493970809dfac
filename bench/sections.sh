# Sourced by the bench scripts that own a section of bench/RESULTS.md.
# replace_section HEADING FILE: replace the section whose "## " line starts with HEADING (up to
# the next "## " line) by FILE's text, or append FILE when there is no such section.
replace_section() {
  local results="$ROOT/bench/RESULTS.md"
  awk -v heading="## $1" -v section="$2" '
    BEGIN {
      while ((getline line < section) > 0) body = body line "\n"
      if (body !~ /\n\n$/) body = body "\n" # a blank line before the next heading
    }
    index($0, heading) == 1 { printf "%s", body; skipping = 1; done = 1; next }
    skipping && /^## / { skipping = 0 }
    !skipping { print; last = $0 }
    END { if (!done) printf "%s%s", (last == "" ? "" : "\n"), body }
  ' "$results" >"$results.tmp"
  mv "$results.tmp" "$results"
}
