// konfero-server's settings: flags, the config file, validation messages,
// and the origin the server derives its links from.
#include "server/config.h"

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace konfero::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

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

TEST(ConfigTest, AllowedOriginsAreNormalisedAndRepeatable) {
  FakeFiles files;
  files.Add("k.conf", "allowed-origin = https://a.example.com\nallowed-origin = https://b.example.com\n");
  absl::StatusOr<ParsedArgs> parsed = Parse({"--config", "k.conf"}, &files);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->config.allowed_origins,
            (std::vector<std::string>{"https://a.example.com", "https://b.example.com"}));
  parsed = Parse({"--config", "k.conf", "--allowed-origin", "HTTPS://Intranet.Example.com:443/"},
                 &files);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->config.allowed_origins,
            (std::vector<std::string>{"https://intranet.example.com"}));
  EXPECT_THAT(ErrorOf({"--allowed-origin", "https://a.example.com/app"}),
              HasSubstr("--allowed-origin: expected http(s)://host[:port]"));
  EXPECT_THAT(ErrorOf({"--allowed-origin", "*"}), HasSubstr("--allowed-origin"));
  EXPECT_THAT(ErrorOf({"--public-url", "https://user@meet.example.com"}),
              HasSubstr("--public-url"));
}

TEST(ConfigTest, MetricsTokenFromAFlagOrAFileNeverShownInErrors) {
  FakeFiles files;
  files.Add("/etc/konfero/metrics-token", "  0123456789abcdef0123456789abcdef\n");
  files.Add("/etc/konfero/short", "abc\n");
  auto token_of = [&files](std::vector<std::string_view> args) {
    absl::StatusOr<ParsedArgs> parsed = Parse(std::move(args), &files);
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    return parsed.ok() ? parsed->config.metrics_token : "<error>";
  };
  EXPECT_EQ(token_of({}), "");
  EXPECT_EQ(token_of({"--metrics-token", "Zm9vYmFyYmF6cXV4cXV1eA=="}), "Zm9vYmFyYmF6cXV4cXV1eA==");
  EXPECT_EQ(token_of({"--metrics-token-file", "/etc/konfero/metrics-token"}),
            "0123456789abcdef0123456789abcdef");
  for (std::string_view bad : {"short-token", "has space 0123456789abcdef",
                               "0123456789abcdef\"quote", "================"}) {
    const std::string error = ErrorOf({"--metrics-token", bad});
    EXPECT_THAT(error, HasSubstr("--metrics-token: the metrics token must be")) << bad;
    EXPECT_THAT(error, Not(HasSubstr(bad))) << bad;
  }
  const std::string short_file =
      ErrorOf({"--metrics-token-file", "/etc/konfero/short"}, &files);
  EXPECT_THAT(short_file, HasSubstr("--metrics-token-file /etc/konfero/short: the metrics token"));
  EXPECT_THAT(short_file, Not(HasSubstr("abc\n")));
  EXPECT_THAT(ErrorOf({"--metrics-token-file", "/missing"}, &files),
              HasSubstr("--metrics-token-file: cannot read /missing"));
  EXPECT_THAT(ErrorOf({"--metrics-token", "0123456789abcdef0123", "--metrics-token-file",
                       "/etc/konfero/metrics-token"},
                      &files),
              HasSubstr("not both"));
}

TEST(ConfigTest, ReadFileFromDiskNamesAMissingFile) {
  absl::StatusOr<std::string> text = ReadFileFromDisk("/nonexistent/konfero.conf");
  EXPECT_TRUE(absl::IsNotFound(text.status()));
  EXPECT_THAT(std::string(text.status().message()), HasSubstr("/nonexistent/konfero.conf"));
}


// --- phone dial-in (SIP) ---

ServerConfig ConfigOf(std::vector<std::string_view> args, FakeFiles* files = nullptr) {
  absl::StatusOr<ParsedArgs> parsed = Parse(std::move(args), files);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return parsed.ok() ? parsed->config : ServerConfig();
}

