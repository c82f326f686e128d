func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x4x2x2xf32> {
  %cw = lcp.constant dense<0.5> : tensor<4x1x3x3xf32>
  %c = lcp.conv2d %x, %cw : (tensor<1x1x4x4xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x2x2xf32>
  return %c : tensor<1x4x2x2xf32>
}
