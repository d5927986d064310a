// konfero-server's settings: flags, the config file, validation messages,
// and the origin the server derives its links from.
#include "server/config.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace konfero::server {
namespace {

using ::testing::HasSubstr;

// Config files served from memory.
class FakeFiles {
 public:
  void Add(std::string path, std::string text) { files_[std::move(path)] = std::move(text); }
  FileReader Reader() {
    return [this](const std::string& path) -> absl::StatusOr<std::string> {
      auto it = files_.find(path);
      if (it == files_.end()) return absl::NotFoundError("cannot read " + path + ": no such file");
      return it->second;
    };
  }

 private:
  std::map<std::string, std::string> files_;
};

absl::StatusOr<ParsedArgs> Parse(std::vector<std::string_view> args, FakeFiles* files = nullptr) {
  FakeFiles none;
  return ParseArgs(args, (files != nullptr ? files : &none)->Reader());
}

std::string ErrorOf(std::vector<std::string_view> args, FakeFiles* files = nullptr) {
  absl::StatusOr<ParsedArgs> parsed = Parse(std::move(args), files);
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? std::string() : std::string(parsed.status().message());
}

TEST(ConfigTest, NoFlagsGiveTheDocumentedDefaults) {
  absl::StatusOr<ParsedArgs> parsed = Parse({});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const ServerConfig& c = parsed->config;
  EXPECT_FALSE(parsed->help);
  EXPECT_EQ(c.listen_host, "127.0.0.1");
  EXPECT_EQ(c.listen_port, 8080);
  EXPECT_EQ(c.media_address, "127.0.0.1");
  EXPECT_EQ(c.media_port, 0);
  EXPECT_EQ(c.announce, "");
  EXPECT_EQ(c.data_dir, "./konfero-data");
  EXPECT_EQ(c.licence_seats, 10);
  EXPECT_EQ(c.reconnect_grace_seconds, 20);
  EXPECT_FALSE(c.tls());
  EXPECT_EQ(c.log_level, LogLevel::kInfo);
  EXPECT_EQ(c.Origin(), "http://127.0.0.1:8080");
}

TEST(ConfigTest, FlagsTakeSeparateOrInlineValues) {
  absl::StatusOr<ParsedArgs> parsed =
      Parse({"--listen", "0.0.0.0:9000", "--media-port=40000", "--announce", "203.0.113.5",
             "--dial-in-number=+49 30 1234567", "--licence-seats", "25", "--log-level=debug",
             "--reconnect-grace=3",
             "--data-dir", "/var/lib/konfero", "--web-root=/srv/web", "--media-address", "::"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const ServerConfig& c = parsed->config;
  EXPECT_EQ(c.listen_host, "0.0.0.0");
  EXPECT_EQ(c.listen_port, 9000);
  EXPECT_EQ(c.media_port, 40000);
  EXPECT_EQ(c.media_address, "::");
  EXPECT_EQ(c.announce, "203.0.113.5");
  EXPECT_EQ(c.dial_in_number, "+49 30 1234567");
  EXPECT_EQ(c.licence_seats, 25);
  EXPECT_EQ(c.reconnect_grace_seconds, 3);
  EXPECT_EQ(c.log_level, LogLevel::kDebug);
  EXPECT_EQ(c.data_dir, "/var/lib/konfero");
  EXPECT_EQ(c.web_root, "/srv/web");
}

TEST(ConfigTest, HelpWinsOverEverythingElse) {
  absl::StatusOr<ParsedArgs> parsed = Parse({"--listen", "nonsense", "--help"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->help);
  EXPECT_THAT(Usage(), HasSubstr("--licence-seats N"));
  EXPECT_THAT(Usage(), HasSubstr("--tls-cert FILE"));
}

TEST(ConfigTest, ListenAcceptsIpv4AndBracketedIpv6) {
  absl::StatusOr<ParsedArgs> v6 = Parse({"--listen", "[::1]:8443"});
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->config.listen_host, "::1");
  EXPECT_EQ(v6->config.listen_port, 8443);
  EXPECT_EQ(v6->config.Origin(), "http://[::1]:8443");
  absl::StatusOr<ParsedArgs> any_port = Parse({"--listen", "127.0.0.1:0"});
  ASSERT_TRUE(any_port.ok());
  EXPECT_EQ(any_port->config.Origin(41234), "http://127.0.0.1:41234");
}

TEST(ConfigTest, BadListenValuesSayWhatIsExpected) {
  for (std::string_view bad : {"8080", "localhost:8080", "127.0.0.1", "127.0.0.1:", "::1:80",
                               "[::1]8080", "1.2.3.4:65536", "1.2.3.4:-1", "1.2.3.4:80x"}) {
    EXPECT_THAT(ErrorOf({"--listen", bad}), HasSubstr("--listen")) << bad;
  }
  EXPECT_THAT(ErrorOf({"--listen", "1.2.3.4:99999"}), HasSubstr("0 to 65535"));
}

TEST(ConfigTest, BadValuesOfOtherFlagsAreRefused) {
  EXPECT_THAT(ErrorOf({"--media-port", "70000"}), HasSubstr("--media-port"));
  EXPECT_THAT(ErrorOf({"--media-address", "my-host"}), HasSubstr("IPv4 or IPv6"));
  EXPECT_THAT(ErrorOf({"--announce", "300.1.1.1"}), HasSubstr("--announce"));
  EXPECT_THAT(ErrorOf({"--licence-seats", "-1"}), HasSubstr("0 to 100000"));
  EXPECT_THAT(ErrorOf({"--licence-seats", "ten"}), HasSubstr("--licence-seats"));
  EXPECT_THAT(ErrorOf({"--reconnect-grace", "3601"}), HasSubstr("0 to 3600"));
  EXPECT_THAT(ErrorOf({"--reconnect-grace", "-1"}), HasSubstr("--reconnect-grace"));
  EXPECT_THAT(ErrorOf({"--reconnect-grace", "2.5"}), HasSubstr("whole seconds"));
  EXPECT_THAT(ErrorOf({"--log-level", "loud"}), HasSubstr("debug, info, warn or error"));
  EXPECT_THAT(ErrorOf({"--dial-in-number", "call me"}), HasSubstr("--dial-in-number"));
  EXPECT_THAT(ErrorOf({"--data-dir="}), HasSubstr("must not be empty"));
  EXPECT_THAT(ErrorOf({"--public-url", "ftp://x"}), HasSubstr("--public-url"));
  EXPECT_THAT(ErrorOf({"--public-url", "https://x/path"}), HasSubstr("no path"));
}

TEST(ConfigTest, MisusedFlagsAreNamed) {
  EXPECT_THAT(ErrorOf({"--lisen", "1.2.3.4:80"}), HasSubstr("unknown flag --lisen"));
  EXPECT_THAT(ErrorOf({"--listen"}), HasSubstr("--listen needs a value"));
  EXPECT_THAT(ErrorOf({"serve"}), HasSubstr("unexpected argument \"serve\""));
  EXPECT_THAT(ErrorOf({"--help=yes"}), HasSubstr("--help takes no value"));
}

TEST(ConfigTest, TlsNeedsCertificateAndKeyTogether) {
  EXPECT_THAT(ErrorOf({"--tls-cert", "cert.pem"}), HasSubstr("--tls-cert and --tls-key"));
  EXPECT_THAT(ErrorOf({"--tls-key", "key.pem"}), HasSubstr("--tls-cert and --tls-key"));
  absl::StatusOr<ParsedArgs> both = Parse({"--tls-cert", "c.pem", "--tls-key", "k.pem"});
  ASSERT_TRUE(both.ok()) << both.status();
  EXPECT_TRUE(both->config.tls());
  EXPECT_EQ(both->config.Origin(), "https://127.0.0.1:8080");
}

TEST(ConfigTest, OriginOfAnUnspecifiedListenerUsesTheAnnouncedAddress) {
  absl::StatusOr<ParsedArgs> parsed = Parse({"--listen", "0.0.0.0:80"});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->config.Origin(), "http://127.0.0.1:80");
  parsed = Parse({"--listen", "0.0.0.0:80", "--announce", "2001:db8::7"});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->config.Origin(), "http://[2001:db8::7]:80");
  parsed = Parse({"--listen", "0.0.0.0:80", "--public-url", "https://meet.example.com/"});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->config.Origin(8443), "https://meet.example.com");
}