TEST(SipConfigTest, DialInIsOffByDefault) {
  const ServerConfig c = ConfigOf({});
  EXPECT_FALSE(c.sip());
  EXPECT_EQ(c.rtp_port_min, 0);
  EXPECT_EQ(c.rtp_port_max, 0);
  EXPECT_EQ(c.sip_pin_timeout_seconds, 20);
  EXPECT_EQ(c.sip_language, PromptLanguage::kEnglish);
  EXPECT_TRUE(c.sip_numbers.empty());
  EXPECT_THAT(Usage(), HasSubstr("--sip-listen IP:PORT"));
  EXPECT_THAT(Usage(), HasSubstr("--sip-number NUMBER[;room=ID][;lang=en|de]"));
  EXPECT_THAT(Usage(), HasSubstr("INVITEs from any source are accepted"));
}

TEST(SipConfigTest, SipListenWithTheDialInNumberCoversAllPublicRooms) {
  const ServerConfig c = ConfigOf({"--sip-listen", "0.0.0.0:5060", "--dial-in-number",
                                   "+49 30 1234567", "--sip-language", "de"});
  EXPECT_TRUE(c.sip());
  const DialInOptions o = DialInOptionsOf(c);
  EXPECT_EQ(o.listen, "0.0.0.0:5060");
  EXPECT_EQ(o.tls_listen, "");
  ASSERT_EQ(o.numbers.size(), 1u);
  EXPECT_EQ(o.numbers[0].number, "+49 30 1234567");
  EXPECT_FALSE(o.numbers[0].room.has_value());
  EXPECT_EQ(o.numbers[0].language, PromptLanguage::kGerman);
  EXPECT_TRUE(o.trunks.empty());  // any source; the PIN is the gate
  EXPECT_TRUE(o.registrations.empty());
  EXPECT_EQ(o.pin_timeout, absl::Seconds(20));
  EXPECT_EQ(o.executor, nullptr);
}

TEST(SipConfigTest, SipListenNeedsANumber) {
  EXPECT_EQ(ErrorOf({"--sip-listen", "127.0.0.1:5060"}),
            "--sip-listen needs --dial-in-number or --sip-number");
  EXPECT_THAT(ErrorOf({"--sip-listen", "127.0.0.1:5060", "--dial-in-number", "+"}),
              HasSubstr("needs digits"));
}

TEST(SipConfigTest, ListenAddressesTakeIpv4Ipv6AndPortZero) {
  ServerConfig c = ConfigOf({"--sip-listen", "[::1]:0", "--dial-in-number", "123"});
  EXPECT_EQ(c.sip_listen, "[::1]:0");
  c = ConfigOf({"--sip-tls-listen=127.0.0.1:5061", "--dial-in-number", "123", "--tls-cert",
                "c.pem", "--tls-key", "k.pem"});
  EXPECT_TRUE(c.sip());
  EXPECT_EQ(DialInOptionsOf(c).listen, "");
  EXPECT_EQ(DialInOptionsOf(c).tls_listen, "127.0.0.1:5061");
  for (std::string_view bad : {"5060", "host:5060", "127.0.0.1:70000", "::1:5060", ""}) {
    EXPECT_THAT(ErrorOf({"--sip-listen", bad, "--dial-in-number", "1"}),
                HasSubstr("--sip-listen: ")) << bad;
    EXPECT_THAT(ErrorOf({"--sip-tls-listen", bad, "--dial-in-number", "1"}),
                HasSubstr("--sip-tls-listen: ")) << bad;
  }
  EXPECT_THAT(ErrorOf({"--sip-listen", "1.2.3.4"}), HasSubstr("expected IP:port"));
}

