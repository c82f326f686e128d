//===- LcpDialect.cpp - The lcp dialect -----------------------------------===//

#include "dialect/LcpDialect.h"
#include "dialect/LcpOps.h"

using namespace mlir;
using namespace lcp;

#include "dialect/LcpDialect.cpp.inc"

void LcpDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialect/LcpOps.cpp.inc"
      >();
}
