#!/bin/bash
# abn.sh LINES ROUNDS JVMS A B : runs JVMS JVMs of AB, variant order alternating (A,B) / (B,A) between JVMs;
# prints each JVM's paired-median time ratio B/A and the median over the JVMs (the figure to report).
set -e
AB_DIR=${AB_DIR:-/tmp/parser-ab}
cd $AB_DIR  # LINES and variant directories may be given relative to it
lines=$1; rounds=$2; jvms=$3; A=$4; B=$5
rs=()
for j in $(seq 1 $jvms); do
  if [ $((j % 2)) = 1 ]; then
    out=$(java -Dab.dir=$AB_DIR -cp $AB_DIR AB $lines $rounds $AB_DIR/deps.txt $A $B)
    r=$(echo "$out" | sed -n 2p | sed 's/.*median \([0-9.]*\) \[.*/\1/')
  else
    out=$(java -Dab.dir=$AB_DIR -cp $AB_DIR AB $lines $rounds $AB_DIR/deps.txt $B $A)
    r=$(echo "$out" | sed -n 2p | sed 's/.*median \([0-9.]*\) \[.*/\1/'); r=$(python3 -c "print(round(1/$r,3))")
  fi
  al=$(echo "$out" | grep -o 'B/ev *[0-9]*' | tr -s ' ' | cut -d' ' -f2 | tr '\n' '/')
  rs+=($r); echo "jvm $j: B/A $r  (alloc B/event in this JVM's variant order: $al)"
done
python3 -c "import statistics,sys; x=sorted(map(float,sys.argv[1:])); print('median B/A over', len(x), 'JVMs:', statistics.median(x), x)" ${rs[@]}
