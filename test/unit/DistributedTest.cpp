//===- DistributedTest.cpp - Workers, the protocol and failover -----------===//
//
// In-process workers on loopback: what a worker refuses (no token, bad
// paths, sizes and hashes in a shipment, malformed run requests, plaintext
// to TLS), and how the coordinator routes around a worker that answers
// wrongly or too late. The package is compiled by the ctest fixture
// (LCP_TEST_PACKAGE, a Split4 LeNet with outlined branches).
//
//===----------------------------------------------------------------------===//

#include "lcp_runtime.h"
#include "runtime/distributed/Protocol.h"
#include "runtime/distributed/WorkerServer.h"
#include "runtime/distributed/worker.grpc.pb.h"
#include "support/Npy.h"
#include "support/Sha256.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

#include <unistd.h>

using namespace lcp;
using namespace lcp::distributed;

namespace {

const std::string kPackage = LCP_TEST_PACKAGE;
const std::string kInput = LCP_TEST_INPUT;

std::string fileText(const std::string &path) {
  std::string text;
  EXPECT_TRUE(readTextFile(path, text)) << path;
  return text;
}

std::unique_ptr<Worker::Stub>
stubFor(int port,
        std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr) {
  if (!credentials)
    credentials = grpc::InsecureChannelCredentials();
  return Worker::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), credentials));
}

void withToken(grpc::ClientContext &context, const std::string &token) {
  context.AddMetadata(kTokenKey, token);
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(20));
}

/// The chunks that ship the fixture package, as the coordinator sends them.
std::vector<LoadChunk> packageChunks() {
  std::vector<LoadChunk> chunks(1);
  chunks[0].set_manifest(fileText(kPackage + "/manifest.json"));
  for (const char *path : {"weights.safetensors", "cpu/libmodel.so"}) {
    LoadChunk chunk;
    chunk.set_path(path);
    chunk.set_data(fileText(kPackage + "/" + path));
    chunks.push_back(chunk);
  }
  return chunks;
}

grpc::Status load(Worker::Stub &stub, const std::vector<LoadChunk> &chunks,
                  const std::string &token, LoadReply &reply) {
  grpc::ClientContext context;
  withToken(context, token);
  auto writer = stub.Load(&context, &reply);
  for (const LoadChunk &chunk : chunks)
    if (!writer->Write(chunk))
      break;
  writer->WritesDone();
  return writer->Finish();
}

/// The sample inputs and one process's outputs for them.
struct Reference {
  HostTensor input;
  std::vector<std::vector<float>> outputs; // per sample
  size_t sampleElements = 0, outputElements = 0;
};

const Reference &reference() {
  static Reference r = [] {
    Reference r;
    std::string error;
    EXPECT_TRUE(readNpy(kInput, r.input, error)) << error;
    lcp_model *model = nullptr;
    EXPECT_EQ(lcp_model_load(kPackage.c_str(), &model), LCP_OK)
        << lcp_last_error();
    r.sampleElements = r.input.numElements() / r.input.shape[0];
    r.outputElements = 1;
    const int64_t *shape = lcp_model_output_shape(model, 0);
    for (int d = 0; d < lcp_model_output_rank(model, 0); ++d)
      r.outputElements *= shape[d];
    for (int64_t k = 0; k < r.input.shape[0]; ++k) {
      std::vector<float> out(r.outputElements);
      const float *in[] = {r.input.f32.data() + k * r.sampleElements};
      float *outs[] = {out.data()};
      EXPECT_EQ(lcp_model_run(model, in, outs), LCP_OK);
      r.outputs.push_back(out);
    }
    lcp_model_free(model);
    return r;
  }();
  return r;
}

/// Runs every sample on `model` and expects one process's bits.
void expectReferenceOutputs(lcp_model *model) {
  const Reference &r = reference();
  for (size_t k = 0; k < r.outputs.size(); ++k) {
    std::vector<float> out(r.outputElements);
    const float *in[] = {r.input.f32.data() + k * r.sampleElements};
    float *outs[] = {out.data()};
    ASSERT_EQ(lcp_model_run(model, in, outs), LCP_OK) << lcp_last_error();
    ASSERT_EQ(std::memcmp(out.data(), r.outputs[k].data(),
                          out.size() * sizeof(float)),
              0)
        << "sample " << k;
  }
}

std::unique_ptr<WorkerServer> startWorker(WorkerOptions options) {
  if (options.address.empty())
    options.address = "127.0.0.1:0";
  std::string error;
  auto server = WorkerServer::start(options, error);
  EXPECT_TRUE(server) << error;
  return server;
}

