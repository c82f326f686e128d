//===- OnnxImporter.h - ONNX models to lcp IR -------------------*- C++ -*-===//
//
// Reads ONNX model files (protobuf, the system's onnx.proto) and builds a
// module with one function, `main`, made of lcp ops. Shape arithmetic that
// exporters emit (Shape, Gather, Unsqueeze, Concat, Slice, Cast feeding a
// Reshape) is folded to constants; weights become dense_resource blobs.
//
// Every problem is reported as an error that names the file, the node and
// what is wrong; the importer never aborts on bad input.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_IMPORT_ONNXIMPORTER_H
#define LCP_IMPORT_ONNXIMPORTER_H

#include "import/ModelMemory.h"
#include "support/HostTensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <map>
#include <string>
#include <vector>

namespace lcp {

struct OnnxImportOptions {
  /// Value bound to a dynamic (symbolic or unknown) first dimension of a
  /// graph input.
  int64_t batchSize = 1;
  /// Shapes for graph inputs, by name, for models whose inputs have
  /// dynamic dimensions beyond the batch. Must agree with every static
  /// dimension the model declares.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Graph inputs to replace by constants, by name. The ONNX conformance
  /// tests pass weights, shapes and bounds as graph inputs.
  std::map<std::string, HostTensor> boundInputs;
  /// The most memory the model's weights and values may need together
  /// (import/ModelMemory.h). loadModel applies it to MLIR input too.
  uint64_t maxModelBytes = kDefaultMaxModelBytes;
};

/// Whether `contents` should be read as an ONNX model: by the ".onnx"
/// extension, or, for other names, by content (not MLIR text or bytecode,
/// and starting the way a serialized ModelProto does).
bool isOnnxModel(llvm::StringRef filename, llvm::StringRef contents);

/// Imports a serialized ModelProto. Errors go to the context's diagnostic
/// handlers, with locations in `sourceName`; returns null on failure.
mlir::OwningOpRef<mlir::ModuleOp>
importOnnxModel(llvm::StringRef contents, llvm::StringRef sourceName,
                mlir::MLIRContext *context, const OnnxImportOptions &options);

/// Imports `input` in a context of its own and returns the module as MLIR
/// bytecode, for tools that take a buffer (MlirOptMain). Diagnostics are
/// printed to stderr; returns null on failure.
std::unique_ptr<llvm::MemoryBuffer> importOnnxToBytecode(
    const llvm::MemoryBuffer &input, llvm::StringRef sourceName,
    const mlir::DialectRegistry &registry, const OnnxImportOptions &options);

/// Reads a serialized TensorProto (the .pb files of the ONNX test data).
/// Floats become f32 host tensors, integers and booleans i64 ones.
bool parseTensorProto(llvm::StringRef bytes, HostTensor &tensor,
                      std::string &error, std::string *name = nullptr);

/// The ONNX op types lcp imports, sorted, for messages and documentation.
std::vector<std::string> supportedOnnxOps();

} // namespace lcp

#endif // LCP_IMPORT_ONNXIMPORTER_H
