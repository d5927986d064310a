// sip_transport/byte_stream.h: what a SIP connection reads and writes: a
// plain TCP socket or TLS over one, behind one small interface so the
// connection logic (framing, keep-alives, write queue, idle timer) exists
// once.
//
// Thread contract: the loop's thread. At most one read and one write
// outstanding at a time.
#ifndef KONFERO_SIP_TRANSPORT_BYTE_STREAM_H_
#define KONFERO_SIP_TRANSPORT_BYTE_STREAM_H_

#include <cstddef>
#include <functional>
#include <memory>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace konfero::sip_transport {

class ByteStream {
 public:
  using IoHandler = std::function<void(const boost::system::error_code&, size_t)>;
  using DoneHandler = std::function<void(const boost::system::error_code&)>;

  virtual ~ByteStream() = default;

  // The TCP layer: to connect, to close, for the addresses.
  virtual boost::asio::ip::tcp::socket& socket() = 0;
  // After connect or accept. Plain TCP: completes at once (posted).
  virtual void AsyncHandshake(DoneHandler done) = 0;
  virtual void AsyncReadSome(boost::asio::mutable_buffer buffer, IoHandler done) = 0;
  // Writes all of `buffer`; it must stay valid until `done`.
  virtual void AsyncWrite(boost::asio::const_buffer buffer, IoHandler done) = 0;
};

// Plain TCP.
std::unique_ptr<ByteStream> MakeTcpStream(boost::asio::ip::tcp::socket socket);

}  // namespace konfero::sip_transport

#endif  // KONFERO_SIP_TRANSPORT_BYTE_STREAM_H_