TEST(SipConfigTest, SipTlsUsesItsOwnCertificateOrTheHttpsOne) {
  DialInOptions o = DialInOptionsOf(ConfigOf(
      {"--sip-tls-listen", "0.0.0.0:5061", "--dial-in-number", "1", "--tls-cert", "web.pem",
       "--tls-key", "web.key"}));
  EXPECT_EQ(o.tls_cert_file, "web.pem");
  EXPECT_EQ(o.tls_key_file, "web.key");
  o = DialInOptionsOf(ConfigOf({"--sip-tls-listen", "0.0.0.0:5061", "--dial-in-number", "1",
                                "--tls-cert", "web.pem", "--tls-key", "web.key",
                                "--sip-tls-cert", "sip.pem", "--sip-tls-key", "sip.key"}));
  EXPECT_EQ(o.tls_cert_file, "sip.pem");
  EXPECT_EQ(o.tls_key_file, "sip.key");
  o = DialInOptionsOf(ConfigOf({"--sip-tls-listen", "0.0.0.0:5061", "--dial-in-number", "1",
                                "--sip-tls-cert", "sip.pem", "--sip-tls-key", "sip.key"}));
  EXPECT_EQ(o.tls_cert_file, "sip.pem");
  EXPECT_THAT(ErrorOf({"--sip-tls-listen", "0.0.0.0:5061", "--dial-in-number", "1"}),
              HasSubstr("--sip-tls-listen needs a certificate: --sip-tls-cert and --sip-tls-key, "
                        "or --tls-cert and --tls-key"));
  EXPECT_THAT(ErrorOf({"--sip-tls-listen", "0.0.0.0:5061", "--dial-in-number", "1",
                       "--sip-tls-cert", "sip.pem", "--tls-cert", "w.pem", "--tls-key", "w.key"}),
              HasSubstr("--sip-tls-cert and --sip-tls-key go together"));
  EXPECT_THAT(ErrorOf({"--sip-listen", "0.0.0.0:5060", "--dial-in-number", "1", "--sip-tls-cert",
                       "sip.pem", "--sip-tls-key", "sip.key"}),
              HasSubstr("are for --sip-tls-listen"));
  EXPECT_THAT(ErrorOf({"--sip-tls-cert="}), HasSubstr("--sip-tls-cert: must not be empty"));
}

TEST(SipConfigTest, NumbersNameARoomOrAllPublicRoomsWithTheirLanguage) {
  const ServerConfig c = ConfigOf({"--sip-listen", "127.0.0.1:5060", "--sip-number",
                                   "+49 30 1234567", "--sip-number", "+49 30 7654321;room=12;lang=de",
                                   "--sip-number=0800 555;lang=en", "--sip-language", "de",
                                   "--dial-in-number", "+49 30 1234567"});
  const DialInOptions o = DialInOptionsOf(c);
  ASSERT_EQ(o.numbers.size(), 3u);  // the --dial-in-number is not added
  EXPECT_EQ(o.numbers[0].number, "+49 30 1234567");
  EXPECT_FALSE(o.numbers[0].room.has_value());
  EXPECT_EQ(o.numbers[0].language, PromptLanguage::kGerman);  // --sip-language
  EXPECT_EQ(o.numbers[1].number, "+49 30 7654321");
  EXPECT_EQ(o.numbers[1].room, RoomId{12});
  EXPECT_EQ(o.numbers[1].language, PromptLanguage::kGerman);
  EXPECT_EQ(o.numbers[2].number, "0800 555");
  EXPECT_EQ(o.numbers[2].language, PromptLanguage::kEnglish);  // lang= wins
}

TEST(SipConfigTest, BadNumbersSayWhatIsExpected) {
  auto error = [](std::string_view number) {
    return ErrorOf({"--sip-listen", "127.0.0.1:5060", "--sip-number", number});
  };
  EXPECT_THAT(error("call me"), HasSubstr("--sip-number: \"call me\" is not a phone number"));
  EXPECT_THAT(error(""), HasSubstr("NUMBER[;room=ID][;lang=en|de]"));
  EXPECT_THAT(error("+"), HasSubstr("not a phone number"));
  EXPECT_THAT(error("123;room=0"), HasSubstr("room= expects a room id"));
  EXPECT_THAT(error("123;room=abc"), HasSubstr("room= expects a room id"));
  EXPECT_THAT(error("123;lang=fr"), HasSubstr("lang= expects en or de, not \"fr\""));
  EXPECT_THAT(error("123;lang=de;lang=en"), HasSubstr("lang= is given twice"));
  EXPECT_THAT(error("123;colour=blue"), HasSubstr("is not a phone number"));
  EXPECT_THAT(ErrorOf({"--sip-listen", "127.0.0.1:5060", "--sip-number", "+49 (30) 123",
                       "--sip-number", "4930123;room=2"}),
              HasSubstr("\"+49 (30) 123\" and \"4930123\" are the same number"));
  EXPECT_THAT(ErrorOf({"--sip-language", "fr"}), HasSubstr("--sip-language: expected en or de"));
}