TEST(Protocol, ChecksTensors) {
  TensorInfo info;
  info.value = "b0:0";
  info.shape = {1, 4};
  info.type = ElementType::I8;
  Tensor t;
  fillTensor(t, info, "abcd", 4);
  std::string error;
  EXPECT_TRUE(checkTensor(t, info, error)) << error;

  Tensor renamed = t;
  renamed.set_value("b1:0");
  EXPECT_FALSE(checkTensor(renamed, info, error));
  EXPECT_EQ(error, "tensor 'b1:0' where 'b0:0' was expected");
  Tensor retyped = t;
  retyped.set_dtype("f32");
  EXPECT_FALSE(checkTensor(retyped, info, error));
  EXPECT_EQ(error, "tensor 'b0:0': dtype 'f32', expected i8");
  Tensor reshaped = t;
  reshaped.set_shape(1, 2);
  EXPECT_FALSE(checkTensor(reshaped, info, error));
  EXPECT_EQ(error, "tensor 'b0:0': shape 1x2, expected 1x4");
  Tensor shortened = t;
  shortened.set_data("abc");
  EXPECT_FALSE(checkTensor(shortened, info, error));
  EXPECT_EQ(error, "tensor 'b0:0': 3 bytes of data, its shape needs 4");
}

TEST(Protocol, Addresses) {
  EXPECT_TRUE(isLoopback("127.0.0.1:7000"));
  EXPECT_TRUE(isLoopback("127.3.4.5:1"));
  EXPECT_TRUE(isLoopback("localhost:7000"));
  EXPECT_TRUE(isLoopback("[::1]:7000"));
  EXPECT_FALSE(isLoopback("10.0.0.1:7000"));
  EXPECT_FALSE(isLoopback("0.0.0.0:7000"));
  EXPECT_FALSE(isLoopback("[::]:7000"));
  EXPECT_FALSE(isLoopback("127example.com:7000"));
}

TEST(Protocol, ShippedPaths) {
  EXPECT_TRUE(isSafeShippedPath("cpu/libmodel.so"));
  EXPECT_TRUE(isSafeShippedPath("weights.safetensors"));
  for (const char *bad : {"", "/etc/passwd", "../x", "cpu/../../x", "cpu//x",
                          "cpu/", "./x", "a b", "x\n"})
    EXPECT_FALSE(isSafeShippedPath(bad)) << bad;
  EXPECT_FALSE(isSafeShippedPath(std::string(256, 'a')));
}

TEST(Protocol, Targets) {
  std::string error;
  EXPECT_TRUE(canRunTarget("x86-64-linux-avx-avx2-no_asserts", "x86-64",
                           {"avx", "avx2"}, error))
      << error;
  EXPECT_FALSE(
      canRunTarget("x86-64-linux-avx2-avx512", "x86-64", {"avx2"}, error));
  EXPECT_EQ(error, "its CPU lacks avx512, which the package's code "
                   "(x86-64-linux-avx2-avx512) uses");
  EXPECT_FALSE(canRunTarget("arm-32-linux", "x86-64", {}, error));
  EXPECT_EQ(error, "its CPU is x86-64, the package's code is for arm-32 "
                   "(arm-32-linux)");
}

TEST(Worker, NeedsTlsAndTokenOffLoopback) {
  WorkerOptions options;
  options.address = "0.0.0.0:0";
  std::string error;
  EXPECT_FALSE(WorkerServer::start(options, error));
  EXPECT_EQ(error, "0.0.0.0:0: not a loopback address, so the worker needs "
                   "TLS (--tls-cert, --tls-key) and a shared token "
                   "(--token-file), or --insecure");
  options.tlsCert = "/nonexistent/cert.pem";
  options.tlsKey = "/nonexistent/key.pem";
  options.token = "t";
  EXPECT_FALSE(WorkerServer::start(options, error));
  EXPECT_EQ(error, "/nonexistent/key.pem: cannot read the TLS key");
}

