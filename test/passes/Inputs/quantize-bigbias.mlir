// A bias of 100 does not fit 32 bits in Q3.13 x Q3.13 = 26 fraction bits.
func.func @main(%x: tensor<1x2xf32>) -> tensor<1x1xf32> {
  %w = lcp.constant dense<[[0.5, -0.5]]> : tensor<1x2xf32>
  %b = lcp.constant dense<[100.0]> : tensor<1xf32>
  %d = lcp.dense %x, %w, %b : (tensor<1x2xf32>, tensor<1x2xf32>, tensor<1xf32>) -> tensor<1x1xf32>
  return %d : tensor<1x1xf32>
}
