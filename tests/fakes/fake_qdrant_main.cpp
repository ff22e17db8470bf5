// fake-qdrant: the test fake as a standalone process, for trying the daemon by hand or from
// tests that need Qdrant in another process.
//
//   fake-qdrant [--address A] [--port N] [--api-key K] [--collection NAME ...]
//               [--max-payload-index-count N] [--tls-cert CHAIN.pem --tls-key KEY.pem]
//
// Prints the port it listens on (one line, digits only) once it accepts connections, then serves
// until SIGTERM or SIGINT and exits 0.
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "fakes/fake_qdrant.hpp"

namespace {

void usage() {
  std::cerr << "usage: fake-qdrant [--address A] [--port N] [--api-key K] [--collection NAME ...]"
               " [--max-payload-index-count N] [--tls-cert CHAIN.pem --tls-key KEY.pem]\n";
}

unsigned long parse_number(const std::string& flag, const std::string& text, unsigned long max) {
  std::size_t used = 0;
  unsigned long value = 0;
  try {
    value = std::stoul(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || value > max) {
    throw std::invalid_argument(flag + " needs a number up to " + std::to_string(max) + ", got '" +
                                text + "'");
  }
  return value;
}

std::string read_file(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in || text.str().empty()) throw std::invalid_argument(flag + ": cannot read " + path);
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  using index_optimizer::testing::fake_qdrant;
  fake_qdrant::options opts;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string flag = argv[i];
      if (flag == "--help" || flag == "-h") {
        usage();
        return 0;
      }
      if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value");
      const std::string value = argv[++i];
      if (flag == "--port") {
        opts.port = static_cast<unsigned short>(parse_number(flag, value, 65535));
      } else if (flag == "--address") {
        opts.address = value;
      } else if (flag == "--api-key") {
        opts.api_key = value;
      } else if (flag == "--collection") {
        opts.collections.push_back(value);
      } else if (flag == "--max-payload-index-count") {
        opts.max_payload_index_count = parse_number(flag, value, 1000000);
      } else if (flag == "--tls-cert") {
        opts.tls_certificate_chain_pem = read_file(flag, value);
      } else if (flag == "--tls-key") {
        opts.tls_private_key_pem = read_file(flag, value);
      } else {
        throw std::invalid_argument("unknown option " + flag);
      }
    }
    if (opts.tls_certificate_chain_pem.empty() != opts.tls_private_key_pem.empty()) {
      throw std::invalid_argument("--tls-cert and --tls-key go together");
    }
  } catch (const std::exception& e) {
    std::cerr << "fake-qdrant: " << e.what() << "\n";
    usage();
    return 2;
  }

  // Block the signals before the I/O thread starts so only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  try {
    fake_qdrant server(opts);
    std::cout << server.port() << std::endl;
    int received = 0;
    sigwait(&signals, &received);
    server.stop();
  } catch (const std::exception& e) {
    std::cerr << "fake-qdrant: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
