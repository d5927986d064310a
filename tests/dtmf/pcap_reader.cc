// dtmf/pcap_reader.cc (tests): see pcap_reader.h. Reads byte by byte with a
// bounds check before each field.
#include "dtmf/pcap_reader.h"

#include <fstream>
#include <iterator>
#include <utility>

namespace konfero::dtmf::testing {
namespace {

constexpr uint32_t kLinkNull = 0;  // BSD loopback: 4-byte family
constexpr uint32_t kLinkEthernet = 1;
constexpr uint32_t kLinkRaw = 101;  // raw IP (LINKTYPE_RAW)
constexpr uint32_t kLinkLinuxSll = 113;
constexpr uint32_t kLinkIpv4 = 228;

uint16_t Be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

// The file's own byte order, given by its magic number.
struct Reader {
  bool swapped;
  uint32_t U32(const uint8_t* p) const {
    return swapped ? (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3]
                   : (uint32_t{p[3]} << 24) | (uint32_t{p[2]} << 16) | (uint32_t{p[1]} << 8) | p[0];
  }
};

// Sets `offset` to the IPv4 packet inside one link-layer frame; false if the
// frame holds none.
bool FindIpv4(uint32_t link, const uint8_t* frame, size_t size, size_t& offset) {
  switch (link) {
    case kLinkEthernet: {
      if (size < 14) return false;
      size_t type_at = 12;
      while (Be16(frame + type_at) == 0x8100 || Be16(frame + type_at) == 0x88A8) {
        type_at += 4;  // a VLAN tag
        if (size < type_at + 2) return false;
      }
      offset = type_at + 2;
      return Be16(frame + type_at) == 0x0800;
    }
    case kLinkLinuxSll:
      offset = 16;
      return size >= 16 && Be16(frame + 14) == 0x0800;
    case kLinkNull:
      offset = 4;
      return size >= 4 && (frame[0] == 2 || frame[3] == 2);  // AF_INET, either order
    case kLinkRaw:
    case kLinkIpv4:
      offset = 0;
      return size >= 1 && (frame[0] >> 4) == 4;
    default:
      return false;
  }
}

std::optional<UdpDatagram> ParseUdp(const uint8_t* ip, size_t size) {
  if (size < 20 || (ip[0] >> 4) != 4) return std::nullopt;
  const size_t ihl = size_t{ip[0] & 0x0Fu} * 4;
  const size_t total = Be16(ip + 2);
  if (ihl < 20 || total < ihl || total > size) return std::nullopt;
  if (ip[9] != 17) return std::nullopt;                   // not UDP
  if ((Be16(ip + 6) & 0x3FFF) != 0) return std::nullopt;  // a fragment
  const uint8_t* udp = ip + ihl;
  const size_t udp_size = total - ihl;
  if (udp_size < 8) return std::nullopt;
  const size_t length = Be16(udp + 4);
  if (length < 8 || length > udp_size) return std::nullopt;
  UdpDatagram d;
  d.source_port = Be16(udp);
  d.destination_port = Be16(udp + 2);
  d.payload.assign(udp + 8, udp + length);
  return d;
}

}  // namespace

std::optional<std::vector<UdpDatagram>> ParsePcapUdp(const std::vector<uint8_t>& file) {
  if (file.size() < 24) return std::nullopt;
  const uint8_t* p = file.data();
  const uint32_t magic_le =
      (uint32_t{p[3]} << 24) | (uint32_t{p[2]} << 16) | (uint32_t{p[1]} << 8) | p[0];
  Reader r{};
  bool nanoseconds = false;
  switch (magic_le) {
    case 0xA1B2C3D4:
      r.swapped = false;
      break;
    case 0xD4C3B2A1:
      r.swapped = true;
      break;
    case 0xA1B23C4D:
      r.swapped = false;
      nanoseconds = true;
      break;
    case 0x4D3CB2A1:
      r.swapped = true;
      nanoseconds = true;
      break;
    default:
      return std::nullopt;
  }
  const uint32_t link = r.U32(p + 20) & 0x0FFFFFFF;  // upper bits: FCS info
  std::vector<UdpDatagram> out;
  size_t at = 24;
  while (at < file.size()) {
    if (file.size() - at < 16) return std::nullopt;
    const uint32_t sec = r.U32(p + at);
    const uint32_t frac = r.U32(p + at + 4);
    const uint32_t captured = r.U32(p + at + 8);
    at += 16;
    if (file.size() - at < captured) return std::nullopt;
    size_t ip = 0;
    if (FindIpv4(link, p + at, captured, ip) && ip <= captured) {
      if (auto d = ParseUdp(p + at + ip, captured - ip)) {
        d->time_us = int64_t{sec} * 1'000'000 + (nanoseconds ? frac / 1000 : frac);
        out.push_back(std::move(*d));
      }
    }
    at += captured;
  }
  return out;
}

std::optional<std::vector<UdpDatagram>> ReadPcapUdp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  return ParsePcapUdp(bytes);
}

}  // namespace konfero::dtmf::testing
