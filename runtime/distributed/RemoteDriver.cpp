//===- RemoteDriver.cpp - Units that run on lcp-workers -------------------===//

#include "runtime/distributed/RemoteDriver.h"
#include "runtime/distributed/WorkerServer.h"
#include "runtime/distributed/worker.grpc.pb.h"
#include "support/Sha256.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>

namespace lcp::distributed {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kFirstBackoffMs = 100;
constexpr int kMaxBackoffMs = 5000;
/// A Health call's deadline when probing a worker that is down.
constexpr int kProbeMs = 1000;

bool transient(const grpc::Status &status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

} // namespace

class WorkerConnection {
public:
  std::string address;
  std::unique_ptr<Worker::Stub> stub;
  std::atomic<bool> live{false};

  /// Deadline and token of one call.
  void prepare(grpc::ClientContext &context, int ms,
               const std::string &token) const {
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::milliseconds(ms));
    if (!token.empty())
      context.AddMetadata(kTokenKey, token);
  }

  void markDown(const std::string &why) {
    std::lock_guard<std::mutex> guard(lock);
    if (live.exchange(false))
      backoffMs = kFirstBackoffMs;
    ++stats.failures;
    stats.lastError = why;
    retryAt = Clock::now() + std::chrono::milliseconds(backoffMs);
    backoffMs = std::min(2 * backoffMs, kMaxBackoffMs);
  }
  /// After a probe that failed again: wait longer before the next.
  void backOff(const std::string &why) {
    std::lock_guard<std::mutex> guard(lock);
    stats.lastError = why;
    retryAt = Clock::now() + std::chrono::milliseconds(backoffMs);
    backoffMs = std::min(2 * backoffMs, kMaxBackoffMs);
  }
  void markLive() {
    std::lock_guard<std::mutex> guard(lock);
    backoffMs = kFirstBackoffMs;
    live = true;
    ++stats.joins;
    stats.callsSinceJoin = 0;
  }
  bool dueForProbe() const {
    std::lock_guard<std::mutex> guard(lock);
    return !live && Clock::now() >= retryAt;
  }
  void count(uint64_t sent, uint64_t received) {
    std::lock_guard<std::mutex> guard(lock);
    ++stats.calls;
    ++stats.callsSinceJoin;
    stats.bytesSent += sent;
    stats.bytesReceived += received;
  }
  WorkerStats snapshot() const {
    std::lock_guard<std::mutex> guard(lock);
    WorkerStats s = stats;
    s.address = address;
    s.live = live;
    return s;
  }

private:
  mutable std::mutex lock;
  WorkerStats stats;
  Clock::time_point retryAt = Clock::now();
  int backoffMs = kFirstBackoffMs;
};

