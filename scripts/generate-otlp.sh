#!/usr/bin/env bash
# Regenerates Sources/StemmaOTLP/Generated/*.pb.swift from Stemma's minimal OTLP definitions in
# Sources/StemmaOTLP/proto. Needs protoc (apt-get install -y protobuf-compiler) and protoc-gen-swift built from the
# swift-protobuf version Package.swift uses (1.39.0), e.g.:
#   (cd /tmp && git clone --branch 1.39.0 https://github.com/apple/swift-protobuf && cd swift-protobuf &&
#    swift build -c release --product protoc-gen-swift)
#   PROTOC_GEN_SWIFT=/tmp/swift-protobuf/.build/release/protoc-gen-swift scripts/generate-otlp.sh
# The generated files are wrapped in `#if Serve` (the package trait that builds `stemma posture serve`), so a build
# with --disable-default-traits compiles the target empty instead of failing on the missing SwiftProtobuf.
set -euo pipefail
cd "$(dirname "$0")/.."
plugin=${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || true)}
[ -x "$plugin" ] || { echo "error: set PROTOC_GEN_SWIFT to a protoc-gen-swift binary (swift-protobuf 1.39.0)" >&2; exit 2; }
proto=Sources/StemmaOTLP/proto
out=Sources/StemmaOTLP/Generated
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
protoc --plugin=protoc-gen-swift="$plugin" -I "$proto" \
  --swift_opt=Visibility=Internal --swift_opt=FileNaming=DropPath --swift_out="$scratch" \
  $(cd "$proto" && find opentelemetry google -name '*.proto' | sort)
mkdir -p "$out"
rm -f "$out"/*.pb.swift
for file in "$scratch"/*.pb.swift; do
  { echo "// swift-format-ignore-file"; echo "#if Serve"; cat "$file"; echo "#endif"; } >"$out/$(basename "$file")"
done
ls "$out"
