func.func @main(%x: tensor<1x2xf32>) -> tensor<1x4xf32> {
  %a = lcp.quantize %x : (tensor<1x2xf32>) -> tensor<1x2x!quant.uniform<i8:f32, 0.5>>
  %b = lcp.quantize %x : (tensor<1x2xf32>) -> tensor<1x2x!quant.uniform<i8:f32, 0.25>>
  %c = lcp.concat %a, %b {axis = 1 : i64} : (tensor<1x2x!quant.uniform<i8:f32, 0.5>>, tensor<1x2x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.5>>
  %f = lcp.dequantize %c : (tensor<1x4x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x4xf32>
  return %f : tensor<1x4xf32>
}
