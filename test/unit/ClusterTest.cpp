//===- ClusterTest.cpp - Cluster descriptions and the cost model ----------===//
//
// The simulator's numbers here were worked out by hand: links of 8 Mbps
// (1 byte per microsecond) and no latency, so that each transfer takes its
// size in microseconds.
//
//===----------------------------------------------------------------------===//

#include "targets/cluster/Cluster.h"
#include "targets/cluster/ClusterSimulator.h"

#include <gtest/gtest.h>

using namespace lcp;

namespace {

Cluster threeDevices(const char *medium) {
  std::string text = std::string(R"({
    "format": "lcp-cluster", "version": 1, "name": "three",
    "network": {"medium": ")") +
                     medium + R"(", "bandwidth_mbps": 8,
                "latency_ms": 0},
    "coordinator": "c",
    "devices": [
      {"name": "w", "count": 2, "kind": "cpu:host", "macs_per_s": 1e6,
       "memory_mb": 1},
      {"name": "c", "kind": "cpu:host", "macs_per_s": 1e6, "memory_mb": 1}
    ]})";
  llvm::Expected<Cluster> cluster = parseCluster(text, "three.json");
  EXPECT_TRUE(static_cast<bool>(cluster));
  return cluster ? std::move(*cluster) : Cluster();
}

/// Two units on w0 and w1 read a 100-byte input; a unit on the
/// coordinator joins their 50-byte results.
SimGraph fanOut() {
  SimGraph g;
  g.inputs = {{"input:0", 100}};
  g.units = {{"a", 0, 10e-6, {"input:0"}, {{"a:0", 50}}},
             {"b", 1, 10e-6, {"input:0"}, {{"b:0", 50}}},
             {"m", 2, 0, {"a:0", "b:0"}, {{"m:0", 4}}}};
  g.outputs = {"m:0"};
  return g;
}

