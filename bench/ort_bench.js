// ONNX Runtime latency: median of `runs` timed runs after `warmup` runs,
// batch 1, intra-op threads as given. Prints one JSON line.
//   node ort_bench.js MODEL.onnx THREADS [RUNS] [WARMUP]
const ort = require('onnxruntime-node');

async function main() {
  const [path, threadsArg, runsArg, warmupArg] = process.argv.slice(2);
  const threads = parseInt(threadsArg || '1');
  const runs = parseInt(runsArg || '20');
  const warmup = parseInt(warmupArg || '5');
  const session = await ort.InferenceSession.create(path, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const feeds = {};
  for (const name of session.inputNames) {
    const meta = session.inputMetadata.find(m => m.name === name);
    const dims = meta.shape.map(d => (typeof d === 'number' ? d : 1));
    const size = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let i = 0; i < size; ++i)
      data[i] = Math.sin(i) * 0.5;
    feeds[name] = new ort.Tensor('float32', data, dims);
  }
  for (let i = 0; i < warmup; ++i)
    await session.run(feeds);
  const times = [];
  for (let i = 0; i < runs; ++i) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({median_ms: times[Math.floor(runs / 2)],
                              min_ms: times[0], runs}));
}
main();
