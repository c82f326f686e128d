//===- LcpDialect.h - The lcp dialect ---------------------------*- C++ -*-===//

#ifndef LCP_DIALECT_LCPDIALECT_H
#define LCP_DIALECT_LCPDIALECT_H

#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/Dialect.h"

#include "dialect/LcpDialect.h.inc"

#endif // LCP_DIALECT_LCPDIALECT_H
