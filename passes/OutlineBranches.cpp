//===- OutlineBranches.cpp - Outline LCP branches and the merge -----------===//
//
// An LCP network is n independent, full-depth branches that share only the
// model input and meet at one concat, followed by the final classifier. The
// pass looks for that concat, checks that the pattern truly holds, and moves
// each branch into an `lcp.branch` and the concat with its consumers into an
// `lcp.merge`.
//
//===----------------------------------------------------------------------===//

#include "dialect/LcpOps.h"
#include "dialect/UnitGraph.h"
#include "passes/Constants.h"
#include "passes/Outlining.h"
#include "passes/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

namespace lcp {
#define GEN_PASS_DEF_OUTLINEBRANCHES
#include "passes/Passes.h.inc"
} // namespace lcp

using namespace mlir;
using namespace lcp;

namespace {

/// The LCP structure around one concat, or the reason it does not hold.
struct LcpStructure {
  ConcatOp concat;
  /// Per concat operand: the non-constant ops it depends on, in function
  /// order.
  SmallVector<SmallVector<Operation *>> branches;
  /// The concat and every non-constant op after it, in function order.
  SmallVector<Operation *> merge;
  std::string whyNot;
};

/// Collects the non-constant ops `value` depends on into `slice`. Returns
/// false if one of them already belongs to another branch (`owner`).
bool collectBranch(Value value, int branch, DenseMap<Operation *, int> &owner,
                   llvm::SetVector<Operation *> &slice) {
  SmallVector<Value> worklist = {value};
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val().getDefiningOp();
    if (!op || isReplicated(op) || slice.contains(op))
      continue;
    auto [it, inserted] = owner.try_emplace(op, branch);
    if (!inserted && it->second != branch)
      return false;
    slice.insert(op);
    for (Value operand : op->getOperands())
      worklist.push_back(operand);
  }
  return true;
}

LcpStructure analyze(func::FuncOp func, ConcatOp concat) {
  LcpStructure result;
  result.concat = concat;
  if (concat.getInputs().size() < 2) {
    result.whyNot = "the concat has a single input";
    return result;
  }
  DenseMap<Operation *, int> owner;
  for (auto [i, input] : llvm::enumerate(concat.getInputs())) {
    llvm::SetVector<Operation *> slice;
    if (!collectBranch(input, i, owner, slice)) {
      result.whyNot = "the inputs of the concat share computation (they are "
                      "not independent branches)";
      return result;
    }
    if (slice.empty()) {
      result.whyNot =
          "concat input " + std::to_string(i) + " is not computed by a branch";
      return result;
    }
    result.branches.emplace_back();
  }

  Block &body = func.getBody().front();
  llvm::SmallPtrSet<Operation *, 16> mergeSet;
  for (Operation &op : body.without_terminator()) {
    if (isReplicated(&op))
      continue;
    auto it = owner.find(&op);
    if (it != owner.end()) {
      result.branches[it->second].push_back(&op);
      // A branch value may only flow into its own branch or the concat.
      for (Operation *user : op.getUsers())
        if (user != concat.getOperation() && !isReplicated(user) &&
            (!owner.count(user) || owner[user] != it->second)) {
          result.whyNot = "a value of branch " + std::to_string(it->second) +
                          " is used outside the branch other than by the "
                          "concat (e.g. a skip connection)";
          return result;
        }
      continue;
    }
    // Everything else must be the concat or depend only on merge values and
    // constants.
    if (&op != concat.getOperation()) {
      for (Value operand : op.getOperands()) {
        Operation *def = operand.getDefiningOp();
        if (!def || (!isReplicated(def) && !mergeSet.contains(def))) {
          result.whyNot = "op '" + op.getName().getStringRef().str() +
                          "' is neither in a branch nor after the concat";
          return result;
        }
      }
    }
    mergeSet.insert(&op);
    result.merge.push_back(&op);
  }
  for (Value returned : body.getTerminator()->getOperands()) {
    Operation *def = returned.getDefiningOp();
    if (!def || !mergeSet.contains(def)) {
      result.whyNot = "a function result does not come from the merge";
      return result;
    }
  }
  return result;
}

struct OutlineBranchesPass
    : public lcp::impl::OutlineBranchesBase<OutlineBranchesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (!UnitGraph(func).isWholeFunction()) {
      emitRemark(func.getLoc()) << "already outlined";
      return;
    }
    SmallVector<ConcatOp> concats(func.getOps<ConcatOp>());
    if (concats.empty()) {
      emitRemark(func.getLoc()) << "no LCP structure: no concat joins branches";
      return;
    }
    // The merge is the last concat for which the pattern holds; report the
    // reason of the last one otherwise.
    std::optional<LcpStructure> found;
    std::string whyNot;
    for (ConcatOp concat : llvm::reverse(concats)) {
      LcpStructure s = analyze(func, concat);
      if (s.whyNot.empty()) {
        found = std::move(s);
        break;
      }
      if (whyNot.empty())
        whyNot = s.whyNot;
    }
    if (!found) {
      emitRemark(func.getLoc()) << "no LCP structure: " << whyNot;
      return;
    }

    OpBuilder builder(func.getContext());
    // The merge first: outlining a branch replaces the concat's operands.
    Operation *terminator = func.getBody().front().getTerminator();
    SmallVector<Value> mergeOutputs(terminator->getOperands());
    SmallVector<Operation *> erase(found->merge.begin(), found->merge.end());
    outlineUnit<MergeOp>(builder, "merge", found->merge, mergeOutputs);
    for (auto [i, ops] : llvm::enumerate(found->branches)) {
      Value output = found->concat.getInputs()[i];
      outlineUnit<BranchOp>(builder, "b" + std::to_string(i), ops, output);
      erase.append(ops.begin(), ops.end());
    }
    // The merge op was created before the branches; move it after them so
    // that its operands dominate it.
    Operation *mergeOp = nullptr;
    for (MergeOp m : func.getOps<MergeOp>())
      mergeOp = m;
    mergeOp->moveBefore(terminator);

    for (Operation *op : llvm::reverse(erase)) {
      op->dropAllUses();
      op->erase();
    }
    // Constants and input quantizations now cloned into units.
    for (Operation &op :
         llvm::make_early_inc_range(func.getBody().front().getOperations()))
      if (isa<QuantizeOp>(op) && op.use_empty())
        op.erase();
    eraseUnusedConstants(func.getBody().front());
    emitRemark(func.getLoc())
        << "outlined " << found->branches.size() << " branches and the merge";
  }
};

} // namespace
