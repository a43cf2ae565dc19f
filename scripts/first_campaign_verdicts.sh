#!/usr/bin/env bash
# The declared comparisons (docs/experiments.md, "Comparisons and verdicts") computed over the
# first campaign's saved points (results/studies-libtorch-1.13: LibTorch 1.13, each study on one
# CPU), for the studies and methods it ran at more than one seed. Nothing is trained: each study
# is first checked to have every point finished, then summarised in a scratch copy of the
# archive. Writes results/studies-libtorch-1.13/verdicts.md.
#   bash scripts/first_campaign_verdicts.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
archive=results/studies-libtorch-1.13
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r "$archive"/. "$scratch"/
out=$archive/verdicts.md
studies=(
  "sigma"
  "sigma --generator models/fashion-mnist-gan"
  "samples --set experiment.methods=simclr-gaussian"
  "mixing --set experiment.methods=mix-tx"
  "pool --set experiment.methods=supcon-gaussian --seeds 2"
  "switches"
)
{
  echo "# The first campaign's declared comparisons"
  echo
  echo "Made by \`bash scripts/first_campaign_verdicts.sh\` from the points in this folder (LibTorch 1.13;"
  echo "each study's machine is in its table.md). A - B in percentage points, paired over seeds, mean"
  echo "[95 % t interval] and verdict."
} > "$out.tmp"
for study in "${studies[@]}"; do
  read -r -a args <<< "$study"
  dry=$(./build/genrep experiment "${args[@]}" --set run.root="$scratch" --dry-run | grep ' points, ')
  read -r total _ done _ <<< "$dry"
  if [[ "$total" != "$done" ]]; then
    echo "first_campaign_verdicts: '$study' has unfinished points ($dry); nothing is trained here" >&2
    exit 1
  fi
  ./build/genrep experiment "${args[@]}" --set run.root="$scratch" --threads 1 > "$scratch/log.txt"
  folder=$(grep -o "wrote [^ ]*/table.md" "$scratch/log.txt" | sed 's/^wrote //')
  { echo; echo "## genrep experiment $study"; echo; sed -n '/^comparisons declared/,$p' "$folder" | tail -n +3; } >> "$out.tmp"
done
mv "$out.tmp" "$out"
echo "wrote $out"