namespace {

/// The state shared by connect() and the prober: what to ship and check.
struct Shipment {
  const Package &package;
  const RemoteOptions &options;
  const std::string &manifestText;
  const std::string &packageId;
};

/// Checks that `worker` answers, takes the token and can run the package's
/// code, and ships the package unless the worker has it. On failure
/// returns false with `error`; `refused` tells an answer that refuses
/// (a configuration error) from no answer.
bool join(WorkerConnection &worker, const Shipment &shipment, int healthMs,
          std::string &error, bool &refused) {
  refused = false;
  const RemoteOptions &options = shipment.options;
  HealthReply health;
  {
    grpc::ClientContext context;
    worker.prepare(context, healthMs, options.token);
    grpc::Status status =
        worker.stub->Health(&context, HealthRequest(), &health);
    if (!status.ok()) {
      refused = !transient(status);
      error = worker.address + ": " + status.error_message();
      return false;
    }
  }
  auto target = shipment.package.targetFields.find("halide_target");
  std::string problem;
  if (target == shipment.package.targetFields.end()) {
    refused = true;
    error = shipment.package.dir + ": target " + shipment.package.target +
            " has no CPU code that a worker can run";
    return false;
  }
  std::vector<std::string> features(health.features().begin(),
                                    health.features().end());
  if (!canRunTarget(target->second, health.arch(), features, problem)) {
    refused = true;
    error = worker.address + ": cannot run the package's code: " + problem;
    return false;
  }
  for (const std::string &id : health.packages())
    if (id == shipment.packageId)
      return true;

  // Ship it: the manifest, then each file in pieces. A slow link gets a
  // second per megabyte beyond the connect deadline.
  int64_t bytes = 0;
  for (const std::string &path : shippedFiles()) {
    std::ifstream in(shipment.package.dir + "/" + path,
                     std::ios::binary | std::ios::ate);
    bytes += in ? static_cast<int64_t>(in.tellg()) : 0;
  }
  grpc::ClientContext context;
  worker.prepare(context, options.connectMs + static_cast<int>(bytes / 1000),
                 options.token);
  LoadReply reply;
  std::unique_ptr<grpc::ClientWriter<LoadChunk>> writer =
      worker.stub->Load(&context, &reply);
  LoadChunk first;
  first.set_manifest(shipment.manifestText);
  bool writing = writer->Write(first);
  std::vector<char> piece(kLoadChunkBytes);
  for (const std::string &path : shippedFiles()) {
    std::ifstream in(shipment.package.dir + "/" + path, std::ios::binary);
    if (!in) {
      refused = true;
      error = shipment.package.dir + "/" + path + ": cannot read";
      context.TryCancel();
      return false;
    }
    uint64_t offset = 0;
    while (writing && in) {
      in.read(piece.data(), static_cast<std::streamsize>(piece.size()));
      std::streamsize got = in.gcount();
      if (got <= 0)
        break;
      LoadChunk chunk;
      chunk.set_path(path);
      chunk.set_offset(offset);
      chunk.set_data(piece.data(), static_cast<size_t>(got));
      offset += static_cast<uint64_t>(got);
      writing = writer->Write(chunk);
    }
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) {
    refused = !transient(status);
    error = worker.address + ": " + status.error_message();
    return false;
  }
  if (reply.package() != shipment.packageId) {
    refused = true;
    error = worker.address + ": loaded the package as " + reply.package() +
            ", expected " + shipment.packageId;
    return false;
  }
  return true;
}

/// Splits "device=host:port" into its parts; a plain address has no
/// device.
void splitWorkerSpec(const std::string &spec, std::string &device,
                     std::string &address) {
  size_t equals = spec.find('=');
  device = equals == std::string::npos ? "" : spec.substr(0, equals);
  address = equals == std::string::npos ? spec : spec.substr(equals + 1);
}

bool isHostPort(const std::string &address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size())
    return false;
  return std::all_of(address.begin() + colon + 1, address.end(),
                     [](char c) { return std::isdigit(c); });
}

} // namespace

