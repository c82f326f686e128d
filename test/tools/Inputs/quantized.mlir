func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %q = lcp.quantize %x : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i8:f32, 0.5>>
  %y = lcp.softmax %q {axis = 1 : i64} : (tensor<1x4x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.5>>
  %f = lcp.dequantize %y : (tensor<1x4x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x4xf32>
  return %f : tensor<1x4xf32>
}
