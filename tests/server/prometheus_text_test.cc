// The Prometheus text exposition format: HELP and TYPE lines, samples with
// labels, escaping, and numbers.
#include "server/prometheus_text.h"

#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace konfero::server {
namespace {

TEST(PrometheusTextTest, WritesHelpTypeAndSamples) {
  PrometheusText out;
  out.Family("x_total", "counter", "Things seen.");
  out.Sample("x_total", {{"kind", "a"}, {"zone", "b"}}, 3);
  out.Sample("x_total", 0.25);
  EXPECT_EQ(std::move(out).Take(),
            "# HELP x_total Things seen.\n"
            "# TYPE x_total counter\n"
            "x_total{kind=\"a\",zone=\"b\"} 3\n"
            "x_total 0.25\n");
}

TEST(PrometheusTextTest, EscapesLabelValuesAndHelp) {
  PrometheusText out;
  out.Family("y", "gauge", "Back\\slash\nnewline \"quoted\"");
  out.Sample("y", {{"v", "a\"b\\c\nd"}}, 1);
  EXPECT_EQ(std::move(out).Take(),
            "# HELP y Back\\\\slash\\nnewline \"quoted\"\n"
            "# TYPE y gauge\n"
            "y{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(PrometheusTextTest, LargeCountsPrintExactly) {
  PrometheusText out;
  out.Sample("z", 1234567890123.0);
  EXPECT_EQ(std::move(out).Take(), "z 1234567890123\n");
}

TEST(PrometheusTextTest, SpecialValuesUseTheFormatsSpelling) {
  PrometheusText out;
  out.Sample("a", std::numeric_limits<double>::infinity());
  out.Sample("b", -std::numeric_limits<double>::infinity());
  out.Sample("c", std::numeric_limits<double>::quiet_NaN());
  out.Sample("d", -2);
  EXPECT_EQ(std::move(out).Take(), "a +Inf\nb -Inf\nc NaN\nd -2\n");
}

}  // namespace
}  // namespace konfero::server
