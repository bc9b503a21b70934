#include "daemon/folder_index.hpp"

#include "platform/files.hpp"

#include "daemon/log.hpp"
#include "pdf/reader_process.hpp"

namespace siberius::daemon {

bool folder_entry::is_broken() const {
  return facts.problem != pdf_problem::none && facts.problem != pdf_problem::no_text_layer;
}

std::string folder_entry::report_key() const {
  return path + "|" + std::to_string(size) + "|" + std::to_string(mtime_ns);
}

namespace {
nlohmann::json or_null(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

// The file's name on its own, whatever the platform's separator.
std::string base_name(const std::string& path) { return platform::base_name(path); }
} // namespace

nlohmann::json document_payload(const folder_entry& e, const std::string& indexed_at) {
  const auto& m = e.facts.metadata;
  nlohmann::json meta = {
      {"tipo", m.tipo},
      {"numero", or_null(m.numero)},
      {"cliente", or_null(m.cliente)},
      {"dataEvento", or_null(m.data_evento)},
      {"valorTotal", m.valor_total ? nlohmann::json(*m.valor_total) : nlohmann::json()},
  };
  if (e.facts.problem != pdf_problem::none) {
    meta["problem"] = to_string(e.facts.problem);
    meta["reason"] = e.facts.reason;
  }
  return {{"filename", base_name(e.path)}, {"fileHash", e.facts.sha256}, {"fileSize", e.facts.size},
          {"filePath", e.path},           {"metadata", std::move(meta)},  {"indexedAt", indexed_at}};
}

nlohmann::json error_payload(const folder_entry& e) {
  nlohmann::json err = {{"message", e.facts.reason.empty() ? to_string(e.facts.problem) : e.facts.reason},
                        {"code", to_string(e.facts.problem)},
                        {"filePath", e.path}};
  if (!e.facts.sha256.empty())
    err["fileHash"] = e.facts.sha256;
  err["details"] = {{"fileSize", e.size}};
  return err;
}

caf::behavior pdf_parse_job(caf::event_based_actor* self, parse_job_options options) {
  auto reader = std::make_shared<resident_reader>(options.reader_exe, options.time_limit);
  self->attach_functor([reader] { reader->stop(); });
  return {
      [=](atom::parse, const std::string& path) -> pdf_facts {
        std::uint64_t turn = 0;
        bool restarted = false;
        auto facts = reader->read(path, turn, restarted);
        self->delayed_send(self, options.idle_exit, atom::reader_idle_v, turn);
        if (restarted)
          log_event(log_level::warn, "pdf:reader:restarted", {{"path", path}, {"reason", facts.reason}});
        return facts;
      },
      [=](atom::reader_idle, std::uint64_t turn) { reader->end_if_idle(turn); },
  };
}

void folder_index_state::on_file_ready(const std::string& path, std::int64_t size, std::int64_t mtime_ns) {
  auto& f = files[path];
  if (f.size == size && f.mtime_ns == mtime_ns && (f.reading || f.have_facts))
    return; // this version is known or on its way
  f.size = size;
  f.mtime_ns = mtime_ns;
  f.have_facts = false;
  if (!f.reading) {
    f.reading = true;
    backlog.push_back(path);
  }
  dispatch();
}

void folder_index_state::on_file_gone(const std::string& path) {
  auto it = files.find(path);
  if (it == files.end())
    return;
  bool was_known = it->second.have_facts;
  if (it->second.reading) {
    // A worker may still be on it: forget the facts when they come back.
    it->second.have_facts = false;
    it->second.size = -1;
  } else {
    files.erase(it);
  }
  log_event(log_level::info, "pdf:gone", {{"path", path}});
  if (was_known)
    self->send(link, atom::folder_changed_v);
}

void folder_index_state::dispatch() {
  while (!backlog.empty() && !idle_workers.empty()) {
    auto path = backlog.front();
    backlog.pop_front();
    auto it = files.find(path);
    if (it == files.end() || it->second.size < 0) {
      if (it != files.end())
        files.erase(it);
      continue;
    }
    auto worker = idle_workers.back();
    idle_workers.pop_back();
    ++reading_now;
    auto size = it->second.size;
    auto mtime = it->second.mtime_ns;
    self->request(worker, caf::infinite, atom::parse_v, path)
        .then([this, path, worker, size, mtime](pdf_facts& facts) { on_read(path, worker, size, mtime, std::move(facts)); },
              [this, path, worker, size, mtime](caf::error& err) {
                pdf_facts facts;
                facts.problem = pdf_problem::io_error;
                facts.reason = "parse worker failed: " + caf::to_string(err);
                on_read(path, worker, size, mtime, std::move(facts));
              });
  }
  if (settled())
    answer_waiters();
}

void folder_index_state::on_read(const std::string& path, caf::actor worker, std::int64_t size,
                                 std::int64_t mtime_ns, pdf_facts facts) {
  --reading_now;
  idle_workers.push_back(std::move(worker));
  auto it = files.find(path);
  if (it != files.end()) {
    auto& f = it->second;
    if (f.size < 0) { // deleted while being read
      files.erase(it);
    } else if (f.size != size || f.mtime_ns != mtime_ns) { // changed while being read: read the new version
      backlog.push_back(path);
    } else {
      f.reading = false;
      f.have_facts = true;
      f.facts = std::move(facts);
      folder_entry entry{path, size, mtime_ns, f.facts};
      if (entry.is_broken()) {
        log_event(log_level::warn, "pdf:broken",
                  {{"path", path}, {"problem", to_string(entry.facts.problem)}, {"reason", entry.facts.reason}});
        self->send(link, atom::broken_v, std::move(entry));
      } else {
        log_event(log_level::info, "pdf:read",
                  {{"path", path}, {"hash", entry.facts.sha256}, {"tipo", entry.facts.metadata.tipo},
                   {"problem", to_string(entry.facts.problem)}});
        self->send(link, atom::document_v, std::move(entry));
      }
    }
  }
  dispatch();
}

folder_inventory folder_index_state::snapshot() const {
  folder_inventory all;
  all.reserve(files.size());
  for (auto& [path, f] : files)
    if (f.have_facts)
      all.push_back(folder_entry{path, f.size, f.mtime_ns, f.facts});
  return all;
}

std::vector<std::string> folder_index_state::paths_of(const std::string& hash) const {
  std::vector<std::string> paths;
  for (auto& [path, f] : files)
    if (f.have_facts && f.facts.sha256 == hash)
      paths.push_back(path);
  return paths;
}

void folder_index_state::answer_waiters() {
  for (auto& [hash, rp] : locate_waiters)
    rp.deliver(paths_of(hash));
  locate_waiters.clear();
  if (inventory_waiters.empty())
    return;
  auto all = snapshot();
  for (auto& rp : inventory_waiters)
    rp.deliver(all);
  inventory_waiters.clear();
}

caf::behavior folder_index(caf::stateful_actor<folder_index_state>* self, caf::actor link,
                           std::vector<caf::actor> workers) {
  auto& st = self->state;
  st.self = self;
  st.link = std::move(link);
  st.workers = workers;
  st.idle_workers = std::move(workers);
  return {
      [self](atom::file_ready, const std::string& path, std::int64_t size, std::int64_t mtime_ns) {
        self->state.on_file_ready(path, size, mtime_ns);
      },
      [self](atom::file_gone, const std::string& path) { self->state.on_file_gone(path); },
      [self](atom::scan_done) {
        self->state.scan_done = true;
        self->state.dispatch();
      },
      [self](atom::locate, const std::string& hash) -> caf::result<std::vector<std::string>> {
        // Before the first scan is complete "not found" would be a guess.
        if (self->state.settled())
          return self->state.paths_of(hash);
        auto rp = self->make_response_promise<std::vector<std::string>>();
        self->state.locate_waiters.emplace_back(hash, rp);
        return rp;
      },
      [self](atom::inventory) -> caf::result<folder_inventory> {
        if (self->state.settled())
          return self->state.snapshot();
        auto rp = self->make_response_promise<folder_inventory>();
        self->state.inventory_waiters.push_back(rp);
        return rp;
      },
  };
}

} // namespace siberius::daemon
