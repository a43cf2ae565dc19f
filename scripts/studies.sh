#!/usr/bin/env bash
# The paper's studies as docs/experiments.md runs them, one after the other. Every command is
# resumable: run the script again (or one study of it) to continue; finished points are reused,
# also across studies (σ 0.5 of `sigma` is the stream of `samples`, docs/experiments.md).
#   bash scripts/studies.sh                          # every study below, in this order
#   bash scripts/studies.sh pool mixing              # some of them
#   GENREP_STUDY_ARGS="--threads 1" bash scripts/studies.sh sigma   # more arguments to each command
#   bash scripts/studies.sh status                  # each study's points done and time left; runs nothing
#   bash scripts/studies.sh save                    # copy the finished points' results into results/studies
#   bash scripts/studies.sh restore                 # copy into runs/ what it lacks from results/studies
# Two at once on two cores: `bash scripts/studies.sh sigma-unconditional` beside
# `bash scripts/studies.sh pool mixing ...` (a study run twice at once is refused: one process per
# run folder).
# The claims run at 3 seeds with the method that carries them (issue 20: gaussian views for
# `samples` and `pool`, the paper's recipe for `mixing`); the second method of each preset runs at
# one seed in a folder of its own; `switches` at 3 seeds, as it chooses defaults; `views`,
# `viewcount` and `budget` at one seed. On the unconditional generator: `sigma` at 3 seeds; the
# method table's label-free rows, `samples` and `mixing` (their claims' methods) at one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# A finished point is its folder's config.toml and eval.json (metrics.jsonl: its curves); the
# weights are not needed to reuse it. results/studies keeps those small files in the repository,
# so that a fresh clone continues the studies instead of training every point again: every
# command here first copies what runs/ lacks from it, and `save` copies runs/ into it.
archive=results/studies
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
    [[ -e runs/$file ]] && continue
    copy_file "$archive/$file" "runs/$file"
    count=$((count + 1))
  done < <(cd "$archive" && find . -type f -print0)
  ((count == 0)) || echo "studies: restored $count files from $archive into runs/"
}
save() {
  local count=0 point study file
  while IFS= read -r -d '' result; do
    point=$(dirname "$result")
    for file in config.toml eval.json metrics.jsonl; do
      copy_file "$point/$file" "$archive/${point#runs/}/$file"
    done
    count=$((count + 1))
  done < <(find runs -path 'runs/experiment-*/points/*/*/eval.json' -print0 2>/dev/null)
  for study in runs/experiment-*/; do
    study=${study%/}
    for file in results.json table.md walks/walks.json; do
      copy_file "$study/$file" "$archive/${study#runs/}/$file"
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
    ./build/genrep experiment "$@" "${extra[@]}" --dry-run | grep ' points, '
  else
    ./build/genrep experiment "$@" "${extra[@]}"
  fi
}
# Every study, in the order a bare run takes them.
all_studies=(sigma sigma-unconditional pool mixing samples switches samples-tx mixing-gaussian pool-independent views
  viewcount budget methods-unconditional samples-unconditional mixing-unconditional)
studies=("$@")
if [[ ${#studies[@]} -eq 0 ]]; then
  studies=("${all_studies[@]}")
fi
for study in "${studies[@]}"; do
  case "$study" in
    sigma) experiment sigma ;;
    sigma-unconditional) experiment sigma --generator "$unconditional" ;;
    methods-unconditional) experiment methods --generator "$unconditional" --seeds 1 ;;
    samples-unconditional) experiment samples --generator "$unconditional" --set experiment.methods=simclr-gaussian --seeds 1 ;;
    mixing-unconditional) experiment mixing --generator "$unconditional" --set experiment.methods=mix-tx --seeds 1 ;;
    pool) experiment pool --set experiment.methods=supcon-gaussian ;;
    mixing) experiment mixing --set experiment.methods=mix-tx ;;
    samples) experiment samples --set experiment.methods=simclr-gaussian ;;
    switches) experiment switches ;;
    samples-tx) experiment samples --set experiment.methods=simclr-tx --seeds 1 --run-name experiment-samples-tx ;;
    mixing-gaussian) experiment mixing --set experiment.methods=mix-gaussian --seeds 1 --run-name experiment-mixing-gaussian ;;
    pool-independent) experiment pool --set experiment.methods=supcon-independent --seeds 1 --run-name experiment-pool-independent ;;
    views) experiment views --seeds 1 ;;
    viewcount) experiment viewcount --seeds 1 ;;
    budget) experiment budget --seeds 1 ;;
    *)
      echo "studies: unknown study '$study'; known: ${all_studies[*]}" >&2
      exit 2 ;;
  esac
done
