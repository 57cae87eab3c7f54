// Times one ONNX model in ONNX Runtime (CPU), the peer of tessel-bench:
//
//   node ort_bench.js MODEL.onnx --inputs DIR [--threads N] [--iterations N] [--warmup N]
//
// DIR holds input_<i>.npy (float32/int64/int32/bool). Prints one JSON object:
// median_ms, p10_ms, p90_ms, min_ms over the timed runs.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

function parseArgs(argv) {
  const o = {threads: 1, iterations: 20, warmup: 3};
  o.model = argv[0];
  for (let i = 1; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--inputs') o.inputs = value;
    else if (flag === '--threads') o.threads = Number(value);
    else if (flag === '--iterations') o.iterations = Number(value);
    else if (flag === '--warmup') o.warmup = Number(value);
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!o.model || !o.inputs) throw new Error('usage: ort_bench.js MODEL.onnx --inputs DIR');
  return o;
}

const NPY_TYPES = {
  '<f4': ['float32', Float32Array], '<i8': ['int64', BigInt64Array],
  '<i4': ['int32', Int32Array], '|b1': ['bool', Uint8Array],
};

/// A .npy file (version 1/2/3, C order) as an ort.Tensor.
function readNpy(file) {
  const buf = fs.readFileSync(file);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (major === 1 ? 10 : 12) + headerLen;
  const header = buf.toString('latin1', major === 1 ? 10 : 12, start);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',')
      .map((s) => s.trim()).filter((s) => s.length).map(Number);
  const [type, Ctor] = NPY_TYPES[descr] || [];
  if (!type) throw new Error(`${file}: unsupported dtype ${descr}`);
  const bytes = buf.subarray(start);
  const data = new Ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return new ort.Tensor(type, type === 'bool' ? Uint8Array.from(data) : data, shape);
}

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))];
}

(async () => {
  const o = parseArgs(process.argv.slice(2));
  const session = await ort.InferenceSession.create(o.model, {
    intraOpNumThreads: o.threads, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = {};
  session.inputNames.forEach((name, i) => {
    feeds[name] = readNpy(path.join(o.inputs, `input_${i}.npy`));
  });
  for (let i = 0; i < o.warmup; ++i) await session.run(feeds);
  const times = [];
  for (let i = 0; i < o.iterations; ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({
    median_ms: percentile(times, 0.5), p10_ms: percentile(times, 0.1),
    p90_ms: percentile(times, 0.9), min_ms: times[0], iterations: o.iterations,
    threads: o.threads,
  }));
})().catch((e) => {
  console.error(`ort_bench: ${e.message}`);
  process.exit(1);
});
