// An original model: conv 4, classifier 3.
func.func @main(%x: tensor<1x1x4x4xf32>) -> tensor<1x3xf32> {
  %cw = lcp.constant dense<0.5> : tensor<4x1x3x3xf32>
  %lw = lcp.constant dense<0.25> : tensor<3x16xf32>
  %c = lcp.conv2d %x, %cw : (tensor<1x1x4x4xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x2x2xf32>
  %f = lcp.reshape %c : (tensor<1x4x2x2xf32>) -> tensor<1x16xf32>
  %y = lcp.dense %f, %lw : (tensor<1x16xf32>, tensor<3x16xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}
