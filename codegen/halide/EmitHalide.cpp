//===- EmitHalide.cpp - Print every unit's Halide generator ---------------===//
//
// The Halide printer on its own, for lit tests of the emitted source of
// single ops and units (as mlir-translate is for MLIR's exporters).
//
//===----------------------------------------------------------------------===//

#include "codegen/halide/HalideEmitter.h"
#include "codegen/halide/Passes.h"
#include "dialect/UnitGraph.h"

namespace lcp::halide {
#define GEN_PASS_DEF_EMITHALIDE
#include "codegen/halide/Passes.h.inc"
} // namespace lcp::halide

using namespace mlir;

namespace lcp::halide {
namespace {

struct EmitHalidePass : impl::EmitHalideBase<EmitHalidePass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      UnitGraph graph(func);
      if (failed(graph.verify()))
        return signalPassFailure();
      for (const Unit &unit : graph.getUnits()) {
        UnitSignature signature;
        if (failed(emitGenerator(unit.op, "lcp_unit_" + unit.id, llvm::outs(),
                                 signature)))
          return signalPassFailure();
        llvm::outs() << "\n";
      }
    }
    markAllAnalysesPreserved();
  }
};

} // namespace
} // namespace lcp::halide
