// A dense layer with K = 66400: 66400 * 255 * 127 > 2^31, so no int8
// accumulator bound holds.
func.func @main(%x: tensor<1x66400xf32>) -> tensor<1x1xf32> {
  %w = lcp.constant dense<0.5> : tensor<1x66400xf32>
  %d = lcp.dense %x, %w : (tensor<1x66400xf32>, tensor<1x66400xf32>) -> tensor<1x1xf32>
  return %d : tensor<1x1xf32>
}