TEST(SipConfigTest, AllowMakesTheDefaultTrunkBeforeTheNamedOnes) {
  const ServerConfig c = ConfigOf(
      {"--sip-listen", "127.0.0.1:5060", "--dial-in-number", "1", "--sip-allow",
       "192.0.2.0/24, 2001:db8::/32,127.0.0.1", "--sip-trunk",
       "pbx;allow=10.0.0.0/8;realm=konfero;user=pbx;password=s3cr;et", "--sip-trunk",
       "sbc;allow=198.51.100.7"});
  const DialInOptions o = DialInOptionsOf(c);
  ASSERT_EQ(o.trunks.size(), 3u);
  EXPECT_EQ(o.trunks[0].name, "default");
  EXPECT_EQ(o.trunks[0].allow,
            (std::vector<std::string>{"192.0.2.0/24", "2001:db8::/32", "127.0.0.1"}));
  EXPECT_EQ(o.trunks[0].realm, "");
  EXPECT_EQ(o.trunks[1].name, "pbx");
  EXPECT_EQ(o.trunks[1].allow, std::vector<std::string>{"10.0.0.0/8"});
  EXPECT_EQ(o.trunks[1].realm, "konfero");
  EXPECT_EQ(o.trunks[1].username, "pbx");
  EXPECT_EQ(o.trunks[1].password, "s3cr;et");  // a ';' not starting a known key stays
  EXPECT_EQ(o.trunks[2].name, "sbc");
  EXPECT_EQ(o.trunks[2].password, "");
}

TEST(SipConfigTest, BadAllowAndTrunkValuesAreRefused) {
  auto allow = [](std::string_view v) {
    return ErrorOf({"--sip-listen", "127.0.0.1:5060", "--dial-in-number", "1", "--sip-allow", v});
  };
  EXPECT_THAT(allow("10.0.0.0/33"), HasSubstr("--sip-allow: \"10.0.0.0/33\" is not an address or CIDR"));
  EXPECT_THAT(allow("2001:db8::/129"), HasSubstr("--sip-allow: \"2001:db8::/129\""));
  EXPECT_THAT(allow("10.0.0.0/8,"), HasSubstr("an empty entry"));
  EXPECT_THAT(allow("pbx.example.com"), HasSubstr("expected CIDR[,CIDR...]"));
  auto trunk = [](std::string_view v) {
    return ErrorOf({"--sip-listen", "127.0.0.1:5060", "--dial-in-number", "1", "--sip-trunk", v});
  };
  EXPECT_THAT(trunk("pbx"), HasSubstr("--sip-trunk: trunk \"pbx\": allow= is required"));
  EXPECT_THAT(trunk(";allow=10.0.0.1"), HasSubstr("a trunk needs a name"));
  EXPECT_THAT(trunk("my pbx;allow=10.0.0.1"), HasSubstr("a trunk needs a name"));
  EXPECT_THAT(trunk("pbx;allow=10.0.0.1;user=u;password=p"),
              HasSubstr("realm=, user= and password= go together"));
  EXPECT_THAT(trunk("pbx;allow=10.0.0.1;realm=r"), HasSubstr("go together"));
  EXPECT_THAT(trunk("pbx;allow=10.0.0.300"), HasSubstr("trunk \"pbx\": allow=: "));
  EXPECT_THAT(trunk("pbx;allow=10.0.0.1;allow=10.0.0.2"), HasSubstr("allow= is given twice"));
  EXPECT_THAT(ErrorOf({"--sip-listen", "127.0.0.1:5060", "--dial-in-number", "1", "--sip-trunk",
                       "a;allow=10.0.0.1", "--sip-trunk", "a;allow=10.0.0.2"}),
              HasSubstr("two trunks are named \"a\""));
  EXPECT_THAT(ErrorOf({"--sip-listen", "127.0.0.1:5060", "--dial-in-number", "1", "--sip-allow",
                       "10.0.0.1", "--sip-trunk", "default;allow=10.0.0.2"}),
              HasSubstr("\"default\" is the trunk of --sip-allow"));
}

