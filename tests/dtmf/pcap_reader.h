// dtmf/pcap_reader.h (tests): a tiny reader of classic libpcap captures, for
// tests that replay real RTP: the 24-byte global header (either byte order,
// micro- or nanosecond timestamps), 16-byte record headers, and the UDP
// datagrams of IPv4 packets inside Ethernet (with or without an 802.1Q tag),
// Linux cooked (SLL) or raw-IP link layers. Other packets (IPv6, TCP, IP
// fragments) are skipped. Not pcapng.
//
//   auto datagrams = ReadPcapUdp(path);   // nullopt if the file is not pcap
//   for (const UdpDatagram& d : *datagrams) { ... d.payload ... }
//
// Thread contract: pure function, any thread.
#ifndef KONFERO_TESTS_DTMF_PCAP_READER_H_
#define KONFERO_TESTS_DTMF_PCAP_READER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace konfero::dtmf::testing {

struct UdpDatagram {
  int64_t time_us = 0;  // the record's capture time
  uint16_t source_port = 0;
  uint16_t destination_port = 0;
  std::vector<uint8_t> payload;
};

// Parses a capture already in memory; nullopt if it is not a classic pcap
// file of a supported link type or a record runs past the end.
std::optional<std::vector<UdpDatagram>> ParsePcapUdp(const std::vector<uint8_t>& file);
std::optional<std::vector<UdpDatagram>> ReadPcapUdp(const std::string& path);

}  // namespace konfero::dtmf::testing

#endif  // KONFERO_TESTS_DTMF_PCAP_READER_H_
