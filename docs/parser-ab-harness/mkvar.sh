#!/bin/bash
# mkvar.sh NAME [REF] : compiles common's main sources at git REF (default: the work tree as it is) into
# $AB_DIR/v/NAME, a variant for abn.sh. Run it from anywhere inside the repository (or worktree).
set -e
AB_DIR=${AB_DIR:-/tmp/parser-ab}
REPO=${REPO:-$(git rev-parse --show-toplevel)}
name=$1; ref=$2
out=$AB_DIR/v/$name; rm -rf $out $AB_DIR/src-$name; mkdir -p $out
if [ -n "$ref" ]; then
  mkdir -p $AB_DIR/src-$name && (cd $REPO && git archive $ref common/src/main) | tar -x -C $AB_DIR/src-$name
  src=$AB_DIR/src-$name/common/src/main
else
  src=$REPO/common/src/main
fi
javac -nowarn -encoding UTF-8 --release 17 -d $out -cp $(cat $AB_DIR/deps.txt) $(find $src/java -name '*.java') 2>&1 | grep -v '^Note:' || true
[ -d $src/resources ] && cp -r $src/resources/. $out/
echo built $out