TEST(SipConfigTest, RegistrationsSplitTheUriFromTheirParameters) {
  const DialInOptions o = DialInOptionsOf(ConfigOf(
      {"--sip-listen", "127.0.0.1:5060", "--sip-number", "+49 30 1234567", "--sip-register",
       "sip:alice@127.0.0.1:5080;user=alice;password=alicepw", "--sip-register",
       "sips:bob@provider.example;transport=tls;user=bob-auth;password=x;y=z;expires=300;"
       "number=49301234567"}));
  ASSERT_EQ(o.registrations.size(), 2u);
  EXPECT_EQ(o.registrations[0].registrar, "sip:alice@127.0.0.1:5080");
  EXPECT_EQ(o.registrations[0].username, "alice");
  EXPECT_EQ(o.registrations[0].password, "alicepw");
  EXPECT_EQ(o.registrations[0].expires, absl::Minutes(10));
  EXPECT_EQ(o.registrations[0].number, "");
  EXPECT_EQ(o.registrations[1].registrar, "sips:bob@provider.example;transport=tls");
  EXPECT_EQ(o.registrations[1].username, "bob-auth");
  EXPECT_EQ(o.registrations[1].password, "x;y=z");
  EXPECT_EQ(o.registrations[1].expires, absl::Seconds(300));
  EXPECT_EQ(o.registrations[1].number, "49301234567");
}

TEST(SipConfigTest, BadRegistrationsAreRefused) {
  auto error = [](std::string_view v) {
    return ErrorOf({"--sip-listen", "127.0.0.1:5060", "--dial-in-number", "+49 30 1", "--sip-register", v});
  };
  EXPECT_THAT(error("alice@provider;user=a;password=p"), HasSubstr("--sip-register: expected SIP-URI"));
  EXPECT_THAT(error("sip:;user=a;password=p"), HasSubstr("sip: or sips: URI"));
  EXPECT_THAT(error("sip:alice@provider"), HasSubstr("user= and password= are required"));
  EXPECT_THAT(error("sip:alice@provider;user=alice"), HasSubstr("user= and password= are required"));
  EXPECT_THAT(error("sip:a@p;user=a;password=p;expires=10"), HasSubstr("expires= expects whole seconds from 60 to 86400"));
  EXPECT_THAT(error("sip:a@p;user=a;password=p;expires=1h"), HasSubstr("expires="));
  EXPECT_THAT(error("sip:a@p;user=a;password=p;number=abc"), HasSubstr("number= expects a phone number"));
  EXPECT_THAT(error("sip:a@p;user=a;password=p;number=999"),
              HasSubstr("number=999 is not a dial-in number"));
  EXPECT_THAT(error("sip:a@p;user=a;password=p;user=b"), HasSubstr("user= is given twice"));
  // The dial-in number, in another notation, is one.
  EXPECT_TRUE(Parse({"--sip-listen", "127.0.0.1:5060", "--dial-in-number", "+49 30 1",
                     "--sip-register", "sip:a@p;user=a;password=p;number=49301"}).ok());
}

