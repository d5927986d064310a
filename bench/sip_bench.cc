// bench/sip_bench.cc: SIP messages parsed, and parsed and handled by the
// transaction layer, per second on one core; the plain parse of the same
// bytes is the baseline, and the ratio line "BM_SipParseAndHandle/... vs
// BM_SipParse" gives the handled throughput as a share of the parse's.
//
// The messages: one call's worth of traffic as sipp (OPTIONS keepalives)
// and baresip (a phone dialling in) send it, written by hand after their
// header sets and sizes (not a packet capture). One iteration is one cycle of kMessagesPerCycle
// datagrams:
//   OPTIONS (keepalive), REGISTER with a Digest Authorization, INVITE with
//   an SDP offer (~900 bytes), the INVITE again (a retransmission), ACK of
//   the 2xx, two INFO application/dtmf-relay, the OPTIONS again (a
//   retransmission), 200 OK to our own OPTIONS, BYE.
// Every cycle writes a fresh counter into each branch, Call-ID and From tag
// (the same in a retransmission as in its original), in both benchmarks.
//
//   BM_SipParse           sip::Parse of each datagram.
//   BM_SipParseAndHandle  sip::Parse, then TransactionLayer::OnMessage with
//                         an owner that answers every new request 200 OK
//                         (sip::MakeResponse; the INVITE's with Contact and
//                         an SDP answer) and serializes what the layer sends
//                         into a string. Retransmissions are absorbed or
//                         answered again by the layer; the ACK goes to
//                         OnAck; the 200 OK matches a client transaction the
//                         owner starts with SendRequest at the top of each
//                         cycle (counted in the handled time, not as an
//                         item). A fake clock advances 1 s / `rate` per
//                         datagram and every `tick_ms` of it the owner does
//                         what DialInCore does every 20 ms: OnTimer if
//                         NextDeadline is due, so transactions end (timers
//                         J and L, 32 s on UDP) and memory stays bounded.
//                         Counter live_tx: server transactions alive at the
//                         end.
//
// Not covered: sockets, the dial-in core's calls and rooms, digest checks.
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "audio/ratio_reporter.h"
#include "benchmark/benchmark.h"
#include "common/absl_compat.h"
#include "konfero/net/ip_endpoint.h"
#include "sip/message.h"
#include "sip/parser.h"
#include "sip/transaction_layer.h"
#include "sip/transaction_types.h"

