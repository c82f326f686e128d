// RUN: %numpy-python -c "import numpy as np; np.save('%t.cal.npy', np.array([[v] for v in list(range(100)) + [1000]], np.float32))"
// RUN: lcp-opt %s --lcp-quantize="mode=int8 calibration=%t.cal.npy" | FileCheck %s --check-prefix=MINMAX
// RUN: lcp-opt %s --lcp-quantize="mode=int8 percentile=99 calibration=%t.cal.npy" | FileCheck %s --check-prefix=P99

// The percentile option, worked out by hand. Calibration: 0, 1, ..., 99 and
// one outlier, 1000 (101 samples). With min and max the range is [0, 1000]:
// scale 1000/255 = 3.92156862745098.
// MINMAX: lcp.quantize %arg0 : (tensor<1x1xf32>) -> tensor<1x1x!quant.uniform<i8:f32, 3.92156862745098{{[0-9]*}}:-128>>
//
// percentile=99: 2048 bins of width 1000/2048 = 0.48828125 between the
// min and the max; each tail may hold 1% of 101 values, 1.01. From below,
// 0 (bin 0) holds 1 value and 1 (bin 2) reaches 2 > 1.01: the range starts
// at bin 2's lower edge, 0.9765625, widened to 0 to hold zero. From above,
// 1000 (bin 2047) holds 1 and 99 (bin floor(99 * 2.048) = 202) reaches 2:
// the range ends at bin 202's upper edge, 203 * 0.48828125 = 99.12109375.
// Scale 99.12109375 / 255 = 0.38871017156862747, zero point -128.
// P99: lcp.quantize %arg0 : (tensor<1x1xf32>) -> tensor<1x1x!quant.uniform<i8:f32, 0.3887101715686274{{[0-9]*}}:-128>>
func.func @main(%x: tensor<1x1xf32>) -> tensor<1x1xf32> {
  %r = lcp.relu %x : (tensor<1x1xf32>) -> tensor<1x1xf32>
  return %r : tensor<1x1xf32>
}