TEST(SipConfigTest, PasswordsNeverAppearInErrors) {
  constexpr std::string_view kSecret = "Hunter2Secret";
  for (std::vector<std::string_view> args : std::vector<std::vector<std::string_view>>{
           {"--sip-trunk", "pbx;allow=10.0.0.1;user=u;password=Hunter2Secret"},
           {"--sip-trunk", "pbx;allow=10.0.0.1;pasword=Hunter2Secret"},
           {"--sip-trunk", "pbx;allow=10.0.0.1,Hunter2Secret;realm=r;user=u;password=p"},
           {"--sip-trunk", "pbx;allow=10.0.0.1;realm=r;user=u;password=Hunter2Secret\x01"},
           {"--sip-trunk", "pbx Hunter2Secret;allow=10.0.0.1"},
           {"--sip-register", "sip:a@p;user=a;password=Hunter2Secret;expires=1"},
           {"--sip-register", "sip:a@p;pasword=Hunter2Secret;user=a"},
           {"--sip-register", "sip:a@p;user=a;password=Hunter2Secret;number=1"},
           {"--sip-register", "sip:a@p;user=a Hunter2Secret;password=x"},
           {"--sip-register", "sip:a@p;user=a;password=Hunter2Secret", "password=Hunter2Secret"},
       }) {
    std::vector<std::string_view> all = {"--sip-listen", "127.0.0.1:5060", "--dial-in-number",
                                         "+49 30 1"};
    all.insert(all.end(), args.begin(), args.end());
    const std::string error = ErrorOf(all);
    EXPECT_FALSE(error.empty()) << args[1];
    EXPECT_THAT(error, Not(HasSubstr(kSecret))) << error;
  }
  // A config file's errors too.
  FakeFiles files;
  files.Add("sip.conf",
            "sip-listen = 127.0.0.1:5060\n"
            "dial-in-number = 1\n"
            "sip-register = sip:a@p;user=a;password=Hunter2Secret;expires=5\n");
  const std::string error = ErrorOf({"--config", "sip.conf"}, &files);
  EXPECT_THAT(error, HasSubstr("sip.conf line 3: --sip-register"));
  EXPECT_THAT(error, Not(HasSubstr(kSecret)));
}

TEST(SipConfigTest, RepeatableKeysAddAnEntryPerLineAndFlagsReplaceThem) {
  FakeFiles files;
  files.Add("/etc/konfero.conf",
            "sip-listen = 0.0.0.0:5060\n"
            "sip-number = +49 30 1111\n"
            "sip-number = +49 30 2222;room=7;lang=de\n"
            "sip-trunk = pbx;allow=10.0.0.0/8;realm=konfero;user=pbx;password=pw1\n"
            "sip-trunk = sbc;allow=192.0.2.1\n"
            "sip-register = sip:alice@127.0.0.1:5080;user=alice;password=alicepw\n"
            "sip-register = sip:bob@127.0.0.1:5080;user=bob;password=bobpw;number=4930 1111\n"
            "sip-pin-timeout = 30\n");
  ServerConfig c = ConfigOf({"--config", "/etc/konfero.conf"}, &files);
  ASSERT_EQ(c.sip_numbers.size(), 2u);
  EXPECT_EQ(c.sip_numbers[1].room, RoomId{7});
  ASSERT_EQ(c.sip_trunks.size(), 2u);
  EXPECT_EQ(c.sip_trunks[1].name, "sbc");
  ASSERT_EQ(c.sip_registrations.size(), 2u);
  EXPECT_EQ(c.sip_registrations[1].username, "bob");
  EXPECT_EQ(DialInOptionsOf(c).pin_timeout, absl::Seconds(30));

  // Flags replace the file's entries of the key they repeat, and only those.
  c = ConfigOf({"--config", "/etc/konfero.conf", "--sip-number", "555", "--sip-number",
                "4930-1111", "--sip-pin-timeout", "5"},
               &files);
  ASSERT_EQ(c.sip_numbers.size(), 2u);
  EXPECT_EQ(c.sip_numbers[0].number, "555");
  EXPECT_EQ(c.sip_numbers[1].number, "4930-1111");
  EXPECT_FALSE(c.sip_numbers[1].room.has_value());
  EXPECT_EQ(c.sip_trunks.size(), 2u);
  EXPECT_EQ(c.sip_pin_timeout_seconds, 5);
  // bob's number= names a number the flags removed.
  files.Add("b.conf",
            "sip-listen = 0.0.0.0:5060\n"
            "sip-number = 1111\n"
            "sip-register = sip:bob@p;user=bob;password=pw;number=1111\n");
  EXPECT_THAT(ErrorOf({"--config", "b.conf", "--sip-number", "2222"}, &files),
              HasSubstr("number=1111 is not a dial-in number"));
}

