// bandwidth_estimator.h in closed loop: the sender sends at the target
// through a simulated bottleneck (link_simulator.h), the far end's
// feedback comes back over the wire format, and the estimate must find the
// capacity, follow it down and up, keep the queue short, react to random
// loss that matters and not to loss that does not. All time is synthetic.
#include <cstdint>

#include <gtest/gtest.h>

#include "bwe/bandwidth_estimator.h"
#include "bwe/link_simulator.h"

namespace konfero::bwe {
namespace {

using testing::kMillisecond;
using testing::kSecond;
using testing::LinkConfig;
using testing::LinkSimulation;

constexpr int64_t kCapacity = 2'500'000;

TEST(BandwidthEstimatorSimulationTest, RampsUpToTheBottleneckWithoutOvershooting) {
  LinkSimulation sim({.start_bps = 300'000}, {.capacity_bps = kCapacity});
  sim.RunUntil(10 * kSecond);
  const auto reached = sim.FirstTime(0, 10 * kSecond, [](int64_t bps) { return bps >= 1'500'000; });
  ASSERT_TRUE(reached.has_value()) << "target after 10 s: " << sim.estimator().target_bps();
  sim.RunUntil(60 * kSecond);
  EXPECT_LE(sim.MaxTarget(0, 60 * kSecond), kCapacity * 12 / 10);
  // Once there, it uses the link: on average at least 80 % of it.
  EXPECT_GE(sim.MeanTarget(15 * kSecond, 60 * kSecond), kCapacity * 8 / 10);
  // The delay-based estimate found the capacity, not loss.
  const auto stats = sim.estimator().stats();
  EXPECT_GE(stats.overuse_events, 1);
  EXPECT_EQ(stats.loss_based_bps, 20'000'000);
}

TEST(BandwidthEstimatorSimulationTest, KeepsTheQueueShortOnceConverged) {
  LinkSimulation sim({.start_bps = 300'000}, {.capacity_bps = kCapacity});
  sim.RunUntil(15 * kSecond);
  sim.link().reset_max_queue_delay();
  sim.RunUntil(60 * kSecond);
  EXPECT_LE(sim.link().max_queue_delay_us(), 60 * kMillisecond);
}

TEST(BandwidthEstimatorSimulationTest, FollowsTheCapacityDownAndBackUp) {
  LinkSimulation sim({.start_bps = 300'000}, {.capacity_bps = kCapacity});
  sim.RunUntil(20 * kSecond);
  ASSERT_GE(sim.estimator().target_bps(), 1'500'000);

  sim.link().set_capacity_bps(500'000);
  sim.RunUntil(35 * kSecond);
  const auto fell = sim.FirstTime(20 * kSecond, 35 * kSecond, [](int64_t bps) { return bps < 700'000; });
  ASSERT_TRUE(fell.has_value());
  EXPECT_LE(*fell, 23 * kSecond);
  // ...and stays near the new capacity, without starving.
  EXPECT_LE(sim.MaxTarget(25 * kSecond, 35 * kSecond), 500'000 * 12 / 10);
  EXPECT_GE(sim.MeanTarget(25 * kSecond, 35 * kSecond), 500'000 * 7 / 10);

  sim.link().set_capacity_bps(kCapacity);
  sim.RunUntil(60 * kSecond);
  const auto recovered =
      sim.FirstTime(35 * kSecond, 60 * kSecond, [](int64_t bps) { return bps > 1'500'000; });
  ASSERT_TRUE(recovered.has_value());
  EXPECT_LE(*recovered, 50 * kSecond);
  EXPECT_LE(sim.MaxTarget(35 * kSecond, 60 * kSecond), kCapacity * 12 / 10);
}

TEST(BandwidthEstimatorSimulationTest, TenPercentRandomLossDrivesTheLossBasedEstimateDown) {
  LinkSimulation sim({.start_bps = 1'000'000},
                     {.capacity_bps = 10'000'000, .loss = 0.10, .seed = 7});
  sim.RunUntil(30 * kSecond);
  const auto stats = sim.estimator().stats();
  EXPECT_LT(stats.loss_based_bps, 500'000);
  EXPECT_EQ(stats.target_bps, stats.loss_based_bps);
  EXPECT_LT(stats.loss_based_bps, stats.delay_based_bps);
  EXPECT_EQ(stats.overuse_events, 0);  // the delay never grew: it is loss alone
  // The measured loss, over the run.
  double sum = 0;
  for (const auto& s : sim.samples()) sum += s.stats.loss_fraction;
  EXPECT_NEAR(sum / static_cast<double>(sim.samples().size()), 0.10, 0.03);
}

TEST(BandwidthEstimatorSimulationTest, OnePercentRandomLossDoesNotHoldTheRateDown) {
  LinkSimulation sim({.start_bps = 1'000'000},
                     {.capacity_bps = 10'000'000, .loss = 0.01, .seed = 7});
  sim.RunUntil(30 * kSecond);
  EXPECT_GE(sim.MeanTarget(15 * kSecond, 30 * kSecond), 8'000'000);
  EXPECT_LE(sim.MaxTarget(0, 30 * kSecond), 12'000'000);
  // The loss was seen; it just did not matter.
  bool saw_loss = false;
  for (const auto& s : sim.samples()) saw_loss |= s.stats.loss_fraction > 0;
  EXPECT_TRUE(saw_loss);
}

TEST(BandwidthEstimatorSimulationTest, SequenceNumbersWrapWithoutALoss) {
  // Starts 500 numbers before the wrap: it comes within the first seconds.
  LinkSimulation sim({.start_bps = 300'000}, {.capacity_bps = kCapacity}, /*first_seq=*/65'000);
  sim.RunUntil(20 * kSecond);
  ASSERT_GT(sim.packets_sent(), 3'000u);
  for (const auto& s : sim.samples()) ASSERT_EQ(s.stats.loss_fraction, 0.0) << s.time_us;
  EXPECT_EQ(sim.estimator().stats().loss_based_bps, 20'000'000);
  EXPECT_GE(sim.estimator().target_bps(), 1'500'000);
  EXPECT_EQ(sim.generator().stats().late, 0u);
}

TEST(BandwidthEstimatorSimulationTest, IsDeterministic) {
  LinkSimulation a({.start_bps = 300'000}, {.capacity_bps = kCapacity, .loss = 0.02, .seed = 3});
  LinkSimulation b({.start_bps = 300'000}, {.capacity_bps = kCapacity, .loss = 0.02, .seed = 3});
  a.RunUntil(20 * kSecond);
  b.RunUntil(20 * kSecond);
  ASSERT_EQ(a.samples().size(), b.samples().size());
  for (size_t i = 0; i < a.samples().size(); ++i) {
    ASSERT_EQ(a.samples()[i].stats.target_bps, b.samples()[i].stats.target_bps) << i;
  }
}

}  // namespace
}  // namespace konfero::bwe
