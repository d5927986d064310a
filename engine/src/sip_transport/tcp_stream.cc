// sip_transport/tcp_stream.cc: the plain TCP ByteStream.
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "sip_transport/byte_stream.h"

namespace konfero::sip_transport {
namespace {

class TcpStream final : public ByteStream {
 public:
  explicit TcpStream(boost::asio::ip::tcp::socket socket) : socket_(std::move(socket)) {}

  boost::asio::ip::tcp::socket& socket() override { return socket_; }
  void AsyncHandshake(DoneHandler done) override {
    boost::asio::post(socket_.get_executor(),
                      [done = std::move(done)] { done(boost::system::error_code()); });
  }
  void AsyncReadSome(boost::asio::mutable_buffer buffer, IoHandler done) override {
    socket_.async_read_some(buffer, std::move(done));
  }
  void AsyncWrite(boost::asio::const_buffer buffer, IoHandler done) override {
    boost::asio::async_write(socket_, buffer, std::move(done));
  }

 private:
  boost::asio::ip::tcp::socket socket_;
};

}  // namespace

std::unique_ptr<ByteStream> MakeTcpStream(boost::asio::ip::tcp::socket socket) {
  return std::make_unique<TcpStream>(std::move(socket));
}

}  // namespace konfero::sip_transport
