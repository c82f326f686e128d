func.func @constant_sparse() {
  %0 = "lcp.constant"() {value = sparse<[[0]], [1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  return
}
