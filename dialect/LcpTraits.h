//===- LcpTraits.h - Op families of lcp -------------------------*- C++ -*-===//
//
// The C++ side of dialect/LcpTraits.td: marker traits, one per op family.
// Each family's meaning is documented in the .td file, its only definition.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_DIALECT_LCPTRAITS_H
#define LCP_DIALECT_LCPTRAITS_H

#include "mlir/IR/OpDefinition.h"

namespace lcp::OpFamily {

#define LCP_DECLARE_OP_FAMILY(Name)                                            \
  template <typename ConcreteType>                                             \
  class Name : public mlir::OpTrait::TraitBase<ConcreteType, Name> {};

LCP_DECLARE_OP_FAMILY(KeepsChannels)
LCP_DECLARE_OP_FAMILY(Channelwise)
LCP_DECLARE_OP_FAMILY(Elementwise)
LCP_DECLARE_OP_FAMILY(BroadcastBinary)
LCP_DECLARE_OP_FAMILY(SlidingWindow)
LCP_DECLARE_OP_FAMILY(Reduction)
LCP_DECLARE_OP_FAMILY(Layer)
LCP_DECLARE_OP_FAMILY(IntegerSemantics)
LCP_DECLARE_OP_FAMILY(SharesQuantType)
LCP_DECLARE_OP_FAMILY(Rescales)

#undef LCP_DECLARE_OP_FAMILY

} // namespace lcp::OpFamily

#endif // LCP_DIALECT_LCPTRAITS_H
