#!/bin/bash -eu
# build.sh — the three fuzz targets for ClusterFuzzLite / OSS-Fuzz.
#
# The image sets $CC, $CFLAGS (the sanitizer and coverage flags),
# $LIB_FUZZING_ENGINE (which fuzz/CMakeLists.txt links when set), $SRC,
# $WORK and $OUT.  MUCSIM_SANITIZE stays off: the sanitizers are the
# image's to choose.  expat and libidn are linked statically: the image
# that runs the fuzzers (base-runner) need not have them.  Each target
# goes to $OUT with its .dict and .options and a seed corpus,
# <target>_seed_corpus.zip: the checked-in corpus and the regression
# inputs.
#
# Without an image (a check of this script, not of the image):
#   SRC=/tmp/src OUT=/tmp/out WORK=/tmp/work CC=clang \
#   CFLAGS="-fsanitize=address,fuzzer-no-link" LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
#   bash .clusterfuzzlite/build.sh      # with the tree copied to /tmp/src/mucsim
cd "$SRC/mucsim"
targets=(scenario_fuzzer stanza_fuzzer script_fuzzer)
build=$WORK/mucsim-build

# Found after project(), where the platform's own list would override a
# -DCMAKE_FIND_LIBRARY_SUFFIXES: static archives only.
mkdir -p "$WORK"
echo 'set(CMAKE_FIND_LIBRARY_SUFFIXES .a)' >"$WORK/mucsim-static.cmake"

cmake -S . -B "$build" \
	-DCMAKE_C_COMPILER="$CC" \
	-DCMAKE_BUILD_TYPE= \
	-DCMAKE_PROJECT_INCLUDE="$WORK/mucsim-static.cmake" \
	-DMUCSIM_FUZZ=ON -DMUCSIM_SANITIZE=OFF -DMUCSIM_TESTS=OFF -DMUCSIM_WERROR=OFF
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}"

for t in "${targets[@]}"; do
	cp "$build/fuzz/$t" "$build/fuzz/$t.dict" "$build/fuzz/$t.options" "$OUT/"
	seeds=$WORK/seeds/$t
	rm -rf "$seeds" "$OUT/${t}_seed_corpus.zip"
	mkdir -p "$seeds"
	cp corpus/"$t"/* "$seeds/"
	for f in corpus/regressions/"$t"/*; do
		[ ! -f "$f" ] || cp "$f" "$seeds/regression-$(basename "$f")"
	done
	zip -q -j "$OUT/${t}_seed_corpus.zip" "$seeds"/*
done
