// RUN: %numpy-python -c "import numpy as np; np.save('%t.cal.npy', np.array([[-1.0, 0.5], [0.5, 2.0]], np.float32)); np.save('%t.x.npy', np.array([[0.5, 2.0]], np.float32))"
// RUN: lcp-opt %s --lcp-quantize="mode=int8 calibration=%t.cal.npy" -o %t.q.mlir 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: FileCheck %s < %t.q.mlir
// RUN: lcp-opt %t.q.mlir --lcp-outline-branches | FileCheck %s --check-prefix=OUTLINED
// RUN: %numpy-python -c "import numpy as np; z = np.array([1.5, 86 * 1.5 / 255, 1.0]); e = np.exp(z - z.max()); np.save('%t.softmax.npy', (e / e.sum())[None].astype(np.float32)); np.save('%t.relu.npy', (np.float32(1 / 255) * np.array([[65, 0, 255]], np.float32)))"
// RUN: lcp-run %t.q.mlir --input %t.x.npy --expect %t.softmax.npy --expect %t.relu.npy | FileCheck %s --check-prefix=OUT

// int8 quantization of a two-branch network, worked out by hand from two
// calibration samples, x = [-1, 0.5] and [0.5, 2]:
//   input        [-1, 2]      scale 3/255,   zero point round(-128 + 85) = -43
//   branch a     dense [[1, 0], [0, -1]] + [0, 0.25]: [-1, -0.25], [0.5, -1.75]
//   branch b     dense [[2, 0]]: [-2], [1]
//   concat of the relus: [0, 0, 0], [0.5, 0, 1]: range [0, 1], the one type
//                of both branch outputs (only the concat is read outside the
//                relu/concat class): scale 1/255, zero point -128
//   classifier   [[1, 1, 1], [1, 0, 0], [0, 0, 1]]: [0, 0, 0], [1.5, 0.5, 1]:
//                scale 1.5/255, zero point -128
//   mul (no integer semantics) runs in f32: c * c = [0.25, 0, 1], and the
//                relu after it quantizes it to scale 1/255, zero point -128.
// Weight scales are max|w| / 127 per output channel; bias 0.25 of branch a
// becomes round(0.25 / (3/255 * 1/127)) = round(2698.75) = 2699.
//
// REMARK: remark: lcp-quantize: int8 from 2 calibration samples: 3 layers in integers; in f32: lcp.softmax x1, lcp.mul x1

// CHECK-LABEL: func.func @main
// CHECK:       %[[X:.*]] = lcp.quantize %arg0 : (tensor<1x2xf32>) -> tensor<1x2x!quant.uniform<i8:f32, 0.01176470588{{[0-9]*}}:-43>>
// CHECK:       %[[WA:.*]] = lcp.constant dense_resource<a.weight.q> : tensor<2x2x!quant.uniform<i8:f32:0, {0.0078740157480{{[0-9]*}},0.0078740157480{{[0-9]*}}}>>
// CHECK:       %[[BA:.*]] = lcp.constant dense_resource<a.bias.q> : tensor<2x!quant.uniform<i32:f32:0, {9.263547938{{[0-9]*}}E-5,9.263547938{{[0-9]*}}E-5}>>
// CHECK:       %[[A:.*]] = lcp.dense %[[X]], %[[WA]], %[[BA]] {{.*}} -> tensor<1x2x!quant.uniform<i8:f32, 0.0039215686274{{[0-9]*}}:-128>>
// CHECK:       %[[RA:.*]] = lcp.relu %[[A]] : (tensor<1x2x!quant.uniform<i8:f32, 0.0039215686274{{[0-9]*}}:-128>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.0039215686274{{[0-9]*}}:-128>>
// CHECK:       lcp.constant dense_resource<b.weight.q> : tensor<1x2x!quant.uniform<i8:f32:0, {0.015748031496{{[0-9]*}}}>>
// CHECK:       %[[B:.*]] = lcp.dense %[[X]], {{.*}} -> tensor<1x1x!quant.uniform<i8:f32, 0.0039215686274{{[0-9]*}}:-128>>
// CHECK:       %[[RB:.*]] = lcp.relu %[[B]]
// CHECK:       %[[C:.*]] = lcp.concat %[[RA]], %[[RB]] {axis = 1 : i64} : (tensor<1x2x!quant.uniform<i8:f32, 0.0039215686274{{[0-9]*}}:-128>>, tensor<1x1x!quant.uniform<i8:f32, 0.0039215686274{{[0-9]*}}:-128>>) -> tensor<1x3x!quant.uniform<i8:f32, 0.0039215686274{{[0-9]*}}:-128>>
// CHECK-NEXT:  %[[CF:.*]] = lcp.dequantize %[[C]] {{.*}} -> tensor<1x3xf32>
// CHECK:       %[[D:.*]] = lcp.dense %[[C]], {{.*}} -> tensor<1x3x!quant.uniform<i8:f32, 0.0058823529411{{[0-9]*}}:-128>>
// CHECK-NEXT:  %[[DF:.*]] = lcp.dequantize %[[D]]
// CHECK:       %[[S:.*]] = lcp.softmax %[[DF]] {{.*}} : (tensor<1x3xf32>) -> tensor<1x3xf32>
// CHECK:       %[[M:.*]] = lcp.mul %[[CF]], %[[CF]] : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<1x3xf32>
// CHECK-NEXT:  %[[MQ:.*]] = lcp.quantize %[[M]] : (tensor<1x3xf32>) -> tensor<1x3x!quant.uniform<i8:f32, 0.0039215686274{{[0-9]*}}:-128>>
// CHECK:       %[[R:.*]] = lcp.relu %[[MQ]]
// CHECK-NEXT:  %[[RF:.*]] = lcp.dequantize %[[R]]
// CHECK:       return %[[S]], %[[RF]] : tensor<1x3xf32>, tensor<1x3xf32>
//
// Storage integers after the 4-byte alignment header: a.weight 127, 0, 0,
// -127; a.bias 0, 2699 (0xA8B).
// CHECK:       a.weight.q: "0x040000007F000081"
// CHECK:       a.bias.q: "0x04000000000000008B0A0000"