namespace konfero::sip {
namespace {

// "@@@@@@@@" in a template is replaced by the cycle's counter (8 hex digits).
constexpr std::string_view kSlot = "@@@@@@@@";

constexpr std::string_view kBaresipHead =
    "Max-Forwards: 70\r\n"
    "To: <sip:+4930123456@konfero.example.com>\r\n"
    "From: \"Alice Example\" <sip:alice@pbx.example.net>;tag=f@@@@@@@@\r\n"
    "Call-ID: c@@@@@@@@-5bd5c1d3e8a7@192.0.2.10\r\n";
constexpr std::string_view kBaresipTail =
    "Contact: <sip:alice-0x55d5e3a1@192.0.2.10:5060;transport=udp>\r\n"
    "User-Agent: baresip v2.12.0 (x86_64/linux)\r\n";
constexpr std::string_view kAllow =
    "Allow: INVITE,ACK,BYE,CANCEL,OPTIONS,NOTIFY,SUBSCRIBE,INFO,MESSAGE,UPDATE,REFER\r\n";

constexpr std::string_view kSdpOffer =
    "v=0\r\n"
    "o=- 1785402936 2781538412 IN IP4 192.0.2.10\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.10\r\n"
    "t=0 0\r\n"
    "m=audio 10086 RTP/AVP 9 0 8 101\r\n"
    "b=AS:64\r\n"
    "a=rtpmap:9 G722/8000\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\n"
    "a=ptime:20\r\n"
    "a=rtcp:10087\r\n"
    "a=sendrecv\r\n";

constexpr std::string_view kSdpAnswer =
    "v=0\r\n"
    "o=konfero 4242 1 IN IP4 198.51.100.1\r\n"
    "s=konfero\r\n"
    "c=IN IP4 198.51.100.1\r\n"
    "t=0 0\r\n"
    "m=audio 40000 RTP/AVP 9 101\r\n"
    "a=rtpmap:9 G722/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\n"
    "a=ptime:20\r\n"
    "a=sendrecv\r\n";

std::string WithBody(std::string_view head, std::string_view content_type, std::string_view body) {
  std::string out(head);
  if (!content_type.empty()) absl::StrAppend(&out, "Content-Type: ", Sv(content_type), "\r\n");
  absl::StrAppend(&out, "Content-Length: ", body.size(), "\r\n\r\n", Sv(body));
  return out;
}

std::string Options() {
  return WithBody(
      "OPTIONS sip:konfero.example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK-1-opt@@@@@@@@\r\n"
      "From: sipp <sip:sipp@203.0.113.5:5060>;tag=o@@@@@@@@\r\n"
      "To: <sip:konfero.example.com>\r\n"
      "Call-ID: o@@@@@@@@///1-2941@203.0.113.5\r\n"
      "CSeq: 1 OPTIONS\r\n"
      "Contact: <sip:sipp@203.0.113.5:5060>\r\n"
      "Max-Forwards: 70\r\n"
      "Accept: application/sdp\r\n"
      "User-Agent: SIPp/v3.7.1\r\n",
      "", "");
}

std::string Register() {
  return WithBody(
      absl::StrCat(
          "REGISTER sip:konfero.example.com SIP/2.0\r\n"
          "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKreg@@@@@@@@;rport\r\n"
          "Max-Forwards: 70\r\n"
          "To: <sip:alice@konfero.example.com>\r\n"
          "From: <sip:alice@konfero.example.com>;tag=r@@@@@@@@\r\n"
          "Call-ID: r@@@@@@@@-69b1f05e2f0c\r\n"
          "CSeq: 2 REGISTER\r\n",
          Sv(kBaresipTail),
          "Authorization: Digest username=\"alice\",realm=\"konfero.example.com\","
          "nonce=\"8c2f5d1e6a7b4c3d2e1f0a9b8c7d6e5f\",uri=\"sip:konfero.example.com\","
          "response=\"3f1a8e0b9c2d4e5f6a7b8c9d0e1f2a3b\",algorithm=MD5,"
          "cnonce=\"a1b2c3d4e5f60718\",qop=auth,nc=00000001\r\n",
          Sv(kAllow),
          "Supported: replaces,norefersub,gruu\r\n"
          "Expires: 3600\r\n"),
      "", "");
}

std::string Invite() {
  return WithBody(absl::StrCat("INVITE sip:+4930123456@konfero.example.com SIP/2.0\r\n"
                               "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKinv@@@@@@@@;rport\r\n",
                               Sv(kBaresipHead), "CSeq: 24310 INVITE\r\n", Sv(kBaresipTail),
                               Sv(kAllow),
                               "Supported: replaces,norefersub,100rel,timer\r\n"
                               "Session-Expires: 1800\r\n"
                               "Min-SE: 90\r\n"),
                  "application/sdp", kSdpOffer);
}

// The ACK of our 2xx: its own branch, the To tag of our answer.
std::string Ack() {
  return WithBody(absl::StrCat("ACK sip:konfero@198.51.100.1:5060 SIP/2.0\r\n"
                               "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKack@@@@@@@@;rport\r\n"
                               "Max-Forwards: 70\r\n"
                               "To: <sip:+4930123456@konfero.example.com>;tag=k1f2e3d4c\r\n"
                               "From: \"Alice Example\" <sip:alice@pbx.example.net>;tag=f@@@@@@@@\r\n"
                               "Call-ID: c@@@@@@@@-5bd5c1d3e8a7@192.0.2.10\r\n"
                               "CSeq: 24310 ACK\r\n",
                               Sv(kBaresipTail)),
                  "", "");
}

std::string InDialog(std::string_view method, std::string_view branch, int cseq,
                     std::string_view content_type, std::string_view body) {
  return WithBody(absl::StrCat(Sv(method), " sip:konfero@198.51.100.1:5060 SIP/2.0\r\n",
                               "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK", Sv(branch),
                               "@@@@@@@@;rport\r\n"
                               "Max-Forwards: 70\r\n"
                               "To: <sip:+4930123456@konfero.example.com>;tag=k1f2e3d4c\r\n"
                               "From: \"Alice Example\" <sip:alice@pbx.example.net>;tag=f@@@@@@@@\r\n"
                               "Call-ID: c@@@@@@@@-5bd5c1d3e8a7@192.0.2.10\r\n",
                               "CSeq: ", cseq, " ", Sv(method), "\r\n", Sv(kBaresipTail)),
                  content_type, body);
}

// A trunk's answer to the OPTIONS keepalive we send each cycle.
std::string OkToOurOptions() {
  return WithBody(
      "SIP/2.0 200 OK\r\n"
      "Via: SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKout@@@@@@@@;received=198.51.100.1;"
      "rport=5060\r\n"
      "From: <sip:konfero@198.51.100.1>;tag=ko@@@@@@@@\r\n"
      "To: <sip:trunk.example.net>;tag=as5d1e2f3a\r\n"
      "Call-ID: ko@@@@@@@@@198.51.100.1\r\n"
      "CSeq: 7 OPTIONS\r\n"
      "Server: Asterisk PBX 18.10.0\r\n"
      "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, SUBSCRIBE, NOTIFY, INFO, PUBLISH, MESSAGE\r\n"
      "Supported: replaces, timer\r\n"
      "Contact: <sip:203.0.113.5:5060>\r\n"
      "Accept: application/sdp\r\n",
      "", "");
}

struct Datagram {
  std::string bytes;
  std::vector<size_t> slots;  // offsets of the counter's places
  bool sipp = false;          // from the trunk (203.0.113.5), else the phone
};

class Traffic {
 public:
  Traffic() {
    const std::string dtmf = "Signal=1\r\nDuration=160\r\n";
    const std::string dtmf5 = "Signal=5\r\nDuration=160\r\n";
    Add(Options(), true);
    Add(Register(), false);
    Add(Invite(), false);
    Add(Invite(), false);  // retransmission
    Add(Ack(), false);
    Add(InDialog("INFO", "inf1", 24311, "application/dtmf-relay", dtmf), false);
    Add(InDialog("INFO", "inf2", 24312, "application/dtmf-relay", dtmf5), false);
    Add(Options(), true);  // retransmission
    Add(OkToOurOptions(), true);
    Add(InDialog("BYE", "bye", 24313, "", ""), false);
  }
  // Writes `counter` into every datagram's places.
  void Stamp(uint32_t counter) {
    std::array<char, 8> hex;
    for (int i = 7; i >= 0; --i) {
      hex[static_cast<size_t>(i)] = "0123456789abcdef"[counter & 15];
      counter >>= 4;
    }
    for (Datagram& d : datagrams_) {
      for (size_t at : d.slots) d.bytes.replace(at, hex.size(), hex.data(), hex.size());
    }
  }
  const std::vector<Datagram>& datagrams() const { return datagrams_; }
  double average_bytes() const {
    double total = 0;
    for (const Datagram& d : datagrams_) total += static_cast<double>(d.bytes.size());
    return total / static_cast<double>(datagrams_.size());
  }

