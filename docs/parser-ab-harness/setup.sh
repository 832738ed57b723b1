#!/bin/bash
# setup.sh : prepares $AB_DIR (default /tmp/parser-ab) for abn.sh: common's compile classpath, the
# capture as plain lines (whole, and the live slice: lines 100,001-140,000), the harness and its drivers,
# and a variant "base" built from HEAD. Run from inside the repository; needs zstd and the shared data.
set -e
AB_DIR=${AB_DIR:-/tmp/parser-ab}
REPO=${REPO:-$(git rev-parse --show-toplevel)}
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${DATA:-$REPO/../shared/data/pgbench-small/events.jsonl.zst}
mkdir -p $AB_DIR/drv $AB_DIR/tree
(cd $REPO && ./mvnw -B -q -pl common dependency:build-classpath -Dmdep.outputFile=$AB_DIR/deps.txt -Dmdep.includeScope=compile)
[ -f $AB_DIR/events.jsonl ] || zstd -dc $DATA > $AB_DIR/events.jsonl
sed -n 100001,140000p $AB_DIR/events.jsonl > $AB_DIR/live.jsonl
cp $HERE/*.sh $HERE/*.py $AB_DIR/
AB_DIR=$AB_DIR REPO=$REPO bash $HERE/mkvar.sh base HEAD
javac -nowarn -d $AB_DIR -cp $(cat $AB_DIR/deps.txt) $HERE/AB.java
javac -nowarn -d $AB_DIR/drv -cp $AB_DIR/v/base:$(cat $AB_DIR/deps.txt) $HERE/Driver.java
javac -nowarn -d $AB_DIR/tree -cp $(cat $AB_DIR/deps.txt) $HERE/TreeDriver.java 2>&1 | grep -v '^Note:' || true
echo "ready: $AB_DIR (variants in $AB_DIR/v)"
