//===- UnitGraph.h - The units of a model and how they connect --*- C++ -*-===//
//
// A model function is a graph of units (dialect/LcpInterfaces.td,
// UnitOpInterface): the branches, an optional stem and the merge, or, for
// an unsplit model, the function itself. UnitGraph is that graph, built once
// from the function: each unit with the values it reads and defines, under
// the names packages use ("input:0", "b0:0", "model:0"), and the units
// whose IR is the same but for their weights grouped, so that a backend
// compiles one of them and the others call its code with their own weights.
// Packages, reports, the evaluator and the passes all use it; nothing else
// walks over units.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_DIALECT_UNITGRAPH_H
#define LCP_DIALECT_UNITGRAPH_H

#include "dialect/LcpOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"

#include <string>
#include <vector>

namespace lcp {

/// One unit of a model.
struct Unit {
  // Op handles are values; const Units still hand out their ops.
  mutable UnitOpInterface op;
  std::string id;
  std::string kind;
  std::string device;                // empty when not placed
  std::vector<std::string> replicas; // devices holding copies
  /// The names of the values the unit reads and defines, in operand and
  /// result order.
  std::vector<std::string> inputs, outputs;
  /// The index of the first unit whose IR equals this one's but for its
  /// weights (its own index if none does): the unit whose code it shares.
  size_t representative = 0;

  mlir::Block &getBody() const { return op.getUnitBody(); }
  bool isRepresentative(size_t index) const { return representative == index; }
};

class UnitGraph {
public:
  /// The units of `func` in the order they run. A function with no unit
  /// op is one unit, the whole function. Never fails: use `verify` where
  /// a complete graph is required.
  explicit UnitGraph(mlir::func::FuncOp func);

  mlir::func::FuncOp getFunction() const { return func; }
  llvm::ArrayRef<Unit> getUnits() const { return units; }
  /// Whether the function is one unit (no branches, stem or merge).
  bool isWholeFunction() const { return wholeFunction; }
  /// The names of the model's inputs ("input:i") and of the values it
  /// returns.
  llvm::ArrayRef<std::string> getInputNames() const { return inputNames; }
  llvm::ArrayRef<std::string> getOutputNames() const { return outputNames; }
  /// The name a package gives to `v` (a model input or a unit's result),
  /// or "" if it has none.
  llvm::StringRef getValueName(mlir::Value v) const {
    auto it = valueNames.find(v);
    return it == valueNames.end() ? llvm::StringRef() : it->second;
  }
  /// The model's own name for its input or output `i` (the `lcp.name`
  /// attribute the importer keeps, else "input<i>" / "output<i>").
  std::string getModelValueName(bool input, unsigned i) const;

  /// Checks that the graph is complete: every op of the function outside a
  /// unit is a constant, every unit reads model inputs or other units'
  /// results, and the function returns units' results. Emits an error on
  /// the offending op otherwise.
  mlir::LogicalResult verify() const;

private:
  mutable mlir::func::FuncOp func;
  std::vector<Unit> units;
  bool wholeFunction = false;
  std::vector<std::string> inputNames, outputNames;
  llvm::DenseMap<mlir::Value, std::string> valueNames;
};

/// Whether two units compute the same function of their inputs and weights:
/// their IR is the same, op for op, with constants compared by type only
/// (their values are weights, passed to the code at run time) and the
/// units' own ids and devices ignored.
bool isSameUnitCode(UnitOpInterface a, UnitOpInterface b);

} // namespace lcp

#endif // LCP_DIALECT_UNITGRAPH_H
