#!/bin/bash
# Usage: Ops/bench-ingest-compare.sh REPS BIN... ; runs `BIN bench ingest` for each binary in turn (rotating the order every
# repetition), prints one line per run and the median ingest seconds per binary.
reps=$1; shift
bins=("$@")
out=/tmp/ingest-bench.$$.tsv
: > $out
for ((r = 0; r < reps; r++)); do
  n=${#bins[@]}
  for ((k = 0; k < n; k++)); do
    b=${bins[$(( (k + r) % n ))]}
    name=$(basename $b)
    mkdir -p /tmp/ib-$name
    line=$($b bench ingest --scratch /tmp/ib-$name | grep '^ingest:')
    s=$(echo "$line" | sed -E 's/.* in ([0-9.]+) s .*/\1/')
    peak=$(echo "$line" | sed -E 's/.*peak ([0-9,]+) MiB.*/\1/')
    echo -e "$name\t$s\t$peak\t$(cut -d' ' -f1 /proc/loadavg)" | tee -a $out
  done
done
for b in "${bins[@]}"; do
  name=$(basename $b)
  grep -P "^$name\t" $out | cut -f2 | sort -n | awk -v n=$name '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2; printf "%s: runs %d, best %.3f, median %.3f\n", n, NR, a[1], m}'
done
