func.func @main(%x: tensor<1x2xf32>, %y: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %s = lcp.add %x, %y : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  return %s : tensor<1x2xf32>
}
