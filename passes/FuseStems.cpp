//===- FuseStems.cpp - One wide stem for the branches' first layers -------===//
//
// Each branch's *channel chain* is the run of ops from its input that the
// fusion can widen: a convolution of the input with constant weights, then
// ops that treat channels independently, each the only user of the value
// before it. The stem takes the longest prefix on which every branch's chain
// has the same ops with the same attributes and shapes (channel counts
// aside), concatenates their constants along the output channels, and
// slices the fused result back into per-branch inputs.
//
//===----------------------------------------------------------------------===//

#include "passes/Constants.h"
#include "passes/Cost.h"
#include "passes/Passes.h"

#include "dialect/LcpOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace lcp {
#define GEN_PASS_DEF_FUSESTEMS
#include "passes/Passes.h.inc"
} // namespace lcp

using namespace mlir;
using namespace lcp;

namespace {

bool isConstant(Value v) {
  return v && isa_and_nonnull<ConstantOp>(v.getDefiningOp());
}

/// Whether `op` reads `v` as its only activation and computes each output
/// channel from the same channel of `v` (other operands being constants).
bool isChannelwise(Operation *op, Value v) {
  return op->hasTrait<OpFamily::Channelwise>() && op->getNumOperands() != 0 &&
         op->getOperand(0) == v &&
         llvm::all_of(op->getOperands().drop_front(), isConstant);
}

/// The ops a stem could take over from `branch`, in order.
SmallVector<Operation *> channelChain(BranchOp branch) {
  SmallVector<Operation *> chain;
  Value v = branch.getBody().front().getArgument(0);
  while (v.hasOneUse()) {
    Operation *user = *v.getUsers().begin();
    if (chain.empty()) {
      auto conv = dyn_cast<Conv2DOp>(user);
      if (!conv || conv.getInput() != v || conv.getGroups() != 1 ||
          !isConstant(conv.getWeight()) ||
          (conv.getBias() && !isConstant(conv.getBias())))
        break;
    } else if (!isChannelwise(user, v)) {
      break;
    }
    chain.push_back(user);
    v = user->getResult(0);
  }
  return chain;
}

/// `t`'s shape with dimension `dim` zeroed, to compare types whose channel
/// counts may differ.
SmallVector<int64_t> shapeWithout(Type t, int64_t dim) {
  SmallVector<int64_t> shape(cast<ShapedType>(t).getShape());
  if (dim < static_cast<int64_t>(shape.size()))
    shape[dim] = 0;
  return shape;
}

/// Whether two ops at the same place of two chains can fuse: same op and
/// attributes, activations alike but for channels (dimension 1), constants
/// alike but for output channels (dimension 0).
bool fusable(Operation *a, Operation *b) {
  if (a->getName() != b->getName() ||
      a->getAttrDictionary() != b->getAttrDictionary() ||
      a->getNumOperands() != b->getNumOperands())
    return false;
  for (auto [x, y] : llvm::zip(a->getOperands(), b->getOperands())) {
    int64_t dim = isConstant(x) ? 0 : 1;
    if (isConstant(x) != isConstant(y) ||
        shapeWithout(x.getType(), dim) != shapeWithout(y.getType(), dim))
      return false;
  }
  return true;
}

int64_t channelsOf(Value v) {
  return cast<ShapedType>(v.getType()).getDimSize(1);
}

struct FuseStemsPass : lcp::impl::FuseStemsBase<FuseStemsPass> {
  using FuseStemsBase::FuseStemsBase;
  void runOnOperation() override;
};

void FuseStemsPass::runOnOperation() {
  func::FuncOp func = getOperation();
  SmallVector<BranchOp> branches(func.getOps<BranchOp>());
  if (!func.getOps<StemOp>().empty()) {
    emitRemark(func.getLoc()) << "no stem fused: the function has one already";
    return;
  }
  if (branches.size() < 2) {
    emitRemark(func.getLoc()) << "no stem fused: fewer than two branches";
    return;
  }
  Value shared = branches.front().getInputs().size() == 1
                     ? branches.front().getInputs().front()
                     : Value();
  for (BranchOp branch : branches)
    if (branch.getInputs().size() != 1 ||
        branch.getInputs().front() != shared) {
      emitRemark(func.getLoc())
          << "no stem fused: the branches do not all read one shared input";
      return;
    }

  SmallVector<SmallVector<Operation *>> chains;
  size_t length = SIZE_MAX;
  for (BranchOp branch : branches) {
    chains.push_back(channelChain(branch));
    length = std::min(length, chains.back().size());
  }
  for (size_t j = 0; j < length; ++j)
    for (auto &chain : llvm::drop_begin(chains))
      if (!fusable(chains.front()[j], chain[j]))
        length = j;
  if (length == 0) {
    emitRemark(func.getLoc())
        << "no stem fused: the branches do not begin with the same "
           "convolution of their input";
    return;
  }
  auto first = cast<Conv2DOp>(chains.front().front());
  ArrayRef<int64_t> out = cast<ShapedType>(first.getType()).getShape();
  if (lanes > 0 &&
      (out[1] % lanes == 0 ||
       columnLaneFill(out[3], first.getStrides()[1], lanes) >= 0.75)) {
    emitRemark(func.getLoc())
        << "no stem fused: each branch's first convolution fills "
        << lanes.getValue() << "-lane vectors on its own";
    return;
  }

  // The stem: each layer of the chain once, with every branch's constants
  // concatenated along the output channels, then one slice per branch.
  OpBuilder builder(branches.front());
  Location loc = chains.front().front()->getLoc();
  SmallVector<Type> sliceTypes;
  for (auto &chain : chains)
    sliceTypes.push_back(chain[length - 1]->getResult(0).getType());
  auto stem =
      builder.create<StemOp>(loc, sliceTypes, builder.getStringAttr("stem"),
                             StringAttr(), ValueRange{shared}, ArrayAttr());
  Block *block = builder.createBlock(&stem.getBody(), {}, {shared.getType()},
                                     {shared.getLoc()});
  Value fused = block->getArgument(0);
  for (size_t j = 0; j < length; ++j) {
    Operation *first = chains.front()[j];
    IRMapping mapping;
    mapping.map(first->getOperand(0), fused);
    for (unsigned k = 1; k < first->getNumOperands(); ++k) {
      HostTensor joined;
      for (auto &chain : chains) {
        SmallVector<HostTensor> value;
        if (failed(cast<ConstantOp>(chain[j]->getOperand(k).getDefiningOp())
                       .evaluate({}, value)))
          return signalPassFailure();
        if (joined.shape.empty())
          joined.shape = value.front().shape, joined.shape[0] = 0;
        joined.shape[0] += value.front().shape[0];
        // Dimension 0 is outermost: concatenating along it appends.
        joined.f32.insert(joined.f32.end(), value.front().f32.begin(),
                          value.front().f32.end());
      }
      auto constant = cast<ConstantOp>(first->getOperand(k).getDefiningOp());
      mapping.map(first->getOperand(k),
                  createConstant(builder, constant.getLoc(), joined,
                                 constantName(constant, "weight") + ".stem"));
    }
    Operation *wide = builder.clone(*first, mapping);
    auto type = cast<RankedTensorType>(first->getResult(0).getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[1] = 0;
    for (auto &chain : chains)
      shape[1] += channelsOf(chain[j]->getResult(0));
    wide->getResult(0).setType(type.clone(shape));
    fused = wide->getResult(0);
  }
  SmallVector<Value> slices;
  SmallVector<int64_t> offsets(cast<ShapedType>(fused.getType()).getRank(), 0);
  for (Type t : sliceTypes) {
    slices.push_back(builder.create<SliceOp>(loc, t, fused, offsets));
    offsets[1] += cast<ShapedType>(t).getDimSize(1);
  }
  builder.create<YieldOp>(loc, slices);

  // Each branch now starts where its chain ended.
  for (auto [b, branch] : llvm::enumerate(branches)) {
    Block &body = branch.getBody().front();
    Value last = chains[b][length - 1]->getResult(0);
    BlockArgument input = body.getArgument(0);
    input.setType(last.getType());
    last.replaceAllUsesWith(input);
    for (Operation *op : llvm::reverse(ArrayRef(chains[b]).take_front(length)))
      op->erase();
    eraseUnusedConstants(body);
    branch->setOperand(0, stem.getResult(b));
  }
  std::string layers;
  for (Operation *op : ArrayRef(chains.front()).take_front(length))
    layers += (layers.empty() ? "" : ", ") + op->getName().stripDialect().str();
  emitRemark(func.getLoc())
      << "fused the first " << length << " layer(s) of " << branches.size()
      << " branches into a stem: " << layers;
}

} // namespace
