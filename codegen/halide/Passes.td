//===- Passes.td - Halide backend passes -----------------------*- tablegen -*-===//

#ifndef LCP_CODEGEN_HALIDE_PASSES_TD
#define LCP_CODEGEN_HALIDE_PASSES_TD

include "mlir/Pass/PassBase.td"

def PlanHalideSchedule : Pass<"lcp-plan-halide-schedule", "mlir::func::FuncOp"> {
  let summary = "Plan the Halide schedule of every unit as op attributes";
  let description = [{
    Decides how the Halide backend computes each unit and records it on the
    ops as `lcp.halide_schedule` (codegen/halide/Schedule.h), which the
    emitter then prints without deciding anything:

    - Convolution tiles. Lanes go across output channels (weights stored
      output channels innermost) when the channels fill whole vectors, the
      rows would not (`columnLaneFill` below 3/4), the reduction is long
      (at least 64 taps) and the weights are the convolution's own
      constant; the tile then keeps the most useful accumulators in the
      vector registers. Otherwise lanes go across output columns, in blocks
      of 8, 4, 2 or 1 output channels.
    - Epilogue fusion. The elementwise ops after a convolution, each the
      only user of the value before (activations, batch norm, a residual
      add), are computed in its tiles. Where two convolutions' chains meet,
      the later one computes it.
    - Pool banding. A max or average pool whose windows do not overlap and
      that is the only reader of a convolution's tiles computes them for
      each band of two of its rows, so the convolution's output is never
      stored whole.

    ```mlir
    %c = lcp.conv2d %x, %w, %b {..., lcp.halide_schedule =
        {channel_block = 8 : i64, epilogue = 1 : i64, lanes = "columns"}}
    ```
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", /*default=*/"8",
           "f32 lanes of the target's vector registers">,
    Option<"registers", "registers", "int64_t", /*default=*/"16",
           "Vector registers of the target">,
  ];
}

def EmitHalide : Pass<"lcp-emit-halide", "mlir::ModuleOp"> {
  let summary = "Print the Halide generator of every unit";
  let description = [{
    Prints, for each unit of each function (its branches, stems and merge,
    or the whole function when it has none), the C++ source of its Halide
    generator, named `lcp_unit_<id>` as in a package. The IR is left
    unchanged. The convolutions must have been planned
    (--lcp-plan-halide-schedule); this is what `lcp-compile --emit=generators`
    prints, without the target's other passes.

    ```sh
    lcp-opt model.mlir --lcp-plan-halide-schedule=lanes=4 --lcp-emit-halide \
        -o /dev/null
    ```
  }];
}

#endif // LCP_CODEGEN_HALIDE_PASSES_TD
