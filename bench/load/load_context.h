// load_context.h: what every simulated participant of a run shares: the
// io_context, the server's address, the DTLS certificate, the encoded
// tones, the talk schedule, the rooms, the chat ledger and the statistics.
// The scenario owns it; participants keep a reference.
//
// Thread contract: the io_context's thread only, except
// `active_participants`, which the sampler thread reads.
#ifndef KONFERO_BENCH_LOAD_LOAD_CONTEXT_H_
#define KONFERO_BENCH_LOAD_LOAD_CONTEXT_H_

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "dtls/dtls_certificate.h"
#include "load/chat_ledger.h"
#include "load/load_options.h"
#include "load/load_stats.h"
#include "load/talk_schedule.h"
#include "load/tone_bank.h"

namespace konfero::load {

class Participant;

// A room as the REST set-up made it.
struct RoomAccess {
  int64_t id = 0;
  std::string url_token;          // guests join with it
  std::string moderator_session;  // the room's own moderator user
};

struct RoomState {
  RoomAccess access;
  std::vector<Participant*> participants;  // the moderator first
  // When a talker of the room last started or stopped sending: probes of
  // the spurts around it are not judged (the room's talkers changed).
  int64_t talkers_changed_us = 0;
  // The latest talk spurt's onset: its cycle and when its first tone frame
  // was sent (by whichever talker sent first).
  int64_t onset_cycle = -1;
  int64_t onset_sent_us = 0;
};

struct LoadContext {
  LoadContext(boost::asio::io_context& io_context, const LoadOptions& load_options,
              TalkSchedule talk_schedule)
      : io(io_context), options(load_options), schedule(talk_schedule) {}

  boost::asio::io_context& io;
  const LoadOptions& options;
  boost::asio::ip::tcp::endpoint server;
  std::string host_header;  // "127.0.0.1:8080"
  std::shared_ptr<const dtls::DtlsCertificate> certificate;
  std::unique_ptr<ToneBank> tones;
  TalkSchedule schedule;
  std::vector<RoomState> rooms;
  ChatLedger chat;
  LoadStats stats;
  std::mt19937_64 random{0x6b6f6e666572};
  uint64_t next_member = 1;
  bool accepting_joins = true;  // false once the run stops
  std::atomic<int> active_participants{0};
};

}  // namespace konfero::load

#endif  // KONFERO_BENCH_LOAD_LOAD_CONTEXT_H_