TEST(Worker, RefusesCallsWithoutItsToken) {
  WorkerOptions options;
  options.token = "secret";
  auto server = startWorker(options);
  ASSERT_TRUE(server);
  auto stub = stubFor(server->port());
  for (const char *token : {"", "secreT", "secret2"}) {
    grpc::ClientContext context;
    if (*token)
      context.AddMetadata(kTokenKey, token);
    HealthReply reply;
    grpc::Status status = stub->Health(&context, HealthRequest(), &reply);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(status.error_message(), "the call lacks the worker's token");
  }
  LoadReply loaded;
  EXPECT_EQ(load(*stub, packageChunks(), "wrong", loaded).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext context;
  withToken(context, "secret");
  HealthReply reply;
  ASSERT_TRUE(stub->Health(&context, HealthRequest(), &reply).ok());
  EXPECT_EQ(reply.arch(), hostArch());
  EXPECT_EQ(reply.packages_size(), 0);

  // A coordinator without the token is refused at connect.
  lcp_distributed_options remote{};
  std::string address = "127.0.0.1:" + std::to_string(server->port());
  remote.workers = address.c_str();
  lcp_model *model = nullptr;
  EXPECT_EQ(lcp_model_load_distributed(kPackage.c_str(), &remote, &model),
            LCP_ERROR_ARGUMENT);
  EXPECT_NE(std::string(lcp_last_error()).find("lacks the worker's token"),
            std::string::npos)
      << lcp_last_error();
}

TEST(Worker, ChecksShipments) {
  WorkerOptions options;
  auto server = startWorker(options);
  ASSERT_TRUE(server);
  auto stub = stubFor(server->port());
  auto expectRefused = [&](std::vector<LoadChunk> chunks, grpc::StatusCode code,
                           const std::string &part) {
    LoadReply reply;
    grpc::Status status = load(*stub, chunks, "", reply);
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_NE(status.error_message().find(part), std::string::npos)
        << status.error_message();
  };
  std::vector<LoadChunk> good = packageChunks();

  std::vector<LoadChunk> noManifest(good.begin() + 1, good.end());
  expectRefused(noManifest, grpc::StatusCode::INVALID_ARGUMENT,
                "the first chunk must carry manifest.json");
  for (const char *path : {"../weights.safetensors", "cpu/model.h",
                           "/tmp/libmodel.so", "manifest.json"}) {
    std::vector<LoadChunk> chunks = good;
    chunks[2].set_path(path);
    expectRefused(chunks, grpc::StatusCode::INVALID_ARGUMENT,
                  "refused file '" + std::string(path) + "'");
  }
  std::vector<LoadChunk> gap = good;
  gap[1].set_offset(10);
  expectRefused(gap, grpc::StatusCode::INVALID_ARGUMENT,
                "weights.safetensors: chunk at offset 10, expected 0");
  std::vector<LoadChunk> missing(good.begin(), good.begin() + 2);
  expectRefused(missing, grpc::StatusCode::INVALID_ARGUMENT,
                "cpu/libmodel.so was not sent");
  std::vector<LoadChunk> corrupt = good;
  std::string weights = corrupt[1].data();
  weights[weights.size() / 2] ^= 1;
  corrupt[1].set_data(weights);
  expectRefused(corrupt, grpc::StatusCode::INVALID_ARGUMENT,
                "weights.safetensors: SHA-256");
  std::vector<LoadChunk> badManifest = good;
  badManifest[0].set_manifest("{\"format\": \"lcp-package\"}");
  expectRefused(badManifest, grpc::StatusCode::INVALID_ARGUMENT,
                "load: manifest.json:");

  WorkerOptions small;
  small.maxPackageBytes = 1000;
  auto tiny = startWorker(small);
  ASSERT_TRUE(tiny);
  auto tinyStub = stubFor(tiny->port());
  LoadReply reply;
  grpc::Status status = load(*tinyStub, good, "", reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(status.error_message(), "load: the package exceeds the worker's "
                                    "limit of 1000 bytes");

  // After all that, the real package loads.
  ASSERT_TRUE(load(*stub, good, "", reply).ok());
  std::string manifest = good[0].manifest();
  EXPECT_EQ(reply.package(), sha256Hex(manifest.data(), manifest.size()));
}

TEST(Worker, ChecksRunRequests) {
  WorkerOptions options;
  options.maxMessageBytes = 1 << 20;
  auto server = startWorker(options);
  ASSERT_TRUE(server);
  auto stub = stubFor(server->port());
  LoadReply loaded;
  ASSERT_TRUE(load(*stub, packageChunks(), "", loaded).ok());

  Package package;
  std::string error;
  ASSERT_TRUE(loadPackage(kPackage, package, error)) << error;
  const UnitInfo *branch = nullptr;
  for (const UnitInfo &u : package.units)
    if (u.kind == "branch" && !branch)
      branch = &u;
  ASSERT_TRUE(branch);
  const TensorInfo &input = package.inputs[0];
  std::string bytes(input.numElements() * sizeof(float), '\0');

  auto run = [&](const RunRequest &request, RunReply &reply) {
    grpc::ClientContext context;
    withToken(context, "");
    return stub->Run(&context, request, &reply);
  };
  RunRequest good;
  good.set_package(loaded.package());
  good.add_units(branch->id);
  fillTensor(*good.add_inputs(), input, bytes.data(), bytes.size());
  RunReply reply;
  grpc::Status status = run(good, reply);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(reply.outputs_size(), 1);
  EXPECT_TRUE(checkTensor(reply.outputs(0), branch->outputs[0], error))
      << error;

  auto expectRefused = [&](const RunRequest &request, grpc::StatusCode code,
                           const std::string &message) {
    RunReply r;
    grpc::Status s = run(request, r);
    EXPECT_EQ(s.error_code(), code) << s.error_message();
    EXPECT_EQ(s.error_message(), message);
  };
  RunRequest unknownPackage = good;
  unknownPackage.set_package("feed");
  expectRefused(unknownPackage, grpc::StatusCode::NOT_FOUND,
                "run: package feed is not loaded here");
  RunRequest noUnits = good;
  noUnits.clear_units();
  expectRefused(noUnits, grpc::StatusCode::INVALID_ARGUMENT,
                "run: no units given");
  RunRequest unknownUnit = good;
  unknownUnit.set_units(0, "nosuch");
  expectRefused(unknownUnit, grpc::StatusCode::INVALID_ARGUMENT,
                "run: the package has no unit 'nosuch'");
  RunRequest twice = good;
  twice.add_units(branch->id);
  expectRefused(twice, grpc::StatusCode::INVALID_ARGUMENT,
                "run: unit '" + branch->id + "' is given twice");
  RunRequest noInputs = good;
  noInputs.clear_inputs();
  expectRefused(noInputs, grpc::StatusCode::INVALID_ARGUMENT,
                "run: 0 input tensors, the units read 1");
  RunRequest wrongShape = good;
  wrongShape.mutable_inputs(0)->set_shape(0, 2);
  expectRefused(wrongShape, grpc::StatusCode::INVALID_ARGUMENT,
                "run: tensor 'input:0': shape 2x1x28x28, expected 1x1x28x28");
  RunRequest wrongBytes = good;
  wrongBytes.mutable_inputs(0)->set_data("xyz");
  expectRefused(wrongBytes, grpc::StatusCode::INVALID_ARGUMENT,
                "run: tensor 'input:0': 3 bytes of data, its shape needs " +
                    std::to_string(bytes.size()));
  RunRequest tooLarge = good;
  tooLarge.mutable_inputs(0)->set_data(std::string(2 << 20, '\0'));
  RunReply ignored;
  EXPECT_EQ(run(tooLarge, ignored).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);

  StatsReply stats;
  grpc::ClientContext context;
  withToken(context, "");
  ASSERT_TRUE(stub->Stats(&context, StatsRequest(), &stats).ok());
  EXPECT_EQ(stats.runs(), 1u);
  EXPECT_EQ(stats.failures(), 7u);
  EXPECT_EQ(stats.bytes_in(), bytes.size());
}

/// A worker that takes the package and then misbehaves in Run.
class FaultyWorker final : public Worker::Service {
public:
  enum class Fault { WrongShape, WrongCount, Stall, Error };
  explicit FaultyWorker(Fault fault) : fault(fault) {}

  grpc::Status Load(grpc::ServerContext *, grpc::ServerReader<LoadChunk> *in,
                    LoadReply *reply) override {
    LoadChunk chunk;
    in->Read(&chunk);
    std::string manifest = chunk.manifest();
    std::string error;
    EXPECT_TRUE(parseManifest(manifest, package, error)) << error;
    reply->set_package(sha256Hex(manifest.data(), manifest.size()));
    while (in->Read(&chunk)) {
    }
    return grpc::Status::OK;
  }
  grpc::Status Run(grpc::ServerContext *context, const RunRequest *request,
                   RunReply *reply) override {
    ++calls;
    switch (fault) {
    case Fault::Stall:
      while (!context->IsCancelled())
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return grpc::Status::CANCELLED;
    case Fault::Error:
      return grpc::Status(grpc::StatusCode::INTERNAL, "out of order");
    case Fault::WrongCount:
      return grpc::Status::OK;
    case Fault::WrongShape:
      break;
    }
    // The right values and dtypes, each with a batch of two.
    for (const std::string &id : request->units())
      for (const UnitInfo &u : package.units)
        if (u.id == id)
          for (const TensorInfo &t : u.outputs) {
            TensorInfo doubled = t;
            doubled.shape[0] *= 2;
            std::string bytes(
                doubled.numElements() * storageBytes(doubled.type), '\0');
            fillTensor(*reply->add_outputs(), doubled, bytes.data(),
                       bytes.size());
          }
    return grpc::Status::OK;
  }
  grpc::Status Health(grpc::ServerContext *, const HealthRequest *,
                      HealthReply *reply) override {
    reply->set_arch(hostArch());
    for (const std::string &f : hostFeatures())
      reply->add_features(f);
    return grpc::Status::OK;
  }

  std::atomic<int> calls{0};

private:
  Fault fault;
  Manifest package;
};

class Failover : public ::testing::TestWithParam<FaultyWorker::Fault> {};

TEST_P(Failover, RoutesAroundAWorkerThatAnswersWrongly) {
  FaultyWorker faulty(GetParam());
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&faulty);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_TRUE(server);
  auto good = startWorker(WorkerOptions());
  ASSERT_TRUE(good);

  std::string workers = "127.0.0.1:" + std::to_string(port) +
                        ",127.0.0.1:" + std::to_string(good->port());
  lcp_distributed_options remote{};
  remote.workers = workers.c_str();
  remote.deadline_ms = 300;
  lcp_model *model = nullptr;
  ASSERT_EQ(lcp_model_load_distributed(kPackage.c_str(), &remote, &model),
            LCP_OK)
      << lcp_last_error();
  expectReferenceOutputs(model);
  lcp_distributed_stats stats;
  ASSERT_EQ(lcp_model_distributed_stats(model, &stats), LCP_OK);
  EXPECT_GE(faulty.calls, 1);
  EXPECT_GE(stats.failures, 1u);
  EXPECT_GE(stats.failovers, 1u);
  lcp_worker_stats first;
  ASSERT_EQ(lcp_model_worker_stats(model, 0, &first), LCP_OK);
  EXPECT_EQ(first.calls, 0u); // never an answer taken from it
  lcp_model_free(model);
  server->Shutdown(std::chrono::system_clock::now());
}

std::string
faultName(const ::testing::TestParamInfo<FaultyWorker::Fault> &info) {
  static const char *const names[] = {"WrongShape", "WrongCount", "Stall",
                                      "Error"};
  return names[static_cast<int>(info.param)];
}

INSTANTIATE_TEST_SUITE_P(Faults, Failover,
                         ::testing::Values(FaultyWorker::Fault::WrongShape,
                                           FaultyWorker::Fault::WrongCount,
                                           FaultyWorker::Fault::Stall,
                                           FaultyWorker::Fault::Error),
                         faultName);

TEST(Tls, EncryptsAndRefusesPlaintext) {
  std::string dir =
      ::testing::TempDir() + "/lcp-tls-" + std::to_string(::getpid());
  std::string command =
      "mkdir -p " + dir +
      " && openssl req -x509 -newkey rsa:2048 -nodes "
      "-subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost "
      "-days 1 -keyout " +
      dir + "/key.pem -out " + dir + "/cert.pem >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  WorkerOptions options;
  options.tlsCert = dir + "/cert.pem";
  options.tlsKey = dir + "/key.pem";
  options.token = "shared";
  auto server = startWorker(options);
  ASSERT_TRUE(server);

  // Plaintext gets no answer from a TLS worker.
  auto plain = stubFor(server->port());
  grpc::ClientContext context;
  withToken(context, "shared");
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(2));
  HealthReply health;
  EXPECT_FALSE(plain->Health(&context, HealthRequest(), &health).ok());

  std::string address = "127.0.0.1:" + std::to_string(server->port());
  std::string ca = dir + "/cert.pem";
  lcp_distributed_options remote{};
  remote.workers = address.c_str();
  remote.tls_ca = ca.c_str();
  lcp_model *model = nullptr;
  // TLS without the token is refused...
  EXPECT_EQ(lcp_model_load_distributed(kPackage.c_str(), &remote, &model),
            LCP_ERROR_ARGUMENT);
  // ... and with it the model runs there, bit for bit.
  remote.token = "shared";
  ASSERT_EQ(lcp_model_load_distributed(kPackage.c_str(), &remote, &model),
            LCP_OK)
      << lcp_last_error();
  expectReferenceOutputs(model);
  lcp_distributed_stats stats;
  lcp_model_distributed_stats(model, &stats);
  EXPECT_EQ(stats.live, 1);
  EXPECT_EQ(stats.failovers, 0u);
  EXPECT_GT(stats.calls, 0u);
  lcp_model_free(model);
  std::system(("rm -rf " + dir).c_str());
}

} // namespace