 private:
  void Add(std::string bytes, bool sipp) {
    Datagram d{std::move(bytes), {}, sipp};
    for (size_t at = d.bytes.find(kSlot); at != std::string::npos;
         at = d.bytes.find(kSlot, at + kSlot.size())) {
      d.slots.push_back(at);
    }
    datagrams_.push_back(std::move(d));
  }
  std::vector<Datagram> datagrams_;
};

constexpr int kMessagesPerCycle = 10;

void BM_SipParse(benchmark::State& state) {
  Traffic traffic;
  uint32_t counter = 0;
  for (auto _ : state) {
    traffic.Stamp(++counter);
    for (const Datagram& d : traffic.datagrams()) {
      absl::StatusOr<SipMessage> m = Parse(d.bytes);
      if (!m.ok()) {
        state.SkipWithError(std::string(m.status().message()).c_str());
        return;
      }
      benchmark::DoNotOptimize(m->headers().data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kMessagesPerCycle);
  state.counters["bytes/msg"] = traffic.average_bytes();
}

// The transaction user: 200 OK to every new request, everything sent is
// serialized into a string.
class AnsweringOwner final : public TransactionLayer::Owner {
 public:
  void set_layer(TransactionLayer* layer) { layer_ = layer; }
  void set_now(int64_t now_us) { now_us_ = now_us; }

  void SendMessage(const SipMessage& message, const Destination& /*to*/) override {
    sink_ = Serialize(message);
    bytes_sent_ += sink_.size();
    ++sent_;
  }
  void OnRequest(ServerTransactionHandle tx, const SipMessage& request,
                 const Destination& /*from*/) override {
    SipMessage ok = MakeResponse(request, 200, "OK", absl::StrCat("k", absl::Hex(tx.id)));
    if (request.method() == "INVITE") {
      ok.Add("Contact", "<sip:konfero@198.51.100.1:5060>");
      ok.Add("Content-Type", "application/sdp");
      ok.body = std::string(kSdpAnswer);
    } else if (request.method() == "OPTIONS") {
      ok.Add("Allow", "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE");
      ok.Add("Accept", "application/sdp");
    }
    if (!layer_->SendResponse(tx, ok, now_us_).ok()) ++errors_;
  }
  void OnAck(const SipMessage& ack, const Destination& /*from*/) override {
    benchmark::DoNotOptimize(ack.headers().data());
    ++acks_;
  }
  void OnResponse(ClientTransactionHandle /*tx*/, const SipMessage& response) override {
    benchmark::DoNotOptimize(response.status());
    ++responses_;
  }
  void OnTransactionTimeout(ClientTransactionHandle /*tx*/) override { ++errors_; }
  void OnServerTransactionTimeout(ServerTransactionHandle /*tx*/) override { ++errors_; }
  void OnCancel(ServerTransactionHandle /*invite*/, const SipMessage& /*cancel*/) override {}

  uint64_t sent() const { return sent_; }
  uint64_t bytes_sent() const { return bytes_sent_; }
  uint64_t acks() const { return acks_; }
  uint64_t responses() const { return responses_; }
  uint64_t errors() const { return errors_; }

 private:
  TransactionLayer* layer_ = nullptr;
  int64_t now_us_ = 0;
  std::string sink_;
  uint64_t sent_ = 0;
  uint64_t bytes_sent_ = 0;
  uint64_t acks_ = 0;
  uint64_t responses_ = 0;
  uint64_t errors_ = 0;
};

// The OPTIONS keepalive konfero sends to the trunk; its 200 OK is in the mix.
SipMessage OurOptions(uint32_t counter) {
  char hex[9];
  std::snprintf(hex, sizeof(hex), "%08x", counter);
  SipMessage m = SipMessage::Request("OPTIONS", "sip:trunk.example.net");
  m.Add("Via", absl::StrCat("SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKout", hex, ";rport"));
  m.Add("Max-Forwards", "70");
  m.Add("From", absl::StrCat("<sip:konfero@198.51.100.1>;tag=ko", hex));
  m.Add("To", "<sip:trunk.example.net>");
  m.Add("Call-ID", absl::StrCat("ko", hex, "@198.51.100.1"));
  m.Add("CSeq", "7 OPTIONS");
  return m;
}

void BM_SipParseAndHandle(benchmark::State& state) {
  const int64_t step_us = 1'000'000 / state.range(0);  // fake time per datagram
  const int64_t timer_period_us = state.range(1) * 1000;
  Traffic traffic;
  AnsweringOwner owner;
  TransactionLayer layer(owner);
  owner.set_layer(&layer);
  const Destination phone{Transport::kUdp, *net::IpEndpoint::Parse("192.0.2.10", 5060), 0};
  const Destination trunk{Transport::kUdp, *net::IpEndpoint::Parse("203.0.113.5", 5060), 0};
  int64_t now_us = 1'000'000;
  int64_t next_timer_us = now_us + timer_period_us;
  uint32_t counter = 0;
  uint64_t rejected = 0;
  for (auto _ : state) {
    traffic.Stamp(++counter);
    owner.set_now(now_us);
    if (!layer.SendRequest(OurOptions(counter), trunk, now_us).ok()) ++rejected;
    for (const Datagram& d : traffic.datagrams()) {
      absl::StatusOr<SipMessage> m = Parse(d.bytes);
      if (!m.ok()) {
        state.SkipWithError(std::string(m.status().message()).c_str());
        return;
      }
      const absl::Status s = layer.OnMessage(*m, d.sipp ? trunk : phone, now_us);
      if (absl::IsResourceExhausted(s)) {
        ++rejected;
        owner.SendMessage(MakeResponse(*m, 503, "Service Unavailable"),
                          ResponseDestination(*m, d.sipp ? trunk : phone));
      } else if (!s.ok()) {
        state.SkipWithError(std::string(s.message()).c_str());
        return;
      }
      now_us += step_us;
      while (now_us >= next_timer_us) {
        owner.set_now(next_timer_us);
        if (next_timer_us >= layer.NextDeadline()) layer.OnTimer(next_timer_us);
        next_timer_us += timer_period_us;
      }
      owner.set_now(now_us);
    }
  }
  state.SetItemsProcessed(state.iterations() * kMessagesPerCycle);
  const double cycles = static_cast<double>(state.iterations());
  state.counters["live_tx"] = static_cast<double>(layer.server_transaction_count());
  state.counters["sent/cycle"] = static_cast<double>(owner.sent()) / cycles;
  state.counters["acks/cycle"] = static_cast<double>(owner.acks()) / cycles;
  state.counters["rsp/cycle"] = static_cast<double>(owner.responses()) / cycles;
  state.counters["rejected"] = static_cast<double>(rejected);
  state.counters["errors"] = static_cast<double>(owner.errors());
}

BENCHMARK(BM_SipParse)->Unit(benchmark::kMicrosecond);
// rate: datagrams per second of the fake clock (the live transactions grow
// with it: 0.6 new ones per datagram, each alive 32 s); tick_ms: how often
// the owner checks the layer's timers (20 as DialInCore; 1000 shows the
// share of the per-tick scans of every transaction).
BENCHMARK(BM_SipParseAndHandle)->ArgNames({"rate", "tick_ms"})
    ->Args({20, 20})->Args({100, 20})->Args({100, 1000})
    ->Unit(benchmark::kMicrosecond)->MinTime(2.0);

}  // namespace
}  // namespace konfero::sip

int main(int argc, char** argv) {
  return konfero::bench::RunWithRatios(
      argc, argv,
      {{"BM_SipParse", "BM_SipParseAndHandle/rate:20/tick_ms:20"},
       {"BM_SipParse", "BM_SipParseAndHandle/rate:100/tick_ms:20"},
       {"BM_SipParse", "BM_SipParseAndHandle/rate:100/tick_ms:1000"}});
}