std::unique_ptr<RemoteDriver>
RemoteDriver::connect(const Package &package, std::unique_ptr<UnitDriver> local,
                      const RemoteOptions &options, std::string &error) {
  std::unique_ptr<RemoteDriver> driver(new RemoteDriver);
  driver->package = &package;
  driver->local = std::move(local);
  driver->options = options;
  if (options.workers.empty()) {
    error = "no workers given";
    return nullptr;
  }
  if (options.deadlineMs <= 0 || options.connectMs <= 0) {
    error = "deadlines must be positive";
    return nullptr;
  }
  if (!readTextFile(package.dir + "/manifest.json", driver->manifestText)) {
    error = package.dir + "/manifest.json: cannot read";
    return nullptr;
  }
  driver->packageId =
      sha256Hex(driver->manifestText.data(), driver->manifestText.size());
  driver->index = std::make_unique<ManifestIndex>(package);

  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  if (!options.tlsCa.empty()) {
    grpc::SslCredentialsOptions ssl;
    if (!readTextFile(options.tlsCa, ssl.pem_root_certs)) {
      error = options.tlsCa + ": cannot read the certificate authority";
      return nullptr;
    }
    credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(static_cast<int>(options.maxMessageBytes));
  arguments.SetMaxSendMessageSize(static_cast<int>(options.maxMessageBytes));
  // A restarted worker is found again within the prober's bounds.
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, kFirstBackoffMs);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, kFirstBackoffMs);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, kMaxBackoffMs);

  // Devices to workers.
  std::map<std::string, int> named;
  std::vector<int> positional;
  for (const std::string &spec : options.workers) {
    std::string device, address;
    splitWorkerSpec(spec, device, address);
    if (!isHostPort(address)) {
      error = "worker '" + spec + "': expected host:port or device=host:port";
      return nullptr;
    }
    if (!isLoopback(address) && !options.insecure &&
        (options.tlsCa.empty() || options.token.empty())) {
      error = "worker " + address +
              ": not a loopback address, so the connection needs TLS "
              "(--tls-ca) and the workers' token (--token-file), or "
              "--insecure";
      return nullptr;
    }
    int index = static_cast<int>(driver->workers.size());
    auto worker = std::make_unique<WorkerConnection>();
    worker->address = address;
    worker->stub = Worker::NewStub(
        grpc::CreateCustomChannel(address, credentials, arguments));
    driver->workers.push_back(std::move(worker));
    if (device.empty()) {
      positional.push_back(index);
      continue;
    }
    bool placedThere =
        std::any_of(package.units.begin(), package.units.end(),
                    [&](const UnitInfo &u) { return u.device == device; });
    if (!placedThere) {
      error = "worker '" + spec + "': no unit of " + package.dir +
              " is placed on device '" + device + "'";
      return nullptr;
    }
    if (!named.emplace(device, index).second) {
      error =
          "worker '" + spec + "': device '" + device + "' is given two workers";
      return nullptr;
    }
  }
  bool placed =
      std::any_of(package.units.begin(), package.units.end(),
                  [](const UnitInfo &u) { return !u.device.empty(); });
  std::vector<std::string> devices; // in order of first use
  size_t nextBranch = 0;
  for (const UnitInfo &u : package.units) {
    int worker = -1;
    if (placed) {
      if (!u.device.empty() && u.device != package.coordinator) {
        auto it = std::find(devices.begin(), devices.end(), u.device);
        size_t rank = it - devices.begin();
        if (it == devices.end())
          devices.push_back(u.device);
        if (named.count(u.device))
          worker = named[u.device];
        else if (!positional.empty())
          worker = positional[rank % positional.size()];
      }
    } else if ((u.kind == "branch" || u.kind == "part") &&
               !positional.empty()) {
      worker = positional[nextBranch++ % positional.size()];
    }
    driver->unitWorker.push_back(worker);
  }

  Shipment shipment{package, driver->options, driver->manifestText,
                    driver->packageId};
  for (auto &worker : driver->workers) {
    std::string joinError;
    bool refused = false;
    if (join(*worker, shipment, options.connectMs, joinError, refused)) {
      worker->markLive();
      continue;
    }
    if (refused) {
      error = joinError;
      return nullptr;
    }
    // Not there yet: it starts down and the prober keeps trying.
    worker->backOff(joinError);
  }
  driver->prober = std::thread([d = driver.get()] { d->probe(); });
  return driver;
}

RemoteDriver::~RemoteDriver() {
  {
    std::lock_guard<std::mutex> guard(proberLock);
    stopping = true;
  }
  proberWake.notify_all();
  if (prober.joinable())
    prober.join();
}

bool RemoteDriver::bind(const Package &bound, std::string &error) {
  return local->bind(bound, error);
}

bool RemoteDriver::run(const UnitCall &call, const LoopPlacement &loops,
                       std::string &error) {
  return local->run(call, loops, error);
}

int RemoteDriver::deviceOf(size_t index) const {
  return index < unitWorker.size() ? unitWorker[index] : -1;
}

