//===- TesselOps.td - All tessel ops, by category ------------------------===//
#ifndef TESSEL_OPS_TD
#define TESSEL_OPS_TD

include "dialects/Tessel/TesselBase.td"
include "dialects/Tessel/MathOps.td"
include "dialects/Tessel/NNOps.td"
include "dialects/Tessel/TensorOps.td"
include "dialects/Tessel/RNNOps.td"
include "dialects/Tessel/FusedOps.td"

#endif // TESSEL_OPS_TD
