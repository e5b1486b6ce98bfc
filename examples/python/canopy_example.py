#!/usr/bin/env python3
"""Canopy from Python: register a model, set an alias, write features, predict (dense, named,
by entity) and read which version served. Stubs come from ../../proto (run ./generate.sh).

    /usr/bin/python3 canopy_example.py --registry 127.0.0.1:9100 --gateway 127.0.0.1:9090 \
        --model-file model.ubj --rows rows.csv

Prints one JSON object per step on stdout, so scripts (and our tests) can check the results.
"""
import argparse
import csv
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen"))

import grpc  # noqa: E402
from canopy.features.v1 import features_pb2, features_pb2_grpc  # noqa: E402
from canopy.inference.v1 import inference_pb2, inference_pb2_grpc  # noqa: E402
from canopy.registry.v1 import registry_pb2, registry_pb2_grpc  # noqa: E402

CHUNK = 1 << 20


def emit(step, **fields):
    print(json.dumps({"step": step, **fields}), flush=True)


def read_rows(path):
    with open(path, newline="") as f:
        reader = csv.reader(f)
        names = next(reader)
        rows = [[float(cell) for cell in row] for row in reader]  # "nan" parses to NaN
    return names, rows


def upload(registry, model, path, view, names, token):
    def requests():
        binding = registry_pb2.InputBinding(feature_view=view, features=names)
        yield registry_pb2.UploadVersionRequest(
            header=registry_pb2.UploadVersionHeader(
                model=model, create_model=True, input_binding=binding))
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                yield registry_pb2.UploadVersionRequest(chunk=chunk)

    return registry.UploadVersion(requests(), metadata=token, timeout=300).version


def wait_until_served(inference, model, version, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status = inference.GetModelStatus(inference_pb2.GetModelStatusRequest(model=model), timeout=5)
        if any(v.version == version and v.state == inference_pb2.LOAD_STATE_AVAILABLE
               for v in status.versions):
            return
        time.sleep(0.05)
    raise TimeoutError(f"{model} v{version} not served within {seconds}s")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--registry", default="127.0.0.1:9100")
    p.add_argument("--gateway", default="127.0.0.1:9090", help="gateway gRPC (Inference, FeatureStore)")
    p.add_argument("--model", default="py-example")
    p.add_argument("--model-file", required=True)
    p.add_argument("--rows", required=True, help="CSV with a header of feature names")
    p.add_argument("--feature-view", default="py_example_features")
    p.add_argument("--token", default=os.environ.get("CANOPY_TOKEN"))
    args = p.parse_args()

    token = [("authorization", "Bearer " + args.token)] if args.token else None
    names, rows = read_rows(args.rows)
    registry = registry_pb2_grpc.ModelRegistryServiceStub(grpc.insecure_channel(args.registry))
    gateway = grpc.insecure_channel(args.gateway)
    inference = inference_pb2_grpc.InferenceServiceStub(gateway)
    features = features_pb2_grpc.FeatureStoreServiceStub(gateway)

    version = upload(registry, args.model, args.model_file, args.feature_view, names, token)
    emit("register", version=version.version, state=registry_pb2.VersionState.Name(version.state),
         sha256=version.sha256, num_features=version.num_features)

    model = registry.SetAlias(registry_pb2.SetAliasRequest(
        model=args.model, alias="production", version=version.version), metadata=token).model
    emit("alias", aliases=dict(model.aliases))
    wait_until_served(inference, args.model, version.version)

    dense = inference.Predict(inference_pb2.PredictRequest(
        model=args.model,
        dense=inference_pb2.DenseRows(num_features=len(names), values=[v for r in rows for v in r])),
        timeout=30)
    emit("predict_dense", version=dense.version, sha256=dense.sha256, values=list(dense.values))

    named_rows = [inference_pb2.NamedRow(features={n: v for n, v in zip(names, r) if not math.isnan(v)})
                  for r in rows]
    named = inference.Predict(inference_pb2.PredictRequest(
        model=args.model, alias="production", named=inference_pb2.NamedRows(rows=named_rows)),
        timeout=30)
    emit("predict_named", version=named.version, values=list(named.values))

    view = features_pb2.FeatureView(
        name=args.feature_view, entity="row_id",
        features=[features_pb2.Feature(name=n, type=features_pb2.VALUE_TYPE_FLOAT) for n in names])
    features.CreateFeatureView(features_pb2.CreateFeatureViewRequest(feature_view=view, replace=True),
                               timeout=30)
    keys = [f"row-{i}" for i in range(len(rows))]
    batch = features_pb2.WriteFeaturesRequest(feature_view=args.feature_view, rows=[
        features_pb2.FeatureRow(entity_key=k, values={
            n: features_pb2.FeatureValue(float_value=v) for n, v in zip(names, r) if not math.isnan(v)})
        for k, r in zip(keys, rows)])
    written = features.WriteFeatures(iter([batch]), timeout=30)
    emit("write_features", rows_written=written.rows_written)

    by_entity = inference.Predict(inference_pb2.PredictRequest(
        model=args.model, entities=inference_pb2.EntityRows(keys=keys)), timeout=30)
    emit("predict_entity", version=by_entity.version, values=list(by_entity.values),
         missing=[{"row": m.row, "features": list(m.features)} for m in by_entity.missing_features])


if __name__ == "__main__":
    main()