void RemoteDriver::probe() {
  Shipment shipment{*package, options, manifestText, packageId};
  std::unique_lock<std::mutex> guard(proberLock);
  while (!stopping) {
    proberWake.wait_for(guard, std::chrono::milliseconds(50));
    if (stopping)
      break;
    guard.unlock();
    for (auto &worker : workers) {
      if (!worker->dueForProbe())
        continue;
      std::string error;
      bool refused = false;
      if (join(*worker, shipment, kProbeMs, error, refused))
        worker->markLive();
      else
        worker->backOff(error);
    }
    guard.lock();
  }
}

bool RemoteDriver::waitAllLive(int ms) const {
  auto until = Clock::now() + std::chrono::milliseconds(ms);
  while (true) {
    if (std::all_of(workers.begin(), workers.end(),
                    [](const auto &w) { return w->live.load(); }))
      return true;
    if (Clock::now() >= until)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

const char *RemoteDriver::address(size_t index) const {
  return workers.at(index)->address.c_str();
}

std::vector<WorkerStats> RemoteDriver::stats() const {
  std::vector<WorkerStats> all;
  for (const auto &worker : workers)
    all.push_back(worker->snapshot());
  return all;
}

bool RemoteDriver::tryWorker(WorkerConnection &worker,
                             const std::vector<const UnitCall *> &calls,
                             std::string &error) {
  RunRequest request;
  request.set_package(packageId);
  std::vector<size_t> order;
  std::map<std::string, const ArrayRef *> arrays;
  for (const UnitCall *call : calls) {
    request.add_units(call->unit->id);
    order.push_back(call->index);
    for (size_t k = 0; k < call->inputs.size(); ++k)
      arrays[call->unit->inputs[k]] = &call->inputs[k];
  }
  uint64_t sent = 0;
  for (const std::string &v : groupInputs(*package, order)) {
    const TensorInfo &info = *index->values.at(v);
    size_t bytes = static_cast<size_t>(info.numElements()) *
                   static_cast<size_t>(storageBytes(info.type));
    fillTensor(*request.add_inputs(), info, arrays.at(v)->data, bytes);
    sent += bytes;
  }
  auto emulateLatency = [&] {
    if (options.emulatedLatencyMs > 0)
      std::this_thread::sleep_for(
          std::chrono::duration<double, std::milli>(options.emulatedLatencyMs));
  };
  emulateLatency();
  grpc::ClientContext context;
  worker.prepare(context, options.deadlineMs, options.token);
  RunReply reply;
  grpc::Status status = worker.stub->Run(&context, request, &reply);
  emulateLatency();
  if (!status.ok()) {
    error = worker.address + ": " + status.error_message();
    return false;
  }
  // Every result, checked before any is taken.
  std::string problem;
  if (!checkRunReply(*package, order, reply, problem)) {
    error = worker.address + ": answered wrongly: " + problem;
    return false;
  }
  int k = 0;
  uint64_t received = 0;
  for (const UnitCall *call : calls)
    for (const ArrayRef &output : call->outputs) {
      const std::string &data = reply.outputs(k++).data();
      std::memcpy(output.data, data.data(), data.size());
      received += data.size();
    }
  worker.count(sent, received);
  return true;
}

bool RemoteDriver::runGroup(int device,
                            const std::vector<const UnitCall *> &calls,
                            std::string &error) {
  // Its own worker first, then the others that are live, then here.
  size_t count = workers.size();
  for (size_t step = 0; step < count; ++step) {
    WorkerConnection &worker = *workers[(device + step) % count];
    if (!worker.live)
      continue;
    std::string problem;
    if (tryWorker(worker, calls, problem)) {
      if (step > 0)
        ++failoverCount;
      return true;
    }
    worker.markDown(problem);
  }
  ++failoverCount;
  for (const UnitCall *call : calls)
    if (!local->run(*call, LoopPlacement{nullptr, 0}, error))
      return false;
  return true;
}

} // namespace lcp::distributed
