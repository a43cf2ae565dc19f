#!/usr/bin/env bash
# scripts/studies.sh save / restore: a finished point's small files go into results/studies and
# come back into runs/studies in a fresh clone; weights, checkpoints and unfinished points stay out, and
# restore never overwrites what runs/ already holds.
set -euo pipefail
script=$1
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/scripts"
cp "$script" "$root/scripts/studies.sh"
cd "$root"
fail() { echo "StudiesArchiveTest: $*" >&2; exit 1; }

done_point=runs/studies/experiment-sigma/points/simclr-gaussian/0.5-seed-1-0123abcd
open_point=runs/studies/experiment-sigma/points/simclr-gaussian/1-seed-1-4567ef01
mkdir -p "$done_point" "$open_point" runs/studies/experiment-sigma/walks
echo '{"linear": 85.3}' > "$done_point/eval.json"
echo 'learn.steps = 400' > "$done_point/config.toml"
echo '{"step": 50}' > "$done_point/metrics.jsonl"
echo weights > "$done_point/encoder.pt"
echo 'learn.steps = 400' > "$open_point/config.toml"
echo checkpoint > "$open_point/checkpoint.bin"
echo '{"points": []}' > runs/studies/experiment-sigma/results.json
echo '| table |' > runs/studies/experiment-sigma/table.md
echo '{"walks": 1}' > runs/studies/experiment-sigma/walks/walks.json

out=$(bash scripts/studies.sh save)
[[ $out == *"saved 1 finished points"* ]] || fail "save said '$out', expected 1 finished point"
archive=results/studies/experiment-sigma
for file in points/simclr-gaussian/0.5-seed-1-0123abcd/{eval.json,config.toml,metrics.jsonl} results.json table.md walks/walks.json; do
  cmp -s "$archive/$file" "runs/studies/experiment-sigma/$file" || fail "save did not copy $file"
done
[[ ! -e $archive/points/simclr-gaussian/0.5-seed-1-0123abcd/encoder.pt ]] || fail "save copied a point's weights"
[[ ! -e $archive/points/simclr-gaussian/1-seed-1-4567ef01 ]] || fail "save copied an unfinished point"

# A fresh clone: runs/ is gone, except a file a new run already rewrote, which stays as it is.
mv runs saved-runs
mkdir -p runs/studies/experiment-sigma
echo '{"points": ["newer"]}' > runs/studies/experiment-sigma/results.json
out=$(bash scripts/studies.sh restore)
[[ $out == *"restored 5 files"* ]] || fail "restore said '$out', expected 5 files"
for file in points/simclr-gaussian/0.5-seed-1-0123abcd/{eval.json,config.toml,metrics.jsonl} table.md walks/walks.json; do
  cmp -s "runs/studies/experiment-sigma/$file" "saved-runs/studies/experiment-sigma/$file" || fail "restore did not bring back $file"
done
grep -q newer runs/studies/experiment-sigma/results.json || fail "restore overwrote a file runs/ already held"
out=$(bash scripts/studies.sh restore)
[[ -z $out ]] || fail "a second restore copied again: '$out'"
echo "StudiesArchiveTest: passed"
