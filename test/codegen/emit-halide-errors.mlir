// RUN: lcp-opt %s --lcp-emit-halide -split-input-file -verify-diagnostics -o /dev/null

// The printer checks the plan it is given against the IR.

func.func @unplanned(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'lcp.conv2d' op has no 'lcp.halide_schedule' (run --lcp-plan-halide-schedule first; the cpu targets' pipeline does)}}
  %c = lcp.conv2d %x, %w : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %c : tensor<1x2x4x4xf32>
}

// -----

func.func @lanes(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'lcp.conv2d' op has a malformed 'lcp.halide_schedule': 'lanes' must be "columns" or "channels"}}
  %c = lcp.conv2d %x, %w {lcp.halide_schedule = {lanes = "rows", epilogue = 0}} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %c : tensor<1x2x4x4xf32>
}

// -----

func.func @block(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'lcp.conv2d' op has a malformed 'lcp.halide_schedule': 'channel_block' must be an integer >= 1}}
  %c = lcp.conv2d %x, %w {lcp.halide_schedule = {lanes = "columns", channel_block = 0, epilogue = 0}} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %c : tensor<1x2x4x4xf32>
}

// -----

func.func @tiles(%x: tensor<1x2x4x4xf32>) -> tensor<1x6x4x4xf32> {
  %w = lcp.constant dense<1.0> : tensor<6x2x1x1xf32>
  // expected-error @+1 {{'lcp.conv2d' op has a malformed 'lcp.halide_schedule': tiles of 1 x 4 lanes do not divide its 6 output channels}}
  %c = lcp.conv2d %x, %w {lcp.halide_schedule = {lanes = "channels", vector_lanes = 4, vectors = 1, columns = 4, epilogue = 0}} : (tensor<1x2x4x4xf32>, tensor<6x2x1x1xf32>) -> tensor<1x6x4x4xf32>
  return %c : tensor<1x6x4x4xf32>
}

// -----

func.func @shared_weights(%x: tensor<1x2x4x4xf32>, %w: tensor<4x2x1x1xf32>) -> tensor<1x4x4x4xf32> {
  // expected-error @+1 {{'lcp.conv2d' op has lanes across channels in 'lcp.halide_schedule', which needs weights that are a constant of its own}}
  %c = lcp.conv2d %x, %w {lcp.halide_schedule = {lanes = "channels", vector_lanes = 4, vectors = 1, columns = 4, epilogue = 0}} : (tensor<1x2x4x4xf32>, tensor<4x2x1x1xf32>) -> tensor<1x4x4x4xf32>
  return %c : tensor<1x4x4x4xf32>
}

// -----

func.func @epilogue(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'lcp.conv2d' op has an epilogue of 2 ops in 'lcp.halide_schedule', but only 1 ops after it can be computed in its tiles}}
  %c = lcp.conv2d %x, %w {lcp.halide_schedule = {lanes = "columns", channel_block = 2, epilogue = 2}} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = lcp.relu %c : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// -----

func.func @shared_epilogue(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32> {
  %a = lcp.conv2d %x, %w {lcp.halide_schedule = {lanes = "columns", channel_block = 2, epilogue = 1}} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  // expected-error @+1 {{'lcp.conv2d' op has an epilogue in 'lcp.halide_schedule' that another convolution computes}}
  %b = lcp.conv2d %x, %w {lcp.halide_schedule = {lanes = "columns", channel_block = 2, epilogue = 1}} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s = lcp.add %a, %b : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %s : tensor<1x2x4x4xf32>
}

// -----

func.func @band(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'lcp.max_pool2d' op has 'band_rows' in 'lcp.halide_schedule', but is not the only reader of a convolution's tiles}}
  %p = lcp.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, lcp.halide_schedule = {band_rows = 2}} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  return %p : tensor<1x2x2x2xf32>
}

// -----

func.func @band_rows(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'lcp.max_pool2d' op has a malformed 'lcp.halide_schedule': 'band_rows' must be an integer >= 1}}
  %p = lcp.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, lcp.halide_schedule = {band_rows = "two"}} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  return %p : tensor<1x2x2x2xf32>
}
