#!/usr/bin/env bash
# The paper's studies as docs/experiments.md runs them, one after the other. Every command is
# resumable: run the script again (or one study of it) to continue; finished points are reused,
# also across studies (σ 0.5 of `sigma` is the stream of `samples`, docs/experiments.md).
#   bash scripts/studies.sh                          # every study below, in this order
#   bash scripts/studies.sh pool mixing              # some of them
#   GENREP_STUDY_ARGS="--jobs 2" bash scripts/studies.sh sigma   # more arguments to each command
#   bash scripts/studies.sh status                  # each study's points done and time left; runs nothing
#   bash scripts/studies.sh save                    # copy the finished points' results into results/studies
#   bash scripts/studies.sh restore                 # copy into runs/studies what it lacks from results/studies
# A study run twice at once is refused (one process per run folder).
# Every study runs at 3 seeds with all of its preset's methods (seeds 0-2 paired: the same seed
# is the same draw of views and weights in every point of a study), the headline first: the
# method table on the unconditional generator (no labels anywhere), then the conditional one.
# Points run on this checkout's LibTorch with run.threads 1 per process (GENREP_STUDY_ARGS adds
# to it: "--jobs 2" runs two at once on two cores), so a point's seconds are its CPU cost.
# The campaign lives in runs/studies (its experiment folders and their points) and is kept in
# results/studies; the points of the first campaign, on LibTorch 1.13 and several CPUs, are in
# results/studies-libtorch-1.13 and are never reused (another root).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# A finished point is its folder's config.toml and eval.json (metrics.jsonl: its curves); the
# weights are not needed to reuse it. results/studies keeps those small files in the repository,
# so that a fresh clone continues the studies instead of training every point again: every
# command here first copies what runs/ lacks from it, and `save` copies runs/ into it.
archive=results/studies
campaign=runs/studies
# Copies SRC to DST when SRC exists, through a temporary beside DST, so that a killed copy never
# leaves half an eval.json for a later run to reuse.
copy_file() {
  [[ -f $1 ]] || return 0
  mkdir -p "$(dirname "$2")"
  cp "$1" "$2.tmp" && mv "$2.tmp" "$2"
}
restore() {
  [[ -d $archive ]] || return 0
  local count=0 file
  while IFS= read -r -d '' file; do
    file=${file#./}
    [[ -e $campaign/$file ]] && continue
    copy_file "$archive/$file" "$campaign/$file"
    count=$((count + 1))
  done < <(cd "$archive" && find . -type f -print0)
  ((count == 0)) || echo "studies: restored $count files from $archive into $campaign"
}
save() {
  local count=0 point study file
  while IFS= read -r -d '' result; do
    point=$(dirname "$result")
    for file in config.toml eval.json metrics.jsonl; do
      copy_file "$point/$file" "$archive/${point#"$campaign"/}/$file"
    done
    count=$((count + 1))
  done < <(find "$campaign" -path "$campaign/experiment-*/points/*/*/eval.json" -print0 2>/dev/null)
  for study in "$campaign"/experiment-*/; do
    [[ -d $study ]] || continue
    study=${study%/}
    for file in results.json table.md walks/walks.json; do
      copy_file "$study/$file" "$archive/${study#"$campaign"/}/$file"
    done
  done
  echo "studies: saved $count finished points into $archive"
}
case "${1:-}" in
  save) save; exit 0 ;;
  restore) restore; exit 0 ;;
esac
restore
read -r -a extra <<< "${GENREP_STUDY_ARGS:-}"
unconditional=models/fashion-mnist-gan
status=false
if [[ "${1:-}" == status ]]; then
  status=true
  shift
fi
experiment() {
  if $status; then
    printf '%-22s ' "$study"
    ./build/genrep experiment "$@" --set run.root="$campaign" --threads 1 "${extra[@]}" --dry-run | grep ' points, '
  else
    ./build/genrep experiment "$@" --set run.root="$campaign" --threads 1 "${extra[@]}"
  fi
}
# Every study, in the order a bare run takes them: the headline (label-free) first.
all_studies=(methods-unconditional methods sigma sigma-unconditional samples mixing pool views viewcount budget switches)
studies=("$@")
if [[ ${#studies[@]} -eq 0 ]]; then
  studies=("${all_studies[@]}")
fi
for study in "${studies[@]}"; do
  case "$study" in
    methods-unconditional) experiment methods --generator "$unconditional" ;;
    sigma-unconditional) experiment sigma --generator "$unconditional" ;;
    methods | sigma | samples | mixing | pool | views | viewcount | budget | switches) experiment "$study" ;;
    *)
      echo "studies: unknown study '$study'; known: ${all_studies[*]}" >&2
      exit 2 ;;
  esac
done
