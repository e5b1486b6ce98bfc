#!/usr/bin/env node
// Canopy from Node.js: register a model, set an alias, write features, predict (dense, named,
// by entity) and read which version served. The .proto files are loaded from ../../proto.
//
//   npm ci && node canopy_example.js --registry 127.0.0.1:9100 --gateway 127.0.0.1:9090 \
//       --model-file model.ubj --rows rows.csv
//
// Prints one JSON object per step on stdout, so scripts (and our tests) can check the results.
'use strict';

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_ROOT = path.join(__dirname, '..', '..', 'proto', 'src', 'main', 'proto');
const CHUNK = 1 << 20;

function args() {
  const a = { registry: '127.0.0.1:9100', gateway: '127.0.0.1:9090', model: 'node-example',
              featureView: 'node_example_features', token: process.env.CANOPY_TOKEN };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    a[key] = argv[i + 1];
  }
  if (!a.modelFile || !a.rows) {
    console.error('usage: canopy_example.js --model-file FILE --rows CSV [--registry T] [--gateway T]');
    process.exit(2);
  }
  return a;
}

function load() {
  const definition = protoLoader.loadSync(
    ['canopy/registry/v1/registry.proto', 'canopy/inference/v1/inference.proto',
     'canopy/features/v1/features.proto'],
    { includeDirs: [PROTO_ROOT], keepCase: true, longs: Number, enums: String, defaults: true,
      oneofs: true });
  return grpc.loadPackageDefinition(definition).canopy;
}

function readRows(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const names = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(',').map((c) => (c === 'nan' ? NaN : Number(c))));
  return { names, rows };
}

const emit = (step, fields) => console.log(JSON.stringify({ step, ...fields }));
const call = (client, method, request, metadata) => new Promise((resolve, reject) => {
  const deadline = new Date(Date.now() + 30000);
  client[method](request, metadata || new grpc.Metadata(), { deadline },
    (err, res) => (err ? reject(err) : resolve(res)));
});

function upload(registry, a, names, metadata) {
  return new Promise((resolve, reject) => {
    const stream = registry.UploadVersion(metadata, { deadline: new Date(Date.now() + 300000) },
      (err, res) => (err ? reject(err) : resolve(res.version)));
    stream.write({ header: { model: a.model, create_model: true,
      input_binding: { feature_view: a.featureView, features: names } } });
    const bytes = fs.readFileSync(a.modelFile);
    for (let off = 0; off < bytes.length; off += CHUNK) {
      stream.write({ chunk: bytes.subarray(off, off + CHUNK) });
    }
    stream.end();
  });
}

async function waitUntilServed(inference, model, version) {
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const status = await call(inference, 'GetModelStatus', { model });
    if (status.versions.some((v) => v.version === version && v.state === 'LOAD_STATE_AVAILABLE')) {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${model} v${version} not served within 60 s`);
}

async function main() {
  const a = args();
  const canopy = load();
  const metadata = new grpc.Metadata();
  if (a.token) metadata.set('authorization', `Bearer ${a.token}`);
  const insecure = grpc.credentials.createInsecure();
  const registry = new canopy.registry.v1.ModelRegistryService(a.registry, insecure);
  const inference = new canopy.inference.v1.InferenceService(a.gateway, insecure);
  const features = new canopy.features.v1.FeatureStoreService(a.gateway, insecure);
  const { names, rows } = readRows(a.rows);

  const version = await upload(registry, a, names, metadata);
  emit('register', { version: version.version, state: version.state, sha256: version.sha256,
                     num_features: version.num_features });
  const aliased = await call(registry, 'SetAlias',
    { model: a.model, alias: 'production', version: version.version }, metadata);
  emit('alias', { aliases: aliased.model.aliases });
  await waitUntilServed(inference, a.model, version.version);

  const dense = await call(inference, 'Predict',
    { model: a.model, dense: { num_features: names.length, values: rows.flat() } });
  emit('predict_dense', { version: dense.version, sha256: dense.sha256, values: dense.values });

  const namedRows = rows.map((r) => ({ features: Object.fromEntries(
    names.map((n, i) => [n, r[i]]).filter(([, v]) => !Number.isNaN(v))) }));
  const named = await call(inference, 'Predict',
    { model: a.model, alias: 'production', named: { rows: namedRows } });
  emit('predict_named', { version: named.version, values: named.values });

  await call(features, 'CreateFeatureView', { replace: true, feature_view: {
    name: a.featureView, entity: 'row_id',
    features: names.map((n) => ({ name: n, type: 'VALUE_TYPE_FLOAT' })) } });
  const keys = rows.map((_, i) => `row-${i}`);
  const written = await new Promise((resolve, reject) => {
    const stream = features.WriteFeatures(new grpc.Metadata(),
      { deadline: new Date(Date.now() + 30000) }, (err, res) => (err ? reject(err) : resolve(res)));
    stream.write({ feature_view: a.featureView, rows: rows.map((r, i) => ({
      entity_key: keys[i],
      values: Object.fromEntries(names.map((n, j) => [n, { float_value: r[j] }])
        .filter(([, v]) => !Number.isNaN(v.float_value))) })) });
    stream.end();
  });
  emit('write_features', { rows_written: written.rows_written });

  const byEntity = await call(inference, 'Predict', { model: a.model, entities: { keys } });
  emit('predict_entity', { version: byEntity.version, values: byEntity.values,
                           missing: byEntity.missing_features });
  registry.close(); inference.close(); features.close();
}

main().catch((err) => { console.error(`canopy example failed: ${err.message}`); process.exit(1); });
