func.func @main(%x: tensor<1x16xf32>) -> tensor<1x3xf32> {
  %lw = lcp.constant dense<0.25> : tensor<3x16xf32>
  %r = lcp.relu %x : (tensor<1x16xf32>) -> tensor<1x16xf32>
  %y = lcp.dense %r, %lw : (tensor<1x16xf32>, tensor<3x16xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}
