//===- Passes.td - lcp transformation passes -------------------*- tablegen -*-===//

#ifndef LCP_PASSES_TD
#define LCP_PASSES_TD

include "mlir/Pass/PassBase.td"

def OutlineBranches : Pass<"lcp-outline-branches", "mlir::func::FuncOp"> {
  let summary = "Outline the branches and the merge of an LCP network";
  let description = [{
    Finds the LCP structure of an imported model: n independent subgraphs
    that read only the function's inputs (the shared model input) and meet
    at one `lcp.concat`, whose result alone feeds the rest of the function
    (the final classifier). Each subgraph becomes an `lcp.branch`, and the
    concat with everything after it an `lcp.merge`. Constants used by
    several branches are duplicated, so that every unit is self-contained.

    Where the pattern does not hold (no concat, a concat inside the network
    as in inception blocks, a skip connection around the concat) the
    function is left unchanged and a remark says why.

    ```mlir
    // before: conv/relu/... chains from %x, concat, dense
    // after:
    %b0 = lcp.branch "b0"(%x) ... { ... lcp.yield %f0 }
    %b1 = lcp.branch "b1"(%x) ... { ... lcp.yield %f1 }
    %y = lcp.merge "merge"(%b0, %b1) ... { concat, dense; lcp.yield }
    ```
  }];
  let dependentDialects = ["::lcp::LcpDialect"];
}

def SplitBranches : Pass<"lcp-split", "mlir::func::FuncOp"> {
  let summary = "Turn an original model into its SplitN LCP form";
  let description = [{
    The paper's splitter. The function must be an original (unsplit) model:
    a feature extractor, possibly with hidden dense layers, that ends in one
    dense classifier. The pass builds `n` branches, each a full-depth copy of
    everything before the classifier with every layer's width (the output
    channels of a convolution, the output features of a hidden dense layer)
    narrowed to

        w' = max(1, floor(max(1, floor(w / n)) * (100 + F) / 100))

    where `F` is the fattening in percent. Depthwise convolutions keep one
    channel per input channel. Branch `b` copies channels `b*w' ...` of the
    original (modulo `w`, which only matters when fattening makes
    `n * w' > w`), so its weights are the original's block-diagonal slices.
    The merge concatenates the branch outputs and applies the classifier,
    whose columns are gathered the same way.

    With `max-params` and/or `max-macs` instead of `branches`, the pass
    doubles `n` (1, 2, 4, ...) until one branch fits the budget, as the
    paper's Procedure 1 does.

    Parameters and MACs count the weights, biases and multiply-accumulates
    of convolutions and dense layers (see `lcp-report`).
  }];
  let options = [
    Option<"branches", "branches", "int64_t", /*default=*/"0",
           "Number of branches (n); 0 to size by the budget instead">,
    Option<"fatten", "fatten", "int64_t", /*default=*/"0",
           "Widen every branch layer (the classifier excepted) by this "
           "many percent">,
    Option<"maxParams", "max-params", "int64_t", /*default=*/"0",
           "Budget: the most parameters one branch may have (0: no limit)">,
    Option<"maxMacs", "max-macs", "int64_t", /*default=*/"0",
           "Budget: the most MACs one branch may take (0: no limit)">
  ];
  let dependentDialects = ["::lcp::LcpDialect"];
}

def FoldBatchNorm : Pass<"lcp-fold-batchnorm", "mlir::func::FuncOp"> {
  let summary = "Fold inference-mode batch norm into weights";
  let description = [{
    A `batch_norm` with constant parameters is `y = s[c] * x + t[c]` with
    `s = scale / sqrt(var + epsilon)` and `t = bias - mean * s`. After a
    convolution or dense layer with constant weights that nothing else
    reads, it folds into them: each output channel's weights scale by
    `s[c]`, and the bias becomes `s[c] * b[c] + t[c]`. Any other batch norm
    becomes an `lcp.mul` and an `lcp.add` with per-channel constants. The
    arithmetic is done in double and rounded once, so outputs stay within
    1e-5 of the original's. Branches and the merge are folded too.

    ```mlir
    // before
    %c = lcp.conv2d %x, %w, %b ...
    %y = lcp.batch_norm %c, %scale, %shift, %mean, %var ...
    // after
    %y = lcp.conv2d %x, %w_folded, %b_folded ...
    ```
  }];
  let dependentDialects = ["::lcp::LcpDialect"];
}

