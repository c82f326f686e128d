//===- lcp-worker.cpp - Serve units to a coordinator ----------------------===//
//
//   lcp-worker --listen HOST:PORT [--token-file F] [--tls-cert F --tls-key F]
//              [--insecure] [--threads N] [--port-file F]
//
// Plays one device of a cluster: coordinators (lcp-run --workers, the C
// API) ship it their package's code and weights and send it units to run.
// It keeps no files of its own. Stops on SIGINT or SIGTERM.
//
//===----------------------------------------------------------------------===//

#include "runtime/distributed/WorkerServer.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include <pthread.h>
#include <unistd.h>

using namespace lcp::distributed;

namespace {

const char *kUsage =
    "usage: lcp-worker --listen HOST:PORT [options]\n"
    "Serves an lcp cluster's units over gRPC (port 0 picks a free one).\n"
    "  --token-file F      require the shared token in F of every call\n"
    "  --tls-cert F        PEM certificate chain (TLS)\n"
    "  --tls-key F         PEM private key (TLS)\n"
    "  --insecure          allow a non-loopback address without TLS and "
    "token\n"
    "  --threads N         threads for each unit's loops (default 1)\n"
    "  --max-message-mb N  largest message taken or sent (default 64)\n"
    "  --max-package-mb N  largest package taken (default 1024)\n"
    "  --dir D             where shipped packages are kept (default "
    "$TMPDIR)\n"
    "  --port-file F       write the port listened on to F\n";

int fail(const std::string &message) {
  std::fprintf(stderr, "lcp-worker: error: %s\n", message.c_str());
  return 1;
}

bool parsePositive(const char *text, int64_t limit, int64_t &value) {
  char *end = nullptr;
  long long parsed = std::strtoll(text, &end, 10);
  if (!*text || *end || parsed < 1 || parsed > limit)
    return false;
  value = parsed;
  return true;
}

/// Writes `text` to `path` through a temporary file and a rename, so that
/// a reader sees the whole port or nothing.
bool writeAtomically(const std::string &path, const std::string &text) {
  std::string temp = path + ".tmp" + std::to_string(getpid());
  {
    std::ofstream out(temp);
    out << text;
    if (!out)
      return false;
  }
  return std::rename(temp.c_str(), path.c_str()) == 0;
}

} // namespace

int main(int argc, char **argv) {
  WorkerOptions options;
  std::string portFile;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](std::string &out) {
      if (i + 1 >= argc)
        return false;
      out = argv[++i];
      return true;
    };
    std::string text;
    int64_t number = 0;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--listen") {
      if (!value(options.address))
        return fail("--listen needs HOST:PORT");
    } else if (arg == "--token-file") {
      if (!value(text))
        return fail("--token-file needs a file");
      if (!readTextFile(text, options.token))
        return fail(text + ": cannot read the token");
      while (!options.token.empty() &&
             (options.token.back() == '\n' || options.token.back() == '\r'))
        options.token.pop_back();
      if (options.token.empty())
        return fail(text + ": the token is empty");
    } else if (arg == "--tls-cert") {
      if (!value(options.tlsCert))
        return fail("--tls-cert needs a file");
    } else if (arg == "--tls-key") {
      if (!value(options.tlsKey))
        return fail("--tls-key needs a file");
    } else if (arg == "--insecure") {
      options.insecure = true;
    } else if (arg == "--threads") {
      if (!value(text) || !parsePositive(text.c_str(), 256, number))
        return fail("--threads needs a number from 1 to 256");
      options.threads = static_cast<int>(number);
    } else if (arg == "--max-message-mb") {
      if (!value(text) || !parsePositive(text.c_str(), 2047, number))
        return fail("--max-message-mb needs a number from 1 to 2047");
      options.maxMessageBytes = number << 20;
    } else if (arg == "--max-package-mb") {
      if (!value(text) || !parsePositive(text.c_str(), 1 << 20, number))
        return fail("--max-package-mb needs a positive number");
      options.maxPackageBytes = number << 20;
    } else if (arg == "--dir") {
      if (!value(options.directory))
        return fail("--dir needs a folder");
    } else if (arg == "--port-file") {
      if (!value(portFile))
        return fail("--port-file needs a file");
    } else {
      std::fputs(kUsage, stderr);
      return fail("unknown argument '" + arg + "'");
    }
  }
  if (options.address.empty()) {
    std::fputs(kUsage, stderr);
    return fail("--listen HOST:PORT is required");
  }

  // gRPC's threads inherit this mask, so the signals reach sigwait below.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

  std::string error;
  std::unique_ptr<WorkerServer> server = WorkerServer::start(options, error);
  if (!server)
    return fail(error);
  if (!portFile.empty() &&
      !writeAtomically(portFile, std::to_string(server->port()) + "\n"))
    return fail(portFile + ": cannot write the port");
  std::fprintf(stderr, "lcp-worker: listening on port %d\n", server->port());
  int received = 0;
  sigwait(&stopSignals, &received);
  server->shutdown();
  return 0;
}
