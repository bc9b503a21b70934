// What the daemon's own supervision promises: a parse worker that dies is
// replaced (the file it was reading is reported, the next files are read),
// and an upload worker that throws or dies frees its slot and the server
// hears the upload failed.
#define CAF_SUITE daemon_supervision
#define FAIL CAF_FAIL
#include "caf/test/dsl.hpp"

#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "daemon/folder_index.hpp"
#include "daemon/messages.hpp"
#include "daemon/uploader.hpp"
#include "pdf/sha256_stream.hpp"

using namespace siberius;
using namespace siberius::daemon;
using json = nlohmann::json;

namespace {

/// What server_link would forward to the server.
struct link_log_state {
  std::vector<std::string> documents; // paths read fine
  std::vector<std::string> broken;    // paths reported as not indexable
  std::vector<json> upload_failures;  // daemon:error payloads of uploads
  std::size_t reads_timed = 0;        // read_timing: files read by a worker (the heartbeat's avgParseMs)
  std::size_t uploads_timed = 0;      // upload_timing: stored uploads (avgUploadBytesPerSecond)
};

caf::behavior link_log(caf::stateful_actor<link_log_state>* self) {
  return {
    [=](atom::document, const folder_entry& e) { self->state.documents.push_back(e.path); },
    [=](atom::broken, const folder_entry& e) { self->state.broken.push_back(e.path); },
    [=](atom::folder_changed) {},
    [=](atom::upload_report, bool stored, const json& error) {
      if (!stored)
        self->state.upload_failures.push_back(error);
    },
    [=](atom::read_timing, std::int64_t) { ++self->state.reads_timed; },
    [=](atom::upload_timing, std::int64_t, std::int64_t) { ++self->state.uploads_timed; },
  };
}

/// A parse worker whose reader reads any file but one that kills it (a
/// crash of the worker itself, not of its reader process).
pdf_parse_actor::behavior_type parse_worker(pdf_parse_actor::pointer) {
  return {
    [=](atom::parse, const std::string& path) -> pdf_facts {
      if (path.find("kills-the-worker") != std::string::npos)
        throw std::runtime_error("worker state corrupted");
      pdf_facts f;
      f.sha256 = std::string(64, path.back() == '1' ? '1' : '2');
      f.size = 1000;
      f.metadata.tipo = "orcamento";
      return f;
    },
    [=](atom::reader_idle, std::uint64_t) {},
  };
}

/// The fakes take only the messages each test sends them: typed handles to
/// them are made by cast (a message outside that subset would go unanswered).
server_link_actor as_link(const caf::actor& a) { return caf::actor_cast<server_link_actor>(a); }

/// folder_index's answer to locate: the one file this test uploads.
caf::behavior index_of(caf::event_based_actor*, std::string path) {
  return {[=](atom::locate, const std::string&) { return std::vector<std::string>{path}; }};
}

struct fixture : test_coordinator_fixture<> {
  caf::actor link = sys.spawn(link_log);

  link_log_state& sent() { return deref<caf::stateful_actor<link_log_state>>(link).state; }

  void file_ready(const folder_index_actor& index, const std::string& path) {
    self->send(index, atom::file_ready_v, path, std::int64_t{1000}, std::int64_t{1});
    run();
  }
};

struct upload_fixture : fixture {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("siberius-upload-sup-" + std::to_string(::getpid()));
  std::string file = (dir / "orcamento_7.pdf").string();
  std::string hash;

  upload_fixture() {
    std::filesystem::create_directories(dir);
    std::ofstream(file, std::ios::binary) << "%PDF-1.4 the bytes of one budget %%EOF";
    std::ifstream in(file, std::ios::binary);
    hash = sha256_hex(std::string(std::istreambuf_iterator<char>(in), {}));
  }

  ~upload_fixture() { std::filesystem::remove_all(dir); }

  uploader_actor uploader_with(std::function<net::upload_outcome(const net::upload_spec&)> send) {
    uploader_options opts;
    opts.url = "http://127.0.0.1:9/";
    opts.max_parallel = 1;
    opts.attempts = 1;
    opts.detached_workers = false;
    opts.send_file = std::move(send);
    return sys.spawn(uploader, as_link(link), caf::actor_cast<folder_index_actor>(sys.spawn(index_of, file)), opts);
  }

