#!/usr/bin/env bash
# Generates Python stubs from ../../proto into ./gen with Debian's protoc and gRPC plugin:
#   apt-get install python3-grpcio python3-protobuf protobuf-compiler protobuf-compiler-grpc
# (Debian's protoc matches Debian's python3-protobuf runtime; a newer protoc's output would not.)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
protos="$here/../../proto/src/main/proto"
rm -rf "$here/gen" && mkdir -p "$here/gen"
cd "$protos"
protoc -I. --python_out="$here/gen" --grpc_python_out="$here/gen" \
  --plugin=protoc-gen-grpc_python="$(command -v grpc_python_plugin)" \
  canopy/registry/v1/registry.proto canopy/inference/v1/inference.proto \
  canopy/features/v1/features.proto inference/grpc_predict_v2.proto
echo "stubs in $here/gen"
