// A small network in lcp IR: dense, relu, softmax with broadcasting adds.
func.func @main(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %w = lcp.constant dense<[[0.5, -1.0, 0.25], [1.5, 0.5, -0.5], [-0.75, 0.25, 1.0], [0.1, 0.2, 0.3]]> : tensor<4x3xf32>
  %b = lcp.constant dense<[0.1, -0.2, 0.3, -0.4]> : tensor<4xf32>
  %d = lcp.dense %x, %w, %b : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %r = lcp.relu %d : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %s = lcp.softmax %r {axis = 1 : i64} : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %s : tensor<2x4xf32>
}