  void ask(const uploader_actor& up, const std::string& request_id) {
    self->send(up, atom::upload_request_v,
               json{{"requestId", request_id}, {"fileHash", hash}, {"filename", "orcamento_7.pdf"},
                    {"priority", "normal"}});
    run();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(daemon_supervision_tests, fixture)

CAF_TEST(a parse worker that dies is replaced and the next files are read) {
  int made = 0;
  index_options opts;
  opts.verify_per_hour = 0;
  opts.replace_worker = [&] {
    ++made;
    return sys.spawn(parse_worker);
  };
  auto index = sys.spawn(folder_index, as_link(link), std::vector<pdf_parse_actor>{sys.spawn(parse_worker)}, opts);
  self->send(index, atom::scan_done_v);
  run();
  file_ready(index, "/srv/pdfs/kills-the-worker.pdf");
  CAF_CHECK_EQUAL(made, 1);
  // The file it was reading is reported, not read again (it could kill the next one too).
  CAF_CHECK_EQUAL(sent().broken, std::vector<std::string>{"/srv/pdfs/kills-the-worker.pdf"});
  file_ready(index, "/srv/pdfs/orcamento_1");
  file_ready(index, "/srv/pdfs/orcamento_2");
  CAF_CHECK_EQUAL(sent().documents, (std::vector<std::string>{"/srv/pdfs/orcamento_1", "/srv/pdfs/orcamento_2"}));
  CAF_CHECK_EQUAL(sent().broken.size(), 1u);
  // Only the reads a worker answered are timed: the one that killed it is not.
  CAF_CHECK_EQUAL(sent().reads_timed, 2u);
  self->send_exit(index, caf::exit_reason::user_shutdown);
  run();
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST_FIXTURE_SCOPE(daemon_upload_supervision_tests, upload_fixture)

CAF_TEST(an upload worker that throws frees its slot and the server hears it failed) {
  int calls = 0;
  auto up = uploader_with([&](const net::upload_spec& spec) -> net::upload_outcome {
    if (++calls == 1)
      throw std::runtime_error("certificate store unreadable");
    net::upload_outcome out;
    out.result = net::upload_result::stored;
    return out;
  });
  ask(up, "req-1");
  ask(up, "req-2");
  CAF_REQUIRE_EQUAL(sent().upload_failures.size(), 1u);
  CAF_CHECK_EQUAL(sent().upload_failures[0].at("requestId"), "req-1");
  CAF_CHECK_EQUAL(sent().upload_failures[0].at("code"), "upload_failed");
  // The one slot was freed: the second request ran, and only it is timed (stored).
  CAF_CHECK_EQUAL(calls, 2);
  CAF_CHECK_EQUAL(sent().uploads_timed, 1u);
  CAF_CHECK_EQUAL(deref<uploader_actor::stateful_base<uploader_state>>(up).state.running, 0u);
  self->send_exit(up, caf::exit_reason::user_shutdown);
  run();
}

CAF_TEST(an upload worker that dies without a word frees its slot) {
  int calls = 0;
  auto up = uploader_with([&](const net::upload_spec&) -> net::upload_outcome {
    if (++calls == 1)
      throw 42; // not a std::exception: the worker dies without reporting
    net::upload_outcome out;
    out.result = net::upload_result::stored;
    return out;
  });
  ask(up, "req-1");
  ask(up, "req-2");
  CAF_REQUIRE_EQUAL(sent().upload_failures.size(), 1u);
  CAF_CHECK_EQUAL(sent().upload_failures[0].at("requestId"), "req-1");
  CAF_CHECK_EQUAL(calls, 2);
  CAF_CHECK_EQUAL(deref<uploader_actor::stateful_base<uploader_state>>(up).state.running, 0u);
  self->send_exit(up, caf::exit_reason::user_shutdown);
  run();
}

CAF_TEST_FIXTURE_SCOPE_END()