TEST(ConfigTest, ConfigFileSetsValuesAndFlagsOverrideIt) {
  FakeFiles files;
  files.Add("/etc/konfero.conf",
            "# konfero-server\n"
            "\n"
            "listen = 0.0.0.0:8443\n"
            "  licence-seats=3  \n"
            "dial-in-number = +49 30 555 0100\r\n"
            "log-level = warn\n");
  absl::StatusOr<ParsedArgs> parsed =
      Parse({"--licence-seats", "7", "--config", "/etc/konfero.conf"}, &files);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->config.listen_host, "0.0.0.0");
  EXPECT_EQ(parsed->config.listen_port, 8443);
  EXPECT_EQ(parsed->config.licence_seats, 7);  // the flag, though it came first
  EXPECT_EQ(parsed->config.dial_in_number, "+49 30 555 0100");
  EXPECT_EQ(parsed->config.log_level, LogLevel::kWarn);
}

TEST(ConfigTest, ConfigFileErrorsNameTheFileAndLine) {
  FakeFiles files;
  files.Add("a.conf", "listen = 1.2.3.4:80\nport = 80\n");
  files.Add("b.conf", "listen 1.2.3.4:80\n");
  files.Add("c.conf", "licence-seats = 1\n\nlicence-seats = 2\n");
  files.Add("d.conf", "# fine\nmedia-port = big\n");
  files.Add("e.conf", "config = other.conf\n");
  EXPECT_THAT(ErrorOf({"--config", "a.conf"}, &files), HasSubstr("a.conf line 2: unknown key \"port\""));
  EXPECT_THAT(ErrorOf({"--config", "b.conf"}, &files), HasSubstr("b.conf line 1: expected \"key = value\""));
  EXPECT_THAT(ErrorOf({"--config", "c.conf"}, &files), HasSubstr("c.conf line 3: \"licence-seats\" was already set on line 1"));
  EXPECT_THAT(ErrorOf({"--config", "d.conf"}, &files), HasSubstr("d.conf line 2: --media-port"));
  EXPECT_THAT(ErrorOf({"--config", "e.conf"}, &files), HasSubstr("unknown key \"config\""));
  EXPECT_THAT(ErrorOf({"--config", "missing.conf"}, &files), HasSubstr("missing.conf: no such file"));
  EXPECT_THAT(ErrorOf({"--config", "a.conf", "--config", "b.conf"}, &files),
              HasSubstr("--config may be given once"));
}

TEST(ConfigTest, ReadFileFromDiskNamesAMissingFile) {
  absl::StatusOr<std::string> text = ReadFileFromDisk("/nonexistent/konfero.conf");
  EXPECT_TRUE(absl::IsNotFound(text.status()));
  EXPECT_THAT(std::string(text.status().message()), HasSubstr("/nonexistent/konfero.conf"));
}

}  // namespace
}  // namespace konfero::server
