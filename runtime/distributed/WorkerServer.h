//===- WorkerServer.h - The gRPC service of lcp-worker ----------*- C++ -*-===//
//
// A worker holds the packages that coordinators ship to it (each in a
// private folder, checked path by path, size by size and hash by hash
// before its code is loaded) and runs the units it is asked to, one group
// at a time: it plays one device. lcp-worker is a thin main over this, and
// tests start servers in-process.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_RUNTIME_DISTRIBUTED_WORKERSERVER_H
#define LCP_RUNTIME_DISTRIBUTED_WORKERSERVER_H

#include "runtime/distributed/Protocol.h"

#include <cstdint>
#include <memory>
#include <string>

namespace grpc {
class Server;
}

namespace lcp::distributed {

struct WorkerOptions {
  /// Where to listen ("127.0.0.1:7000"; port 0 picks a free one).
  std::string address;
  /// Required of every call when not empty.
  std::string token;
  /// PEM files of the server's certificate chain and private key (TLS).
  std::string tlsCert, tlsKey;
  /// Allows a non-loopback address without TLS and token.
  bool insecure = false;
  /// Threads each unit's parallel loops use.
  int threads = 1;
  int64_t maxMessageBytes = kDefaultMaxMessageBytes;
  int64_t maxPackageBytes = kDefaultMaxPackageBytes;
  /// Packages kept at once; the least recently used goes first.
  int maxPackages = 4;
  /// Where shipped packages are kept (a fresh folder under it per worker);
  /// $TMPDIR or /tmp when empty.
  std::string directory;
};

class WorkerService;

class WorkerServer {
public:
  /// Checks `options` (TLS and token off loopback, readable PEM files),
  /// starts serving, and returns the server; null with `error` on failure.
  static std::unique_ptr<WorkerServer> start(const WorkerOptions &options,
                                             std::string &error);
  ~WorkerServer();

  /// The port it listens on (the one picked for port 0).
  int port() const { return boundPort; }
  /// Blocks until shutdown() is called from another thread.
  void wait();
  void shutdown();

private:
  WorkerServer() = default;
  std::unique_ptr<WorkerService> service;
  std::unique_ptr<grpc::Server> server;
  int boundPort = 0;
};

/// Reads a whole file into `text`; false if it cannot be read.
bool readTextFile(const std::string &path, std::string &text);

} // namespace lcp::distributed

#endif // LCP_RUNTIME_DISTRIBUTED_WORKERSERVER_H
