//===- LcpOps.td - All ops of the lcp dialect ------------------*- tablegen -*-===//

#ifndef LCP_OPS_TD
#define LCP_OPS_TD

include "dialect/LcpBase.td"
include "dialect/LcpStructureOps.td"
include "dialect/LcpNNOps.td"

#endif // LCP_OPS_TD