def Prune : Pass<"lcp-prune", "mlir::func::FuncOp"> {
  let summary = "Prune filters (structured) or weights (unstructured)";
  let description = [{
    `mode=structured ratio=R` removes, from every convolution (not grouped)
    and dense layer, the `round(R * w)` of its `w` filters with the
    smallest L1 norm, each branch on its own, and carries each removal to
    the layers that read the channel: the next convolution's input
    channels, batch norm, pools, a flatten's features, a dense layer's
    columns, the merge classifier's columns for a branch's output. The
    model really shrinks; a remark gives parameters and MACs before and
    after. Layers stay whole where their channels must: the classifier
    (whose output is the model's) and layers that meet in a residual add.
    Pruning that would remove every filter of a layer is an error. Run it
    before `lcp-fuse-stems`.

    With `channels=FILE` the kept filters go to a JSON file, per unit and
    per width-choosing layer in order, so that a PyTorch script can prune
    the same channels and fine-tune.

    `mode=unstructured ratio=R` zeroes, in every convolution and dense
    layer, the fraction `R` of its weights with the smallest magnitude
    (`floor(R * count)` of them) and reports the sparsity; shapes stay.

    Ties in magnitude go to the lower index. `R` must lie in (0, 1).
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"\"",
           "structured (remove filters) or unstructured (zero weights)">,
    Option<"ratio", "ratio", "double", /*default=*/"0",
           "The fraction to prune, in (0, 1)">,
    Option<"channelsFile", "channels", "std::string", /*default=*/"\"\"",
           "Structured: write the kept filters to this JSON file">
  ];
  let dependentDialects = ["::lcp::LcpDialect"];
}

def Quantize : Pass<"lcp-quantize", "mlir::func::FuncOp"> {
  let summary = "Post-training quantization to int8 or 16-bit fixed point";
  let description = [{
    Runs the float model on the calibration samples with the reference
    evaluator, records the range of every value, and rewrites the model to
    the integer contract of docs/INTEGER.md:

    - `mode=int8`: weights symmetric per output channel, biases int32,
      activations asymmetric per tensor from the observed min and max (or
      from the `percentile` and `100 - percentile` points).
    - `mode=fixed16`: int16 with scale `2^-f` and zero point 0, biases in
      the accumulator's format. `format=Qm.n` (m + n = 16, default the
      paper's Q3.13) fixes `f = n` for every tensor; `format=auto` gives
      each tensor the fraction bits its observed range allows.

    Values that must share a quant type share one: a relu, clip, max pool,
    reshape or concat has its input's type, so a layer requantizes straight
    to the range that its relu leaves, and the last layer of every branch
    requantizes straight to the one scale of the merge's concat, which
    then only moves bytes. The model's inputs are quantized on entry and
    its outputs dequantized; ops without integer semantics (LRN, softmax,
    ...) run in f32 between an `lcp.dequantize` and an `lcp.quantize`.
    Every layer's accumulator bound (int8: `K * 255 * 127 + |bias| <
    2^31`; fixed16: `K * 2^30 + |bias| < 2^47`) and requantize multiplier
    is checked; a layer that fails is named.

    `calibration=FILE.npy` holds N samples of the model's one input (N x
    the input's shape without its batch of 1, f32). Run it on a model
    before `lcp-outline-branches`.
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"\"",
           "int8 or fixed16">,
    Option<"calibrationFile", "calibration", "std::string",
           /*default=*/"\"\"", "A .npy file of calibration samples">,
    Option<"percentile", "percentile", "double", /*default=*/"100",
           "int8: the range is this and 100 minus this percentile of the "
           "observed values, in (50, 100] (100: min and max)">,
    Option<"format", "format", "std::string", /*default=*/"\"Q3.13\"",
           "fixed16: Qm.n (m + n = 16) for every tensor, or auto">
  ];
  let dependentDialects = ["::lcp::LcpDialect",
                           "::mlir::quant::QuantizationDialect"];
}

def FuseStems : Pass<"lcp-fuse-stems", "mlir::func::FuncOp"> {
  let summary = "Fuse what every branch first does to the shared input";
  let description = [{
    When all branches read the same input and begin with the same layers
    (a convolution, then any of relu, clip, batch_norm, max_pool2d and
    avg_pool2d, which work channel by channel), those layers become one
    `lcp.stem` that computes them once for all branches: a convolution with
    every branch's filters, and so on, `n` times wider. The stem yields each
    branch its slice of the channels, and the branches start after the
    fused layers. The result is the same, channel for channel.

    One wide convolution uses vector units far better than `n` narrow ones
    (8 output channels do not fill a 16-lane vector; 64 do), and the padded
    input is built once. The branches then read the stem's outputs instead
    of the model input, which only pays on a single device: across devices
    it would send each branch activations rather than the input.

    With `lanes` (the target's f32 vector lanes; lcp-compile sets it), the
    pass fuses only where the branches' first convolution vectorizes poorly
    on its own: too few output channels to fill a vector, and rows that
    fill less than three quarters of the lanes (`columnLaneFill`: narrow or
    strided rows). Elsewhere the stem would only add a pass over memory for
    its wide output.

    Where the branches do not start alike, the function is left unchanged
    and a remark says why.

    ```mlir
    // before: each branch begins conv2d(3 -> 8), relu, max_pool2d
    // after:
    %s:8 = lcp.stem "stem"(%x) ... { conv2d(3 -> 64), relu, max_pool2d,
                                     8 x lcp.slice; lcp.yield }
    %b0 = lcp.branch "b0"(%s#0) ...
    ```
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"0",
           "The target's f32 vector lanes: fuse only where the first "
           "convolution vectorizes poorly per branch (0: wherever possible)">
  ];
  let dependentDialects = ["::lcp::LcpDialect"];
}

def Place : Pass<"lcp-place", "mlir::ModuleOp"> {
  let summary = "Assigns each unit to a device of a cluster";
  let description = [{
    Spreads a model over the devices of a cluster description
    (targets/cluster, docs/Clusters.md): a preset's name or a JSON file.
    `strategy=branch` is LCP: each branch of a split model goes to the
    device where it would finish first (longest first, by MACs over the
    device's rate), the stem and merge to the
    coordinator, and devices left over get replicas (`replicas`).
    `strategy=layer` and `strategy=channel` are the model parallelism LCP
    is measured against, on an unsplit model: consecutive layers as a
    pipeline of `lcp.part` units (a min-max partition by compute time), or
    every convolution and dense layer cut into parts by output channels,
    each next layer's parts joining all slices (an all-gather), and a
    `gather` part on the coordinator. A unit that fits no device's memory
    is an error naming it, its bytes and the roomiest device.

    ```mlir
    // lcp-opt --lcp-place="cluster=pynq-z1-2"
    %b0 = lcp.branch "b0"(%x) {device = "pynq0"} ...
    %b1 = lcp.branch "b1"(%x) {device = "pynq1"} ...
    %y = lcp.merge "merge"(%b0, %b1) {device = "pynq0"} ...
    ```
    The module keeps the cluster (`lcp.cluster`, its JSON) and each
    function its strategy (`lcp.placement`), which --lcp-report estimates
    from.
  }];
  let options = [
    Option<"cluster", "cluster", "std::string", /*default=*/"\"\"",
           "The cluster: a preset's name (rpi3-wifi-8, aws-t2micro-8, "
           "pynq-z1-2) or a JSON description">,
    Option<"strategy", "strategy", "std::string", /*default=*/"\"branch\"",
           "branch (LCP), layer or channel (model parallelism)">,
  ];
  let dependentDialects = ["::lcp::LcpDialect"];
}

def Report : Pass<"lcp-report", "mlir::ModuleOp"> {
  let summary = "Report parameters, MACs and activation memory per unit";
  let description = [{
    For every unit (each `lcp.branch` and the `lcp.merge`; a function
    without units counts as one unit, `model`) reports:
    - parameters and MACs (weights, biases and multiply-accumulates of
      convolutions and dense layers, as `lcp-split` counts them),
    - peak activation bytes: the largest total size of the tensors alive
      at once when the unit runs its ops in order (weights excluded),
    - the bytes of the unit's inputs and outputs, which is what a device
      running the unit receives and sends per inference,
    and the totals of the model. The text form goes to stderr; `json=FILE`
    and `dot=FILE` also write it as JSON and as a Graphviz graph of the
    units. The IR is not changed.
  }];
  let options = [
    Option<"jsonFile", "json", "std::string", /*default=*/"\"\"",
           "Write the report as JSON to this file">,
    Option<"dotFile", "dot", "std::string", /*default=*/"\"\"",
           "Write the units as a Graphviz graph to this file">
  ];
}

#endif // LCP_PASSES_TD
