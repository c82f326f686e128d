// Three branches that begin alike (conv2d, batch_norm, relu, max_pool2d)
// with different weights; see fuse-stems.mlir.
func.func @main(%x: tensor<1x2x6x6xf32>) -> tensor<1x2xf32> {
  %b0 = lcp.branch "b0"(%x) : (tensor<1x2x6x6xf32>) -> tensor<1x1xf32> {
  ^bb0(%in: tensor<1x2x6x6xf32>):
    %w = lcp.constant dense<[[[[-0.8287, -0.5264, 0.6025], [0.1643, -0.8117, -0.1337], [-0.0419, -0.6805, 0.4692]], [[-0.7727, -0.2175, 0.0335], [-0.1387, 0.1736, 0.4757], [0.9125, -0.4316, 0.2971]]], [[[0.3924, -0.4146, -0.9970], [0.9469, -0.4032, -0.3720], [0.7834, 0.1703, -0.0574]], [[0.5466, -0.9393, 0.4139], [-0.2515, -0.8183, 0.3210], [0.8629, -0.5856, 0.2602]]]]> : tensor<2x2x3x3xf32>
    %bias = lcp.constant dense<[-0.2018, 0.2418]> : tensor<2xf32>
    %c = lcp.conv2d %in, %w, %bias {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x6x6xf32>, tensor<2x2x3x3xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
    %scale = lcp.constant dense<[1.2222, 0.7187]> : tensor<2xf32>
    %shift = lcp.constant dense<[0.1320, 0.0631]> : tensor<2xf32>
    %mean = lcp.constant dense<[0.0366, 0.0640]> : tensor<2xf32>
    %var = lcp.constant dense<[1.1429, 1.6381]> : tensor<2xf32>
    %n = lcp.batch_norm %c, %scale, %shift, %mean, %var {epsilon = 1.0e-5 : f32} : (tensor<1x2x6x6xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
    %r = lcp.relu %n : (tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
    %p = lcp.max_pool2d %r {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32>
    %w2 = lcp.constant dense<[[[[0.7570]], [[-0.7954]]]]> : tensor<1x2x1x1xf32>
    %c2 = lcp.conv2d %p, %w2 : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x3x3xf32>
    %g = lcp.global_avg_pool %c2 : (tensor<1x1x3x3xf32>) -> tensor<1x1x1x1xf32>
    %f = lcp.reshape %g : (tensor<1x1x1x1xf32>) -> tensor<1x1xf32>
    lcp.yield %f : tensor<1x1xf32>
  }
  %b1 = lcp.branch "b1"(%x) : (tensor<1x2x6x6xf32>) -> tensor<1x1xf32> {
  ^bb0(%in: tensor<1x2x6x6xf32>):
    %w = lcp.constant dense<[[[[0.6995, -0.2121, -0.0406], [-0.7073, 0.3969, -0.4160], [0.7423, -0.4493, 0.1236]], [[-0.2007, 0.2258, -0.6067], [-0.6394, 0.4937, 0.5044], [0.1340, 0.8422, -0.5884]]], [[[0.7018, -0.6620, 0.9287], [0.2474, 0.2138, 0.9411], [0.5741, 0.5798, -0.8918]], [[-0.2614, -0.8302, -0.6129], [-0.5723, 0.7173, -0.7465], [-0.4065, -0.0143, 0.6989]]]]> : tensor<2x2x3x3xf32>
    %bias = lcp.constant dense<[0.4652, 0.2081]> : tensor<2xf32>
    %c = lcp.conv2d %in, %w, %bias {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x6x6xf32>, tensor<2x2x3x3xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
    %scale = lcp.constant dense<[0.7137, 1.0450]> : tensor<2xf32>
    %shift = lcp.constant dense<[0.0824, -0.1792]> : tensor<2xf32>
    %mean = lcp.constant dense<[0.0360, -0.0263]> : tensor<2xf32>
    %var = lcp.constant dense<[1.3846, 1.5043]> : tensor<2xf32>
    %n = lcp.batch_norm %c, %scale, %shift, %mean, %var {epsilon = 1.0e-5 : f32} : (tensor<1x2x6x6xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
    %r = lcp.relu %n : (tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
    %p = lcp.max_pool2d %r {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32>
    %w2 = lcp.constant dense<[[[[0.3383]], [[0.0461]]]]> : tensor<1x2x1x1xf32>
    %c2 = lcp.conv2d %p, %w2 : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x3x3xf32>
    %g = lcp.global_avg_pool %c2 : (tensor<1x1x3x3xf32>) -> tensor<1x1x1x1xf32>
    %f = lcp.reshape %g : (tensor<1x1x1x1xf32>) -> tensor<1x1xf32>
    lcp.yield %f : tensor<1x1xf32>
  }
  %b2 = lcp.branch "b2"(%x) : (tensor<1x2x6x6xf32>) -> tensor<1x1xf32> {
  ^bb0(%in: tensor<1x2x6x6xf32>):
    %w = lcp.constant dense<[[[[0.1095, -0.6037, -0.0096], [-0.7492, -0.0385, 0.0725], [0.5482, -0.2127, -0.9608]], [[0.0555, -0.5895, 0.4825], [-0.2226, -0.2391, 0.8189], [-0.2141, -0.3023, -0.3040]]], [[[-0.0385, -0.8134, 0.0935], [0.8429, 0.1258, 0.4878], [0.8943, 0.6842, 0.4880]], [[0.6263, 0.6403, -0.4925], [-0.0361, -0.3146, -0.4765], [0.1431, -0.3642, 0.2373]]]]> : tensor<2x2x3x3xf32>
    %bias = lcp.constant dense<[0.0824, -0.3956]> : tensor<2xf32>
    %c = lcp.conv2d %in, %w, %bias {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x6x6xf32>, tensor<2x2x3x3xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
    %scale = lcp.constant dense<[0.9424, 0.8899]> : tensor<2xf32>
    %shift = lcp.constant dense<[0.0827, -0.1647]> : tensor<2xf32>
    %mean = lcp.constant dense<[-0.0662, 0.0025]> : tensor<2xf32>
    %var = lcp.constant dense<[1.1069, 1.4980]> : tensor<2xf32>
    %n = lcp.batch_norm %c, %scale, %shift, %mean, %var {epsilon = 1.0e-5 : f32} : (tensor<1x2x6x6xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x6x6xf32>
    %r = lcp.relu %n : (tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
    %p = lcp.max_pool2d %r {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32>
    %w2 = lcp.constant dense<[[[[-0.3343]], [[-0.6056]]]]> : tensor<1x2x1x1xf32>
    %c2 = lcp.conv2d %p, %w2 : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x3x3xf32>
    %g = lcp.global_avg_pool %c2 : (tensor<1x1x3x3xf32>) -> tensor<1x1x1x1xf32>
    %f = lcp.reshape %g : (tensor<1x1x1x1xf32>) -> tensor<1x1xf32>
    lcp.yield %f : tensor<1x1xf32>
  }
  %m = lcp.merge "merge"(%b0, %b1, %b2) : (tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x2xf32> {
  ^bb0(%p0: tensor<1x1xf32>, %p1: tensor<1x1xf32>, %p2: tensor<1x1xf32>):
    %cat = lcp.concat %p0, %p1, %p2 {axis = 1 : i64} : (tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x3xf32>
    %wd = lcp.constant dense<[[0.8637, -0.5122, -0.7059], [-0.4402, -0.3206, -0.5498]]> : tensor<2x3xf32>
    %y = lcp.dense %cat, %wd : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
    lcp.yield %y : tensor<1x2xf32>
  }
  return %m : tensor<1x2xf32>
}