TEST(SipConfigTest, NonRepeatableSipKeysMayAppearOnceInTheFile) {
  FakeFiles files;
  files.Add("a.conf", "sip-listen = 127.0.0.1:5060\nsip-listen = 127.0.0.1:5070\n");
  files.Add("b.conf", "sip-allow = 10.0.0.1\nsip-language = de\nsip-allow = 10.0.0.2\n");
  files.Add("c.conf", "rtp-ports = 40000-40999\nrtp-ports = 50000-50999\n");
  EXPECT_THAT(ErrorOf({"--config", "a.conf"}, &files),
              HasSubstr("a.conf line 2: \"sip-listen\" was already set on line 1"));
  EXPECT_THAT(ErrorOf({"--config", "b.conf"}, &files),
              HasSubstr("b.conf line 3: \"sip-allow\" was already set on line 1"));
  EXPECT_THAT(ErrorOf({"--config", "c.conf"}, &files),
              HasSubstr("c.conf line 2: \"rtp-ports\" was already set on line 1"));
}

TEST(SipConfigTest, SipSettingsWithoutAListenerAreRefused) {
  EXPECT_THAT(ErrorOf({"--sip-number", "123"}),
              HasSubstr("--sip-number is for phone dial-in, which is off: give --sip-listen"));
  EXPECT_THAT(ErrorOf({"--sip-allow", "10.0.0.1"}), HasSubstr("--sip-allow is for phone dial-in"));
  EXPECT_THAT(ErrorOf({"--sip-trunk", "a;allow=10.0.0.1"}), HasSubstr("--sip-trunk is for"));
  EXPECT_THAT(ErrorOf({"--sip-register", "sip:a@p;user=a;password=p"}),
              HasSubstr("--sip-register is for"));
}

TEST(SipConfigTest, PinTimeoutAndRtpPortsTakeTheirRanges) {
  ServerConfig c = ConfigOf({"--sip-listen", "127.0.0.1:5060", "--dial-in-number", "1",
                             "--sip-pin-timeout", "300", "--rtp-ports", "40000-40999"});
  EXPECT_EQ(DialInOptionsOf(c).pin_timeout, absl::Seconds(300));
  EXPECT_EQ(c.rtp_port_min, 40000);
  EXPECT_EQ(c.rtp_port_max, 40999);
  EXPECT_EQ(ConfigOf({"--sip-pin-timeout=1"}).sip_pin_timeout_seconds, 1);
  for (std::string_view bad : {"0", "301", "-5", "2.5", "ten", ""}) {
    EXPECT_THAT(ErrorOf({"--sip-pin-timeout", bad}),
                HasSubstr("--sip-pin-timeout: expected whole seconds from 1 to 300")) << bad;
  }
  for (std::string_view bad : {"40000", "40000-", "-40000", "0-100", "100-100", "200-100",
                               "1-65536", "a-b", "40000:40999"}) {
    EXPECT_THAT(ErrorOf({"--rtp-ports", bad}), HasSubstr("--rtp-ports: expected MIN-MAX")) << bad;
  }
}

TEST(ConfigTest, GuestCapsAndChatRetention) {
  const ServerConfig defaults = ConfigOf({});
  EXPECT_EQ(defaults.max_guests_per_address, 20);
  EXPECT_EQ(defaults.max_guests_per_room, 100);
  EXPECT_EQ(defaults.chat_retention_days, 30);
  const ServerConfig c = ConfigOf({"--max-guests-per-address", "0", "--max-guests-per-room=7",
                                   "--chat-retention-days", "365"});
  EXPECT_EQ(c.max_guests_per_address, 0);
  EXPECT_EQ(c.max_guests_per_room, 7);
  EXPECT_EQ(c.chat_retention_days, 365);
  EXPECT_THAT(ErrorOf({"--max-guests-per-address", "-1"}),
              HasSubstr("--max-guests-per-address: expected a whole number from 0 to 100000"));
  EXPECT_THAT(ErrorOf({"--max-guests-per-room", "many"}), HasSubstr("--max-guests-per-room"));
  EXPECT_THAT(ErrorOf({"--chat-retention-days", "1.5"}), HasSubstr("whole days"));
  EXPECT_THAT(Usage(), HasSubstr("--chat-retention-days DAYS"));
}

}  // namespace
}  // namespace konfero::server