TEST(Cluster, ReadsDevicesCountsAndCoordinator) {
  Cluster c = threeDevices("switched");
  ASSERT_EQ(c.devices.size(), 3u);
  EXPECT_EQ(c.devices[0].name, "w0");
  EXPECT_EQ(c.devices[1].name, "w1");
  EXPECT_EQ(c.coordinator, 2u);
  EXPECT_EQ(c.devices[0].memoryBytes(), 1024 * 1024);
  EXPECT_DOUBLE_EQ(c.devices[0].linkBitsPerSecond(), 8e6);
  // What the IR keeps reads back the same.
  std::string json;
  llvm::raw_string_ostream os(json);
  os << toJson(c);
  llvm::Expected<Cluster> back = parseCluster(json, "kept");
  ASSERT_TRUE(static_cast<bool>(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->devices.size(), 3u);
  EXPECT_EQ(back->devices[1].name, "w1");
  EXPECT_EQ(back->coordinator, 2u);
  EXPECT_EQ(back->medium, Cluster::Medium::Switched);
}

TEST(Cluster, PresetsRead) {
  for (const std::string &name : clusterPresetNames()) {
    llvm::Expected<Cluster> c = loadCluster(name);
    ASSERT_TRUE(static_cast<bool>(c)) << llvm::toString(c.takeError());
  }
  llvm::Expected<Cluster> rpi = loadCluster("rpi3-wifi-8");
  ASSERT_TRUE(static_cast<bool>(rpi));
  EXPECT_EQ(rpi->devices.size(), 8u);
  EXPECT_EQ(rpi->medium, Cluster::Medium::Shared);
  EXPECT_DOUBLE_EQ(rpi->devices[7].linkBitsPerSecond(), 62e6);
  EXPECT_DOUBLE_EQ(rpi->devices[7].linkLatencySeconds(), 8.8e-3);
}

TEST(ClusterSimulator, SharedMediumTakesTurns) {
  // The inputs go out at 0-100 and 100-200 us; a ends at 110, b at 210;
  // their results come back at 200-250 and 250-300.
  SimResult r =
      simulate(fanOut(), threeDevices("shared"), Routing::Coordinator);
  EXPECT_NEAR(r.latencySeconds, 300e-6, 1e-12);
  EXPECT_EQ(r.bytesOnWire, 300);
  EXPECT_EQ(r.transfers, 4);
  EXPECT_NEAR(r.secondsPerInference, 300e-6, 1e-12);
  EXPECT_EQ(r.bottleneck, "the shared medium");
}

TEST(ClusterSimulator, SwitchedLinksOverlap) {
  // The coordinator's uplink sends the inputs at 0-100 and 100-200 us;
  // a's result comes back at 110-160 while the uplink is busy, b's at
  // 210-260.
  SimResult r =
      simulate(fanOut(), threeDevices("switched"), Routing::Coordinator);
  EXPECT_NEAR(r.latencySeconds, 260e-6, 1e-12);
  EXPECT_NEAR(r.secondsPerInference, 200e-6, 1e-12);
  EXPECT_EQ(r.bottleneck, "the uplink of c");
  EXPECT_EQ(r.devices[2].bytesOut, 200);
  EXPECT_EQ(r.devices[2].bytesIn, 100);
}

TEST(ClusterSimulator, WorkerToWorkerGoesThroughTheCoordinator) {
  // A pipeline w0 -> w1: with the coordinator relaying, u1's 40 bytes go
  // up and down again.
  SimGraph g;
  g.inputs = {{"input:0", 100}};
  g.units = {{"u1", 0, 10e-6, {"input:0"}, {{"u1:0", 40}}},
             {"u2", 1, 10e-6, {"u1:0"}, {{"u2:0", 10}}}};
  g.outputs = {"u2:0"};
  Cluster c = threeDevices("shared");
  SimResult relayed = simulate(g, c, Routing::Coordinator);
  EXPECT_NEAR(relayed.latencySeconds, 210e-6, 1e-12);
  EXPECT_EQ(relayed.bytesOnWire, 190);
  EXPECT_EQ(relayed.transfers, 4);
  SimResult direct = simulate(g, c, Routing::Direct);
  EXPECT_NEAR(direct.latencySeconds, 170e-6, 1e-12);
  EXPECT_EQ(direct.bytesOnWire, 150);
  EXPECT_EQ(direct.transfers, 3);
}

TEST(ClusterSimulator, ValuesCrossOncePerDevice) {
  // Two units on w0 read the input: it is sent once.
  SimGraph g;
  g.inputs = {{"input:0", 100}};
  g.units = {{"a", 0, 0, {"input:0"}, {{"a:0", 1}}},
             {"b", 0, 0, {"input:0", "a:0"}, {{"b:0", 1}}}};
  g.outputs = {"b:0"};
  SimResult r = simulate(g, threeDevices("shared"), Routing::Coordinator);
  EXPECT_EQ(r.bytesOnWire, 101);
  EXPECT_EQ(r.transfers, 2);
}

TEST(ClusterSimulator, CallsAsTheRuntimeMakesThem) {
  // a and b are one run: both requests go out first (0-100, 100-200 us),
  // then the replies (200-250, 250-300); the merge runs at 300.
  SimResult fan = simulate(fanOut(), threeDevices("shared"), Routing::Calls);
  EXPECT_NEAR(fan.latencySeconds, 300e-6, 1e-12);
  EXPECT_EQ(fan.bytesOnWire, 300);
  EXPECT_EQ(fan.transfers, 4);

  // One layer's parts on the coordinator and w0, then the next layer's:
  // w0's second call carries both halves back to it (20 bytes at
  // 120-140 us), where a runtime that kept values would send one half as
  // soon as it was made.
  SimGraph g;
  g.inputs = {{"input:0", 100}};
  g.units = {{"p0", 2, 10e-6, {"input:0"}, {{"p0:0", 10}}},
             {"p1", 0, 10e-6, {"input:0"}, {{"p1:0", 10}}},
             {"q0", 2, 10e-6, {"p0:0", "p1:0"}, {{"q0:0", 10}}},
             {"q1", 0, 10e-6, {"p0:0", "p1:0"}, {{"q1:0", 10}}},
             {"g", 2, 0, {"q0:0", "q1:0"}, {{"g:0", 20}}}};
  g.outputs = {"g:0"};
  Cluster c = threeDevices("shared");
  SimResult calls = simulate(g, c, Routing::Calls);
  EXPECT_NEAR(calls.latencySeconds, 160e-6, 1e-12);
  EXPECT_EQ(calls.bytesOnWire, 140);
  EXPECT_EQ(calls.transfers, 4);
  // Keeping values: p1:0 goes to the coordinator at 110-120 (q0 at
  // 120-130), p0:0 to w0 at 120-130 (the medium takes transfers in the
  // order units ask; q1 at 130-140), q1:0 back at 140-150.
  SimResult kept = simulate(g, c, Routing::Coordinator);
  EXPECT_NEAR(kept.latencySeconds, 150e-6, 1e-12);
  EXPECT_EQ(kept.bytesOnWire, 130);
}

} // namespace
