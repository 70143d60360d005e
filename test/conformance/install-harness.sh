#!/bin/sh
# Installs protovalidate's conformance harness (a Go program) into .cache/conformance/bin (gitignored), through the
# Go module proxy. Pinned: tools/v1.2.2 is the newest tools release the proxy serves (there is no tools/v1.3.x); its
# cases are those of protovalidate 1.2.x, whose rules validate.proto 1.3.0 (what we generate against) keeps.
#
# Not `go install …@v1.2.2`: the proxy has no version list for the tools module, and `go install` asks for one (to
# print deprecation notices) and then falls back to git. A throwaway module that requires the pinned version and
# `go build`s the harness needs only that version's files.
set -eu
VERSION=v1.2.2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR="$ROOT/.cache/conformance"
BIN="$DIR/bin/protovalidate-conformance"
if [ -x "$BIN" ] && [ -f "$DIR/harness.binpb" ] && [ "$(cat "$DIR/bin/.version" 2>/dev/null)" = "$VERSION" ]; then exit 0; fi
mkdir -p "$DIR/build" "$DIR/bin"
cd "$DIR/build"
printf 'module conformance-build\n\ngo 1.24\n\nrequire github.com/bufbuild/protovalidate/tools %s\n' "$VERSION" > go.mod
printf 'package main\n\nimport _ "github.com/bufbuild/protovalidate/tools/protovalidate-conformance"\n' > tools.go
export GOPROXY="${GOPROXY_CONFORMANCE:-https://proxy.golang.org}" GOFLAGS=-mod=mod
go mod tidy
go build -o "$BIN" github.com/bufbuild/protovalidate/tools/protovalidate-conformance
# The harness protocol's .proto files (TestConformanceRequest/Response) come with the protovalidate module the harness
# depends on; the executor reads them as a compiled descriptor set, built here from the Go module cache.
MOD=$(go mod download -json "github.com/bufbuild/protovalidate@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
(cd "$MOD" && "$ROOT/node_modules/.bin/buf" build . --path proto/protovalidate-testing/buf/validate/conformance/harness \
  -o "$DIR/harness.binpb")
echo "$VERSION" > "$DIR/bin/.version"
