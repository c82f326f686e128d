//===- WorkerServer.cpp - The gRPC service of lcp-worker ------------------===//

#include "runtime/distributed/WorkerServer.h"
#include "runtime/distributed/worker.grpc.pb.h"
#include "runtime/drivers/HalideCpuDriver.h"
#include "runtime/executor/ThreadPool.h"
#include "support/Sha256.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <list>
#include <map>
#include <mutex>

namespace fs = std::filesystem;

namespace lcp::distributed {

bool readTextFile(const std::string &path, std::string &text) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  text.assign(std::istreambuf_iterator<char>(in), {});
  return !in.bad();
}

namespace {

/// The shipped files, as a refusal names them: "a, b and c".
std::string shippedList() {
  const std::vector<std::string> &files = shippedFiles();
  std::string list;
  for (size_t i = 0; i < files.size(); ++i)
    list += (i == 0 ? "" : i + 1 == files.size() ? " and " : ", ") + files[i];
  return list;
}

/// A package shipped to this worker, loaded and bound.
struct LoadedPackage {
  std::string id;  // the manifest's SHA-256
  std::string dir; // removed with the package
  Package package;
  std::unique_ptr<HalideCpuDriver> driver;
  std::unique_ptr<ManifestIndex> index;

  ~LoadedPackage() {
    driver.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

struct AlignedBuffer {
  std::unique_ptr<uint8_t, decltype(&std::free)> data{nullptr, std::free};
  size_t bytes = 0;
  bool allocate(size_t size) {
    bytes = size;
    size_t rounded = std::max<size_t>(64, (size + 63) / 64 * 64);
    data.reset(static_cast<uint8_t *>(std::aligned_alloc(64, rounded)));
    return data != nullptr;
  }
};

/// Compares a presented token with the worker's in time that depends on
/// the length only, so that timing tells nothing of the token's bytes.
bool constantTimeEquals(const std::string &a, const std::string &b) {
  if (a.size() != b.size())
    return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

} // namespace

class WorkerService final : public Worker::Service {
public:
  WorkerService(const WorkerOptions &options, std::string root)
      : options(options), root(std::move(root)) {
    if (options.threads > 1)
      pool = std::make_unique<ThreadPool>(options.threads - 1);
  }
  ~WorkerService() override {
    packages.clear();
    std::error_code ec;
    fs::remove_all(root, ec);
  }

  grpc::Status Load(grpc::ServerContext *context,
                    grpc::ServerReader<LoadChunk> *reader,
                    LoadReply *reply) override;
  grpc::Status Run(grpc::ServerContext *context, const RunRequest *request,
                   RunReply *reply) override;
  grpc::Status Health(grpc::ServerContext *context, const HealthRequest *,
                      HealthReply *reply) override;
  grpc::Status Stats(grpc::ServerContext *context, const StatsRequest *,
                     StatsReply *reply) override;

private:
  grpc::Status refuse(grpc::StatusCode code, std::string message) {
    ++failures;
    return grpc::Status(code, message);
  }
  bool authorized(grpc::ServerContext *context) const;
  std::shared_ptr<LoadedPackage> find(const std::string &id);
  grpc::Status install(const std::string &manifestText, const std::string &id,
                       const std::string &dir);

  const WorkerOptions options;
  const std::string root;
  std::unique_ptr<ThreadPool> pool;

  std::mutex packagesLock;
  /// Most recently used first.
  std::list<std::shared_ptr<LoadedPackage>> packages;
  std::atomic<unsigned> loadCount{0};

  /// The worker plays one device: one group of units computes at a time.
  std::mutex computeLock;

  std::atomic<uint64_t> runs{0}, units{0}, failures{0}, bytesIn{0}, bytesOut{0};
  std::mutex statsLock;
  double computeSeconds = 0;
};

bool WorkerService::authorized(grpc::ServerContext *context) const {
  if (options.token.empty())
    return true;
  auto range = context->client_metadata().equal_range(kTokenKey);
  for (auto it = range.first; it != range.second; ++it)
    if (constantTimeEquals(std::string(it->second.data(), it->second.size()),
                           options.token))
      return true;
  return false;
}

std::shared_ptr<LoadedPackage> WorkerService::find(const std::string &id) {
  std::lock_guard<std::mutex> guard(packagesLock);
  for (auto it = packages.begin(); it != packages.end(); ++it)
    if ((*it)->id == id) {
      packages.splice(packages.begin(), packages, it);
      return packages.front();
    }
  return nullptr;
}

grpc::Status WorkerService::Load(grpc::ServerContext *context,
                                 grpc::ServerReader<LoadChunk> *reader,
                                 LoadReply *reply) {
  if (!authorized(context))
    return refuse(grpc::StatusCode::UNAUTHENTICATED,
                  "the call lacks the worker's token");
  LoadChunk chunk;
  if (!reader->Read(&chunk) || chunk.manifest().empty())
    return refuse(grpc::StatusCode::INVALID_ARGUMENT,
                  "load: the first chunk must carry manifest.json");
  std::string manifestText = chunk.manifest();
  std::string id = sha256Hex(manifestText.data(), manifestText.size());
  reply->set_package(id);
  if (find(id)) {
    // Already here (a coordinator that reconnects): drain the stream.
    while (reader->Read(&chunk)) {
    }
    return grpc::Status::OK;
  }

  Manifest manifest;
  std::string problem;
  if (!parseManifest(manifestText, manifest, problem))
    return refuse(grpc::StatusCode::INVALID_ARGUMENT,
                  "load: manifest.json: " + problem);
  auto target = manifest.targetFields.find("halide_target");
  if (target == manifest.targetFields.end())
    return refuse(grpc::StatusCode::FAILED_PRECONDITION,
                  "load: the package (target " + manifest.target +
                      ") has no CPU code that a worker can run");
  if (!canRunTarget(target->second, hostArch(), hostFeatures(), problem))
    return refuse(grpc::StatusCode::FAILED_PRECONDITION,
                  "load: this worker cannot run the package: " + problem);
  for (const std::string &path : shippedFiles())
    if (!manifest.checksums.count(path))
      return refuse(grpc::StatusCode::INVALID_ARGUMENT,
                    "load: manifest.json lists no " + path);

  std::string dir = root + "/p" + std::to_string(loadCount++);
  std::error_code ec;
  fs::create_directories(dir + "/cpu", ec);
  if (ec)
    return refuse(grpc::StatusCode::INTERNAL,
                  "load: cannot create " + dir + ": " + ec.message());
  auto cleanup = [&](grpc::StatusCode code, std::string message) {
    fs::remove_all(dir, ec);
    return refuse(code, std::move(message));
  };

  std::map<std::string, uint64_t> received;
  std::map<std::string, std::ofstream> files;
  int64_t total = 0;
  while (reader->Read(&chunk)) {
    const std::string &path = chunk.path();
    if (!isSafeShippedPath(path) ||
        std::find(shippedFiles().begin(), shippedFiles().end(), path) ==
            shippedFiles().end())
      return cleanup(grpc::StatusCode::INVALID_ARGUMENT,
                     "load: refused file '" + path.substr(0, 64) +
                         "' (a worker takes only " + shippedList() + ")");
    if (chunk.offset() != received[path])
      return cleanup(grpc::StatusCode::INVALID_ARGUMENT,
                     "load: " + path + ": chunk at offset " +
                         std::to_string(chunk.offset()) + ", expected " +
                         std::to_string(received[path]));
    total += static_cast<int64_t>(chunk.data().size());
    if (total > options.maxPackageBytes)
      return cleanup(grpc::StatusCode::RESOURCE_EXHAUSTED,
                     "load: the package exceeds the worker's limit of " +
                         std::to_string(options.maxPackageBytes) + " bytes");
    std::ofstream &out = files[path];
    if (!out.is_open())
      out.open(dir + "/" + path, std::ios::binary | std::ios::trunc);
    out.write(chunk.data().data(),
              static_cast<std::streamsize>(chunk.data().size()));
    if (!out)
      return cleanup(grpc::StatusCode::INTERNAL,
                     "load: cannot write " + dir + "/" + path);
    received[path] += chunk.data().size();
  }
  for (auto &[path, out] : files)
    out.close();
  for (const std::string &path : shippedFiles())
    if (!received.count(path))
      return cleanup(grpc::StatusCode::INVALID_ARGUMENT,
                     "load: " + path + " was not sent");
  {
    std::ofstream out(dir + "/manifest.json", std::ios::binary);
    out << manifestText;
    if (!out)
      return cleanup(grpc::StatusCode::INTERNAL,
                     "load: cannot write " + dir + "/manifest.json");
  }
  grpc::Status status = install(manifestText, id, dir);
  if (!status.ok())
    fs::remove_all(dir, ec);
  return status;
}

grpc::Status WorkerService::install(const std::string &manifestText,
                                    const std::string &id,
                                    const std::string &dir) {
  auto loaded = std::make_shared<LoadedPackage>();
  loaded->id = id;
  loaded->dir = dir;
  std::string error;
  // Checks the shipped files' sizes and SHA-256 against the manifest.
  if (!loadPackage(dir, loaded->package, error, &shippedFiles()))
    return refuse(grpc::StatusCode::INVALID_ARGUMENT, "load: " + error);
  bool unreadable = false;
  loaded->driver =
      HalideCpuDriver::open(dir + "/cpu/libmodel.so", error, unreadable);
  if (!loaded->driver || !loaded->driver->bind(loaded->package, error))
    return refuse(grpc::StatusCode::INVALID_ARGUMENT, "load: " + error);
  loaded->index = std::make_unique<ManifestIndex>(loaded->package);
  std::lock_guard<std::mutex> guard(packagesLock);
  packages.push_front(std::move(loaded));
  while (static_cast<int>(packages.size()) > options.maxPackages)
    packages.pop_back();
  return grpc::Status::OK;
}

grpc::Status WorkerService::Run(grpc::ServerContext *context,
                                const RunRequest *request, RunReply *reply) {
  if (!authorized(context))
    return refuse(grpc::StatusCode::UNAUTHENTICATED,
                  "the call lacks the worker's token");
  std::shared_ptr<LoadedPackage> loaded = find(request->package());
  if (!loaded)
    return refuse(grpc::StatusCode::NOT_FOUND,
                  "run: package " + request->package().substr(0, 64) +
                      " is not loaded here");
  const Package &package = loaded->package;
  CheckedRun checked;
  std::string problem;
  if (!checkRunRequest(*loaded->index, *request, checked, problem))
    return refuse(grpc::StatusCode::INVALID_ARGUMENT, "run: " + problem);
  const std::vector<size_t> &order = checked.units;
  std::map<std::string, ArrayRef> arrays;
  for (size_t i = 0; i < checked.inputs.size(); ++i) {
    const Tensor &message = request->inputs(static_cast<int>(i));
    const TensorInfo &info = *checked.inputs[i];
    bytesIn += message.data().size();
    // Halide reads the bytes in place; the message outlives the call.
    arrays[info.value] = ArrayRef{const_cast<char *>(message.data().data()),
                                  info.type, &info.shape};
  }
  std::vector<AlignedBuffer> results;
  size_t resultCount = 0;
  for (size_t index : order)
    resultCount += package.units[index].outputs.size();
  results.reserve(resultCount);
  for (size_t index : order)
    for (const TensorInfo &t : package.units[index].outputs) {
      results.emplace_back();
      if (!results.back().allocate(static_cast<size_t>(t.numElements()) *
                                   static_cast<size_t>(storageBytes(t.type))))
        return refuse(grpc::StatusCode::RESOURCE_EXHAUSTED,
                      "run: out of memory for " + t.value);
      arrays[t.value] = ArrayRef{results.back().data.get(), t.type, &t.shape};
    }

  auto start = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> guard(computeLock);
    LoopPlacement loops{pool.get(), options.threads};
    for (size_t index : order) {
      const UnitInfo &u = package.units[index];
      UnitCall call;
      call.unit = &u;
      call.index = index;
      for (const std::string &v : u.inputs)
        call.inputs.push_back(arrays.at(v));
      for (const std::string &w : u.weights) {
        const WeightTensor &t = package.weights.at(w);
        call.weights.push_back(
            ArrayRef{const_cast<void *>(t.data), t.type, &t.shape});
      }
      for (const TensorInfo &t : u.outputs)
        call.outputs.push_back(arrays.at(t.value));
      std::string error;
      if (!loaded->driver->run(call, loops, error))
        return refuse(grpc::StatusCode::INTERNAL, "run: " + error);
    }
  }
  double seconds = secondsSince(start);
  size_t k = 0;
  for (size_t index : order)
    for (const TensorInfo &t : package.units[index].outputs) {
      fillTensor(*reply->add_outputs(), t, results[k].data.get(),
                 results[k].bytes);
      bytesOut += results[k].bytes;
      ++k;
    }
  reply->set_compute_seconds(seconds);
  ++runs;
  units += order.size();
  std::lock_guard<std::mutex> guard(statsLock);
  computeSeconds += seconds;
  return grpc::Status::OK;
}

grpc::Status WorkerService::Health(grpc::ServerContext *context,
                                   const HealthRequest *, HealthReply *reply) {
  if (!authorized(context))
    return refuse(grpc::StatusCode::UNAUTHENTICATED,
                  "the call lacks the worker's token");
  reply->set_arch(hostArch());
  for (const std::string &f : hostFeatures())
    reply->add_features(f);
  std::lock_guard<std::mutex> guard(packagesLock);
  for (const auto &p : packages)
    reply->add_packages(p->id);
  return grpc::Status::OK;
}

grpc::Status WorkerService::Stats(grpc::ServerContext *context,
                                  const StatsRequest *, StatsReply *reply) {
  if (!authorized(context))
    return refuse(grpc::StatusCode::UNAUTHENTICATED,
                  "the call lacks the worker's token");
  reply->set_runs(runs);
  reply->set_units(units);
  reply->set_failures(failures);
  reply->set_bytes_in(bytesIn);
  reply->set_bytes_out(bytesOut);
  std::lock_guard<std::mutex> guard(statsLock);
  reply->set_compute_seconds(computeSeconds);
  return grpc::Status::OK;
}

std::unique_ptr<WorkerServer> WorkerServer::start(const WorkerOptions &options,
                                                  std::string &error) {
  bool tls = !options.tlsCert.empty() || !options.tlsKey.empty();
  if (tls && (options.tlsCert.empty() || options.tlsKey.empty())) {
    error = "TLS needs both a certificate (--tls-cert) and a key (--tls-key)";
    return nullptr;
  }
  if (!isLoopback(options.address) && !options.insecure &&
      (!tls || options.token.empty())) {
    error = options.address +
            ": not a loopback address, so the worker needs TLS (--tls-cert, "
            "--tls-key) and a shared token (--token-file), or --insecure";
    return nullptr;
  }
  if (options.maxMessageBytes <= 0 || options.maxMessageBytes > INT32_MAX) {
    error = "the message size limit must be between 1 byte and 2 GiB";
    return nullptr;
  }
  std::shared_ptr<grpc::ServerCredentials> credentials =
      grpc::InsecureServerCredentials();
  if (tls) {
    grpc::SslServerCredentialsOptions ssl;
    grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
    if (!readTextFile(options.tlsKey, pair.private_key)) {
      error = options.tlsKey + ": cannot read the TLS key";
      return nullptr;
    }
    if (!readTextFile(options.tlsCert, pair.cert_chain)) {
      error = options.tlsCert + ": cannot read the TLS certificate";
      return nullptr;
    }
    ssl.pem_key_cert_pairs.push_back(std::move(pair));
    credentials = grpc::SslServerCredentials(ssl);
  }

  std::string base = options.directory;
  if (base.empty()) {
    const char *tmp = std::getenv("TMPDIR");
    base = tmp && *tmp ? tmp : "/tmp";
  }
  std::string pattern = base + "/lcp-worker-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (!mkdtemp(name.data())) {
    error =
        base + ": cannot create the worker's folder: " + std::strerror(errno);
    return nullptr;
  }

  std::unique_ptr<WorkerServer> server(new WorkerServer);
  server->service = std::make_unique<WorkerService>(options, name.data());
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.address, credentials, &server->boundPort);
  builder.SetMaxReceiveMessageSize(static_cast<int>(options.maxMessageBytes));
  builder.SetMaxSendMessageSize(static_cast<int>(options.maxMessageBytes));
  builder.RegisterService(server->service.get());
  server->server = builder.BuildAndStart();
  if (!server->server || server->boundPort == 0) {
    error = options.address + ": cannot listen there (in use, or not an "
                              "address of this machine?)";
    return nullptr;
  }
  return server;
}

WorkerServer::~WorkerServer() { shutdown(); }

void WorkerServer::wait() {
  if (server)
    server->Wait();
}

void WorkerServer::shutdown() {
  if (server)
    server->Shutdown(std::chrono::system_clock::now() +
                     std::chrono::seconds(2));
}

} // namespace lcp::distributed
