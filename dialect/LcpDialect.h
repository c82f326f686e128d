//===- LcpDialect.h - The lcp dialect ---------------------------*- C++ -*-===//

#ifndef LCP_DIALECT_LCPDIALECT_H
#define LCP_DIALECT_LCPDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialect/LcpDialect.h.inc"

#endif // LCP_DIALECT_LCPDIALECT_H