// Outlined, each branch quantizes the f32 input itself (so that its device
// receives what a float model's would), and the branch outputs reach the
// merge at the concat's one scale.
// OUTLINED:      lcp.branch "b0"(%arg0) : (tensor<1x2xf32>) -> tensor<1x2x!quant.uniform<i8:f32, 0.0039215686274{{[0-9]*}}:-128>>
// OUTLINED-NEXT: ^bb0(%[[IN:.*]]: tensor<1x2xf32>):
// OUTLINED:      lcp.quantize %[[IN]] : (tensor<1x2xf32>) -> tensor<1x2x!quant.uniform<i8:f32, 0.01176470588{{[0-9]*}}:-43>>
// OUTLINED:      lcp.branch "b1"(%arg0) : (tensor<1x2xf32>) -> tensor<1x1x!quant.uniform<i8:f32, 0.0039215686274{{[0-9]*}}:-128>>
// OUTLINED:      lcp.quantize
// OUTLINED:      lcp.merge "merge"(%{{.*}}, %{{.*}}) : (tensor<1x2x!quant.uniform<i8:f32, 0.0039215686274{{[0-9]*}}:-128>>, tensor<1x1x!quant.uniform<i8:f32, 0.0039215686274{{[0-9]*}}:-128>>) -> (tensor<1x3xf32>, tensor<1x3xf32>)
// OUTLINED-NOT:  lcp.quantize %arg0

// Run on x = [0.5, 2]: q(x) = [0, 127] (x - zp = [43, 170]). Branch a:
// 127 * 43 = 5461, times 3/127 = 129 -> 1; 2699 - 127 * 170 = -18891 ->
// clamped to -128. Branch b: 5461 * 6/127 = 258 -> clamped to 127. The
// concat is [129, 0, 255] above its zero point, so the classifier's
// accumulators [48768, 16383, 32385] times 1/190.5 are [256, 86, 170]:
// 127 (clamped), -42, 42, i.e. [1.5, 86 * 1.5/255, 1.0] before the
// softmax. The mul squares the dequantized concat: 129/255 squared times
// 255 rounds to 65, so the relu output is [65, 0, 255] / 255.
// OUT: output 0 matches
// OUT: output 1 matches

func.func @main(%x: tensor<1x2xf32>) -> (tensor<1x3xf32>, tensor<1x3xf32>) {
  %wa = lcp.constant dense_resource<a.weight> : tensor<2x2xf32>
  %ba = lcp.constant dense<[0.0, 0.25]> : tensor<2xf32>
  %a = lcp.dense %x, %wa, %ba : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %ra = lcp.relu %a : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %wb = lcp.constant dense_resource<b.weight> : tensor<1x2xf32>
  %bb = lcp.constant dense<[0.0]> : tensor<1xf32>
  %b = lcp.dense %x, %wb, %bb : (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1xf32>) -> tensor<1x1xf32>
  %rb = lcp.relu %b : (tensor<1x1xf32>) -> tensor<1x1xf32>
  %c = lcp.concat %ra, %rb {axis = 1 : i64} : (tensor<1x2xf32>, tensor<1x1xf32>) -> tensor<1x3xf32>
  %wc = lcp.constant dense<[[1.0, 1.0, 1.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]> : tensor<3x3xf32>
  %d = lcp.dense %c, %wc : (tensor<1x3xf32>, tensor<3x3xf32>) -> tensor<1x3xf32>
  %s = lcp.softmax %d {axis = 1 : i64} : (tensor<1x3xf32>) -> tensor<1x3xf32>
  %m = lcp.mul %c, %c : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<1x3xf32>
  %r = lcp.relu %m : (tensor<1x3xf32>) -> tensor<1x3xf32>
  return %s, %r : tensor<1x3xf32>, tensor<1x3xf32>
}

// a.weight: [[1, 0], [0, -1]]; b.weight: [[2, 0]] (f32, little-endian).
{-#
  dialect_resources: {
    builtin: {
      a.weight: "0x040000000000803F0000000000000000000080BF",
      b.weight: "0x040000000000004000000000"
    }
  }
#-}
